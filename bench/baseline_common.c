#define _GNU_SOURCE
#include "baseline_common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

volatile sig_atomic_t baseline_stop = 0;

static void on_stop(int sig) {
  (void)sig;
  baseline_stop = 1;
}

void baseline_install_stop(int exit_after) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGALRM, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  if (exit_after > 0) alarm((unsigned)exit_after);
}

void baseline_parse_args(int argc, char **argv, const char *usage, struct baseline_args *out) {
  out->host = "127.0.0.1";
  out->port = 0;
  out->exit_after = 0;
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0) {
      printf("%s", usage);
      exit(0);
    }
    if (i + 1 >= argc) goto bad;
    char *end = NULL;
    if (strcmp(a, "--host") == 0) {
      out->host = argv[++i];
    } else if (strcmp(a, "--port") == 0) {
      long v = strtol(argv[++i], &end, 10);
      if (*end != '\0' || v < 0 || v > 65535) goto bad;
      out->port = (int)v;
    } else if (strcmp(a, "--exit-after") == 0) {
      long v = strtol(argv[++i], &end, 10);
      if (*end != '\0' || v < 0) goto bad;
      out->exit_after = (int)v;
    } else {
      goto bad;
    }
  }
  return;
bad:
  fprintf(stderr, "%s", usage);
  exit(2);
}

socklen_t baseline_address(const char *host, int port, struct sockaddr_storage *ss) {
  memset(ss, 0, sizeof *ss);
  struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
  if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
    in4->sin_family = AF_INET;
    in4->sin_port = htons((unsigned short)port);
    return sizeof *in4;
  }
  if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons((unsigned short)port);
    return sizeof *in6;
  }
  return 0;
}

void baseline_format_bound(int fd, char *out, size_t out_len) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  char host[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
    if (ss.ss_family == AF_INET6) {
      struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
      inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
      port = ntohs(in6->sin6_port);
      snprintf(out, out_len, "[%s]:%d", host, port);
      return;
    }
    struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
    inet_ntop(AF_INET, &in4->sin_addr, host, sizeof host);
    port = ntohs(in4->sin_port);
  }
  snprintf(out, out_len, "%s:%d", host, port);
}
