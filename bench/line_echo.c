/* The bare C line echo that parleyd's echo is measured against: one thread,
 * level-triggered epoll, read what is there, write back every complete line
 * with one write(2), keep the unfinished tail for the next read. Output the
 * kernel does not take waits in a per-connection buffer, and the connection
 * stops being read until it drains, so a client that does not read cannot
 * make the server grow without bound.
 *
 *   line_echo [--host H] [--port P] [--exit-after S]
 * prints "line_echo ready tcp=HOST:PORT" once listening. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "baseline_common.h"

#define READ_CHUNK 65536
#define MAX_LINE (1 << 20) /* a longer line closes the connection */
#define MAX_EVENTS 256

struct conn {
  int fd;
  char *in;        /* carried-over partial line, then new bytes */
  size_t in_len, in_cap;
  char *out;       /* bytes the kernel did not take yet */
  size_t out_len, out_off, out_cap;
};

static int set_events(int ep, struct conn *c, unsigned events) {
  struct epoll_event ev = {.events = events, .data.ptr = c};
  return epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void drop(int ep, struct conn *c) {
  epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  free(c->in);
  free(c->out);
  free(c);
}

/* Writes what it can; keeps the rest. Returns -1 when the connection failed. */
static int send_bytes(struct conn *c, const char *p, size_t n) {
  if (c->out_len == c->out_off) {
    while (n > 0) {
      ssize_t w = write(c->fd, p, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) break;
        return -1;
      }
      p += w;
      n -= (size_t)w;
    }
  }
  if (n == 0) return 0;
  if (c->out_off > 0) {
    memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
    c->out_len -= c->out_off;
    c->out_off = 0;
  }
  if (c->out_len + n > c->out_cap) {
    size_t cap = c->out_cap ? c->out_cap : READ_CHUNK;
    while (cap < c->out_len + n) cap *= 2;
    char *grown = realloc(c->out, cap);
    if (grown == NULL) return -1;
    c->out = grown;
    c->out_cap = cap;
  }
  memcpy(c->out + c->out_len, p, n);
  c->out_len += n;
  return 0;
}

static int flush_out(struct conn *c) {
  while (c->out_off < c->out_len) {
    ssize_t w = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return 0;
      return -1;
    }
    c->out_off += (size_t)w;
  }
  c->out_off = c->out_len = 0;
  return 0;
}

/* Reads once, echoes complete lines. Returns -1 on EOF or error. */
static int on_readable(struct conn *c) {
  if (c->in_cap - c->in_len < READ_CHUNK) {
    size_t cap = c->in_cap * 2;
    if (cap > MAX_LINE + READ_CHUNK) return -1;
    char *grown = realloc(c->in, cap);
    if (grown == NULL) return -1;
    c->in = grown;
    c->in_cap = cap;
  }
  ssize_t r = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
  if (r == 0) return -1;
  if (r < 0) return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
  size_t scanned_from = c->in_len;
  c->in_len += (size_t)r;
  char *last = memrchr(c->in + scanned_from, '\n', (size_t)r);
  if (last == NULL) return 0;
  size_t complete = (size_t)(last - c->in) + 1;
  if (send_bytes(c, c->in, complete) < 0) return -1;
  memmove(c->in, c->in + complete, c->in_len - complete);
  c->in_len -= complete;
  return 0;
}

static const char *usage =
    "usage: line_echo [--host H] [--port P] [--exit-after S]\n"
    "Echoes every line it receives; prints 'line_echo ready tcp=HOST:PORT'.\n";

int main(int argc, char **argv) {
  struct baseline_args args;
  baseline_parse_args(argc, argv, usage, &args);
  struct sockaddr_storage ss;
  socklen_t ss_len = baseline_address(args.host, args.port, &ss);
  if (ss_len == 0) {
    fprintf(stderr, "line_echo: bad host %s\n", args.host);
    return 2;
  }
  int lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (lfd < 0 || bind(lfd, (struct sockaddr *)&ss, ss_len) != 0 || listen(lfd, 4096) != 0) {
    fprintf(stderr, "line_echo: cannot listen on %s:%d: %s\n", args.host, args.port, strerror(errno));
    return 1;
  }
  baseline_install_stop(args.exit_after);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev);
  char bound[80];
  baseline_format_bound(lfd, bound, sizeof bound);
  printf("line_echo ready tcp=%s\n", bound);
  fflush(stdout);

  struct epoll_event events[MAX_EVENTS];
  while (!baseline_stop) {
    int n = epoll_wait(ep, events, MAX_EVENTS, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < n; ++i) {
      struct conn *c = events[i].data.ptr;
      if (c == NULL) {
        for (;;) {
          int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (fd < 0) break;
          setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          struct conn *nc = calloc(1, sizeof *nc);
          nc->fd = fd;
          nc->in_cap = 2 * READ_CHUNK;
          nc->in = malloc(nc->in_cap);
          struct epoll_event ev = {.events = EPOLLIN, .data.ptr = nc};
          epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
        }
        continue;
      }
      if (events[i].events & EPOLLOUT) {
        if (flush_out(c) < 0) {
          drop(ep, c);
          continue;
        }
        if (c->out_len == 0) set_events(ep, c, EPOLLIN);
        continue;
      }
      if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        if (on_readable(c) < 0) {
          drop(ep, c);
          continue;
        }
        /* Backlogged: stop reading until the client has taken its replies. */
        if (c->out_len > c->out_off) set_events(ep, c, EPOLLOUT);
      }
    }
  }
  return 0;
}
