/* The bare C UDP echo that parleyd's UDP echo is measured against: one
 * blocking socket, recvmmsg takes up to 64 datagrams at once (returning as
 * soon as one is there), sendmmsg sends the whole batch back to where each
 * came from.
 *
 *   udp_echo [--host H] [--port P] [--exit-after S]
 * prints "udp_echo ready udp=HOST:PORT" once bound. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "baseline_common.h"

#define BATCH 64
#define MAX_DATAGRAM 65536

static const char *usage =
    "usage: udp_echo [--host H] [--port P] [--exit-after S]\n"
    "Sends every datagram back to its sender; prints 'udp_echo ready udp=HOST:PORT'.\n";

int main(int argc, char **argv) {
  struct baseline_args args;
  baseline_parse_args(argc, argv, usage, &args);
  struct sockaddr_storage ss;
  socklen_t ss_len = baseline_address(args.host, args.port, &ss);
  if (ss_len == 0) {
    fprintf(stderr, "udp_echo: bad host %s\n", args.host);
    return 2;
  }
  int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || bind(fd, (struct sockaddr *)&ss, ss_len) != 0) {
    fprintf(stderr, "udp_echo: cannot bind %s:%d: %s\n", args.host, args.port, strerror(errno));
    return 1;
  }
  int big = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  baseline_install_stop(args.exit_after);
  char bound[80];
  baseline_format_bound(fd, bound, sizeof bound);
  printf("udp_echo ready udp=%s\n", bound);
  fflush(stdout);

  static char bufs[BATCH][MAX_DATAGRAM];
  struct sockaddr_storage peers[BATCH];
  struct iovec iov[BATCH];
  struct mmsghdr msgs[BATCH];
  while (!baseline_stop) {
    for (int i = 0; i < BATCH; ++i) {
      iov[i].iov_base = bufs[i];
      iov[i].iov_len = MAX_DATAGRAM;
      memset(&msgs[i], 0, sizeof msgs[i]);
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &peers[i];
      msgs[i].msg_hdr.msg_namelen = sizeof peers[i];
    }
    int n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
    if (n <= 0) continue; /* EINTR: look at the stop flag */
    for (int i = 0; i < n; ++i) iov[i].iov_len = msgs[i].msg_len;
    int sent = 0;
    while (sent < n && !baseline_stop) {
      int s = sendmmsg(fd, msgs + sent, (unsigned)(n - sent), 0);
      if (s < 0) {
        if (errno == EINTR) continue;
        break; /* a datagram that cannot go back is dropped, as UDP allows */
      }
      sent += s;
    }
  }
  close(fd);
  return 0;
}
