#!/usr/bin/env python3
"""A webhook receiver for scripts/crash-test.sh and scripts/soak.sh, standard library only.

For every POST /hook it appends one JSON line to --out:

    {"id": <event id>, "type": <event type>, "invoiceId": <data.id>, "signatureOk": <bool>}

where signatureOk says whether X-Webhook-Signature equals the lowercase hex HMAC-SHA256 of
the raw body keyed with a --secret (compared in constant time). It answers 200 so the sender
marks the delivery delivered; a body that is not an event is recorded (with "error") and
answered 400, so the sender retries it and the test sees the problem.

Flaky on request (scripts/soak.sh): with --fail-ratio the first call of an event is answered
500 with that probability, and with --hang-ratio it is held for --hang-seconds (longer than
the sender waits) before a 200 the sender no longer reads. Such calls are recorded with
"answered": 500 or "hung"; a later call of the same event is always answered 200, so every
event is delivered after one retry. Records of calls answered 200 carry "answered": 200.
"""

import argparse
import hashlib
import hmac
import json
import random
import sys
import time
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--out", required=True, help="JSON lines file to append to")
    parser.add_argument("--secret", required=True, action="append",
                        help="a webhook's signing secret; repeat for several webhooks")
    parser.add_argument("--fail-ratio", type=float, default=0.0,
                        help="share of events whose first call is answered 500")
    parser.add_argument("--hang-ratio", type=float, default=0.0,
                        help="share of events whose first call hangs for --hang-seconds")
    parser.add_argument("--hang-seconds", type=float, default=15.0)
    args = parser.parse_args()
    seen = set()  # event IDs called before: these are answered 200

    secrets = [s.encode() for s in args.secret]
    # One writer at a time: ThreadingHTTPServer answers calls on concurrent threads, and
    # every record must be one whole line.
    lock = threading.Lock()
    out = open(args.out, "a", encoding="utf-8")

    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.1 so the sender may keep its connection open between calls.
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            if self.path.split("?", 1)[0] != "/hook":
                self.answer(404)
                return
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            given = self.headers.get("X-Webhook-Signature") or ""
            signature_ok = any(
                hmac.compare_digest(hmac.new(s, raw, hashlib.sha256).hexdigest(), given)
                for s in secrets
            )
            record = {
                "id": None,
                "type": None,
                "invoiceId": None,
                "signatureOk": signature_ok,
            }
            status = 200
            try:
                body = json.loads(raw)
                record["id"] = body["id"]
                record["type"] = body["type"]
                record["invoiceId"] = (body.get("data") or {}).get("id")
            except (ValueError, KeyError, TypeError, AttributeError) as e:
                record["error"] = f"not an event: {e!r}"
                status = 400
            hang = False
            if status == 200 and (args.fail_ratio or args.hang_ratio):
                with lock:
                    first = record["id"] not in seen
                    seen.add(record["id"])
                if first:
                    roll = random.random()
                    if roll < args.fail_ratio:
                        status = 500
                    elif roll < args.fail_ratio + args.hang_ratio:
                        hang = True
            record["answered"] = "hung" if hang else status
            if hang:
                time.sleep(args.hang_seconds)
            with lock:
                out.write(json.dumps(record) + "\n")
                # Flushed before answering: whatever was acknowledged is in the file.
                out.flush()
            self.answer(status)

        def answer(self, status: int) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:
                self.close_connection = True  # the sender gave up waiting (a hung call)

        def log_message(self, format: str, *args) -> None:
            pass  # one line per call would bury the test's own output

    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    print(f"webhook receiver on http://{args.host}:{args.port}/hook", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        out.close()


if __name__ == "__main__":
    main()
