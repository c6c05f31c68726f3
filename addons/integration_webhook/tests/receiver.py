"""A real HTTP receiver on 127.0.0.1 for webhook tests and benchmarks.

It records every request and answers from a script of responses (status,
headers, delay), then with the default answer.
"""

import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    at: float = field(default_factory=time.time)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like real receivers

    def setup(self):
        result = super().setup()
        # headers and body go out in two writes: without TCP_NODELAY, Nagle
        # and delayed ACKs stall every keep-alive request by ~40 ms
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return result

    def do_POST(self):
        server = self.server
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length)
        with server.lock:
            server.received.append(
                Received(
                    self.path, {k.lower(): v for k, v in self.headers.items()}, body
                )
            )
            status, headers, delay = (
                server.script.popleft() if server.script else server.default
            )
        if delay:
            time.sleep(delay)
        reply = server.reply or (
            b'{"ok":true}' if 200 <= status < 300 else b'{"error":"scripted"}'
        )
        try:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)
        except (BrokenPipeError, ConnectionResetError):
            return  # the client hung up (a killed Odoo): nobody to answer

    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client that hangs up (a killed Odoo) is not an error here."""


class WebhookReceiver:
    """``with WebhookReceiver() as receiver: ... receiver.url ...``"""

    def __init__(self, default_status=200, delay=0.0, host="127.0.0.1"):
        self.server = _Server((host, 0), _Handler)
        self.server.lock = threading.Lock()
        self.server.received = []
        self.server.script = deque()
        self.server.default = (default_status, None, delay)
        self.server.reply = None  # the body of every answer, when set
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self):
        return self.server.server_address[1]

    @property
    def url(self):
        return f"http://{self.server.server_address[0]}:{self.port}/hooks"

    @property
    def received(self):
        with self.server.lock:
            return list(self.server.received)

    def answer(self, status, headers=None, delay=0.0, times=1):
        """Script the next ``times`` answers."""
        with self.server.lock:
            for _ in range(times):
                self.server.script.append((status, headers, delay))

    def set_default(self, status, delay=0.0):
        with self.server.lock:
            self.server.default = (status, None, delay)

    def wait_for(self, count, timeout=10.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if len(self.received) >= count:
                return True
            time.sleep(0.02)
        return False

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
