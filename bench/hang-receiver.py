#!/usr/bin/env python3
"""A webhook receiver that never answers, for `WEBHOOK=hang bench/create-invoices.sh`.

Listens on 127.0.0.1 (port 0: the system picks one), accepts every connection, reads what
the sender writes and never sends a byte back; it keeps each connection open until the
sender gives up or HOLD seconds have passed. Standard library only.

Prints `hang-receiver listening on 127.0.0.1:PORT` once it listens. On SIGTERM or SIGINT it
prints `hang-receiver connections=N requests=N bytes=N` (requests: how many HTTP request
lines arrived) and exits 0.

Usage: python3 bench/hang-receiver.py [HOLD_SECONDS]   (default 60)
"""

import signal
import socket
import socketserver
import sys
import threading
import time

HOLD = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0

lock = threading.Lock()
stats = {"connections": 0, "requests": 0, "bytes": 0}


class Hang(socketserver.BaseRequestHandler):
    def handle(self):
        with lock:
            stats["connections"] += 1
        deadline = time.monotonic() + HOLD
        sock = self.request
        tail = b""  # the last bytes of the previous read, for a request line split in two
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                sock.settimeout(left)
                data = sock.recv(65536)
                if not data:  # the sender gave up and closed
                    break
                seen = tail + data
                tail = seen[-5:]  # shorter than b"POST /": nothing is counted twice
                with lock:
                    stats["bytes"] += len(data)
                    # Request lines start with the method; portaal only POSTs.
                    stats["requests"] += seen.count(b"POST /")
        except (socket.timeout, OSError):
            pass


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256


def main():
    server = Server(("127.0.0.1", 0), Hang)
    port = server.server_address[1]

    def stop(_signum, _frame):
        with lock:
            line = "hang-receiver connections={connections} requests={requests} bytes={bytes}".format(**stats)
        print(line, flush=True)
        # serve_forever runs in this thread, so shutdown() would wait for itself.
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"hang-receiver listening on 127.0.0.1:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
