"""A round-robin TCP load balancer on 127.0.0.1 for end-to-end tests: what
stands in front of several Odoo servers in production. A backend that
refuses the connection (a killed server) is skipped."""

import itertools
import socket
import threading

from .odoo_server import free_port


class TcpBalancer:
    def __init__(self, backend_ports):
        self.backends = list(backend_ports)
        self.port = free_port()
        self._cycle = itertools.cycle(self.backends)
        self._lock = threading.Lock()
        self._server = socket.create_server(("127.0.0.1", self.port))
        self._closed = False
        self.connections = {port: 0 for port in self.backends}

    def start(self):
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def _next_backend(self):
        for _ in self.backends:
            with self._lock:
                port = next(self._cycle)
            try:
                upstream = socket.create_connection(("127.0.0.1", port), timeout=5)
            except OSError:
                continue
            upstream.settimeout(None)
            with self._lock:
                self.connections[port] += 1
            return upstream
        return None

    def _accept(self):
        while not self._closed:
            try:
                client, _address = self._server.accept()
            except OSError:
                return
            upstream = self._next_backend()
            if upstream is None:
                client.close()
                continue
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self._pipe, args=(source, target), daemon=True
                ).start()

    @staticmethod
    def _pipe(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self._closed = True
        self._server.close()
