/* Shared by the two bare C baselines: flag parsing, address setup and the
 * stop flag. Kept tiny on purpose: the baselines are the yardstick, so they
 * must be obviously free of anything but the socket work itself. */
#ifndef PARLEY_BASELINE_COMMON_H
#define PARLEY_BASELINE_COMMON_H

#include <signal.h>
#include <sys/socket.h>

struct baseline_args {
  const char *host;     /* --host, default 127.0.0.1 */
  int port;             /* --port, default 0: the kernel picks */
  int exit_after;       /* --exit-after S: stop by itself after S seconds (0: never) */
};

/* Parses argv; prints usage and exits with status 2 on a bad flag. */
void baseline_parse_args(int argc, char **argv, const char *usage, struct baseline_args *out);

/* Fills ss with host:port (IPv4 or IPv6 literal); returns its length or 0. */
socklen_t baseline_address(const char *host, int port, struct sockaddr_storage *ss);

/* Formats the bound address of fd as HOST:PORT ([HOST]:PORT for IPv6). */
void baseline_format_bound(int fd, char *out, size_t out_len);

/* SIGINT, SIGTERM and (after --exit-after) SIGALRM set this flag. The
 * handlers are installed without SA_RESTART so a blocking call returns EINTR. */
extern volatile sig_atomic_t baseline_stop;
void baseline_install_stop(int exit_after);

#endif
