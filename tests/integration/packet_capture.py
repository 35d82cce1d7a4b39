"""Capturing loopback traffic with dumpcap (Wireshark's capture tool) for the
tests that check what is visible on the wire, and a minimal pcapng reader
that yields each TCP segment's ports and payload. Where dumpcap is missing or
may not capture (no root, no CAP_NET_RAW), `unavailable()` says why and the
tests skip."""
import os
import selectors
import shutil
import socket
import struct
import subprocess
import threading
import time

from harness import scaled

# Link-layer header lengths of the link types dumpcap uses for lo.
_LINK_HEADER = {1: 14, 113: 16, 276: 20}  # Ethernet, Linux cooked v1 and v2


def unavailable():
    """None when a capture can be taken here, else the reason it cannot."""
    if shutil.which("dumpcap") is None:
        return "dumpcap is not installed (Debian: tshark)"
    probe = subprocess.run(["dumpcap", "-D"], capture_output=True, text=True, timeout=30)
    if probe.returncode != 0 or "lo" not in probe.stdout:
        return f"dumpcap cannot list the loopback interface: {probe.stderr.strip()[:200]}"
    return None


class Capture:
    """Packets on lo matching a BPF filter. dumpcap writes them to a pipe,
    which it flushes after every packet, and a thread collects them; the
    constructor returns once dumpcap says it is capturing."""

    def __init__(self, bpf_filter):
        # dumpcap announces itself before its filter is in place, so the
        # capture counts as started once it has seen a datagram of our own.
        self._probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._probe.bind(("127.0.0.1", 0))
        probe_port = self._probe.getsockname()[1]
        self.proc = subprocess.Popen(["dumpcap", "-q", "-i", "lo", "-f",
                                      f"({bpf_filter}) or udp port {probe_port}", "-w", "-"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._data = b""
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._collect, daemon=True)
        self._reader.start()
        banner = b""
        deadline = time.monotonic() + scaled(15)
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stderr, selectors.EVENT_READ)
            while b"Capturing on" not in banner:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not sel.select(remaining):
                    self.stop()
                    raise AssertionError(f"dumpcap did not start: {banner!r}")
                chunk = os.read(self.proc.stderr.fileno(), 4096)
                if not chunk:
                    self.stop()
                    raise AssertionError(f"dumpcap exited: {banner!r}")
                banner += chunk
        marker = b"capture-probe-%d" % probe_port
        with self._cond:
            while marker not in self._data:
                if time.monotonic() > deadline or not self._reader.is_alive():
                    self.stop()
                    raise AssertionError("dumpcap never saw the probe datagram")
                self._probe.sendto(marker, ("127.0.0.1", probe_port))
                self._cond.wait(0.1)  # resend until one is seen

    def _collect(self):
        while True:
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            with self._cond:
                if not chunk:
                    self._cond.notify_all()
                    return
                self._data += chunk
                self._cond.notify_all()

    def segments(self):
        """(source port, destination port, payload) of every TCP segment
        captured so far, in capture order."""
        with self._cond:
            data = self._data
        return list(_tcp_segments(data))

    def wait_for(self, needle, timeout=10.0):
        """Waits until some captured payload contains `needle`: packets come
        in order, so everything sent before it has been captured too."""
        deadline = time.monotonic() + scaled(timeout)
        with self._cond:
            while not any(needle in payload for _, _, payload in _tcp_segments(self._data)):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._reader.is_alive():
                    raise AssertionError(f"{needle!r} never showed up in the capture")
                self._cond.wait(remaining)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(scaled(10))
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(scaled(5))
        self.proc.stdout.close()
        self.proc.stderr.close()
        self._probe.close()


def _tcp_segments(data):
    link_types = []
    pos = 0
    little = True
    while pos + 12 <= len(data):
        if data[pos:pos + 4] == b"\x0a\x0d\x0d\x0a":  # section header: fixes the byte order
            little = data[pos + 8:pos + 12] == b"\x4d\x3c\x2b\x1a"
        fmt = "<" if little else ">"
        block_type, block_len = struct.unpack_from(fmt + "II", data, pos)
        if block_len < 12 or pos + block_len > len(data):
            break  # a block still being written
        body = data[pos + 8:pos + block_len - 4]
        if block_type == 1:  # interface description
            link_types.append(struct.unpack_from(fmt + "H", body, 0)[0])
        elif block_type == 6 and link_types:  # enhanced packet
            iface, _, _, captured, _ = struct.unpack_from(fmt + "IIIII", body, 0)
            frame = body[20:20 + captured]
            segment = _tcp_of(frame, _LINK_HEADER.get(link_types[iface]))
            if segment:
                yield segment
        pos += block_len


def _tcp_of(frame, link_header):
    if link_header is None or len(frame) < link_header + 20:
        return None
    ip = frame[link_header:]
    version = ip[0] >> 4
    if version == 4:
        if ip[9] != 6:
            return None
        tcp = ip[(ip[0] & 0x0F) * 4:]
    elif version == 6:
        if ip[6] != 6:
            return None
        tcp = ip[40:]
    else:
        return None
    if len(tcp) < 20:
        return None
    sport, dport = struct.unpack_from(">HH", tcp, 0)
    return sport, dport, bytes(tcp[(tcp[12] >> 4) * 4:])
