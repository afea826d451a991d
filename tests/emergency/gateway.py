"""A test SMS/voice gateway: a local HTTP server that records each webhook call (docs/emergency-gateway.md).

It keeps what a real gateway would: the Idempotency-Key of every request, and delivers a key once. It can
hold the Nth request open (to kill the sender while that message is in flight) and refuse some numbers.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Gateway:
    def __init__(self, hold_at: int = 0, refuse: frozenset[str] = frozenset()) -> None:
        self.requests: list[dict[str, Any]] = []
        self.delivered: dict[str, int] = {}  # key → times delivered to a phone (a repeat is dropped)
        self.hold_at = hold_at
        self.refuse = refuse
        self.holding = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                key = self.headers.get("Idempotency-Key", "")
                with gateway.lock:
                    gateway.requests.append(
                        {"key": key, "body": body, "signature": self.headers.get("X-Liangping-Signature")}
                    )
                    number = len(gateway.requests)
                    if key not in gateway.delivered:
                        gateway.delivered[key] = 1
                if number == gateway.hold_at:
                    gateway.holding.set()
                    gateway.release.wait(30)
                status = 400 if body.get("phone") in gateway.refuse else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/sms"

    def __enter__(self) -> Gateway:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def keys(self) -> list[str]:
        return [r["key"] for r in self.requests]
