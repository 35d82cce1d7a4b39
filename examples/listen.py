#!/usr/bin/env python3
"""Joins a Parley room and prints what people say there, one line each:

    [room] nick: text

A starting point for bots and scripts: the Python standard library only, one
blocking socket, the JSON side of the Parley wire protocol.

    python3 examples/listen.py --room lobby --nick listener
"""
import argparse
import json
import re
import socket
import sys

# Someone else's text must not drive our terminal: escape controls the way the
# server's own text mode does.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\\\\]")


def escape(text):
    def one(m):
        ch = m.group(0)
        if ch == "\\":
            return "\\\\"
        return f"\\x{ord(ch):02X}" if ord(ch) <= 0xFF else f"\\u{ord(ch):04X}"
    return _CONTROLS.sub(one, text)


class Connection:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port))
        self.lines = self.sock.makefile("r", encoding="utf-8", newline="\n")

    def frames(self):
        for line in self.lines:
            yield json.loads(line)

    def call(self, type_, **fields):
        """Sends a request and waits for its reply; events on the way are
        dropped, since nothing has been joined yet."""
        self.sock.sendall(json.dumps({"type": type_, **fields}).encode() + b"\n")
        for frame in self.frames():
            if frame["type"] == "ok":
                return frame
            if frame["type"] == "error":
                raise SystemExit(f"listen.py: {type_} failed: {frame['code']}: "
                                 f"{frame.get('message', '')}")
        raise SystemExit("listen.py: the server closed the connection")


def main():
    parser = argparse.ArgumentParser(description="Print the messages said in a Parley room.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7070)
    parser.add_argument("--room", default="lobby")
    parser.add_argument("--nick", help="name to use (default: the server's guestN)")
    args = parser.parse_args()

    try:
        conn = Connection(args.host, args.port)
    except OSError as e:
        raise SystemExit(f"listen.py: cannot connect to {args.host}:{args.port}: {e.strerror}")
    hello = conn.call("hello")
    if args.nick:
        conn.call("nick", nick=args.nick)
    conn.call("join", room=args.room)
    print(f"# {args.nick or hello['nick']} listening in {args.room}", file=sys.stderr)

    for frame in conn.frames():
        if frame["type"] == "message":
            print(f"[{escape(frame['room'])}] {frame['from']}: {escape(frame['text'])}",
                  flush=True)
        elif frame["type"] == "shutdown":
            break


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
