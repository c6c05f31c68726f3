"""A TLS broker for the tests without touching RabbitMQ's configuration: a
throw-away certificate authority, and a TLS-terminating proxy on
127.0.0.1 (random port) that forwards the decrypted bytes to the plain
AMQP port. What Odoo publishes over ``amqps://`` to the proxy reaches the
real RabbitMQ, where a separate plain consumer reads it."""

import contextlib
import datetime
import ipaddress
import os
import socket
import ssl
import tempfile
import threading

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _pem(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def _key_pem(key):
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


class Authority:
    """A certificate authority that lives as long as the test."""

    def __init__(self, name="Odoo test CA"):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = datetime.datetime.now(datetime.UTC)
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(self.name)
            .issuer_name(self.name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), False
            )
            .sign(self.key, hashes.SHA256())
        )
        self.pem = _pem(self.certificate)

    def issue(self, common_name, hosts=(), client=False):
        """``(certificate PEM, key PEM)`` for a server (``hosts``: DNS names
        and IP addresses) or a client."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        builder = (
            x509.CertificateBuilder()
            .subject_name(
                x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
            )
            .issuer_name(self.name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
            .add_extension(
                x509.ExtendedKeyUsage(
                    [
                        ExtendedKeyUsageOID.CLIENT_AUTH
                        if client
                        else ExtendedKeyUsageOID.SERVER_AUTH
                    ]
                ),
                False,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    self.key.public_key()
                ),
                False,
            )
        )
        if hosts:
            names = []
            for host in hosts:
                try:
                    names.append(x509.IPAddress(ipaddress.ip_address(host)))
                except ValueError:
                    names.append(x509.DNSName(host))
            builder = builder.add_extension(x509.SubjectAlternativeName(names), False)
        certificate = builder.sign(self.key, hashes.SHA256())
        return _pem(certificate), _key_pem(key)


class TlsProxy:
    """TLS on 127.0.0.1:<random port> in front of ``upstream`` (plain AMQP).

    :param client_ca_pem: when given, a client certificate issued by this
        CA is required (mutual TLS)
    Counts the completed handshakes (``sessions``) and keeps the reasons of
    the failed ones (``failures``).
    """

    def __init__(
        self, cert_pem, key_pem, upstream=("127.0.0.1", 5672), client_ca_pem=None
    ):
        self.upstream = upstream
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        with tempfile.TemporaryDirectory() as folder:
            cert_path = os.path.join(folder, "server.crt")
            key_path = os.path.join(folder, "server.key")
            with open(cert_path, "w", encoding="ascii") as stream:
                stream.write(cert_pem)
            with open(key_path, "w", encoding="ascii") as stream:
                stream.write(key_pem)
            self.context.load_cert_chain(cert_path, key_path)
        if client_ca_pem:
            self.context.verify_mode = ssl.CERT_REQUIRED
            self.context.load_verify_locations(cadata=client_ca_pem)
        self.sessions = 0
        self.failures = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._sockets = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def url(self, host="localhost", user="guest", password="guest"):
        return f"amqps://{user}:{password}@{host}:{self.port}/%2F"

    def _accept(self):
        while not self._stop.is_set():
            try:
                client, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        client.settimeout(10)
        try:
            secure = self.context.wrap_socket(client, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            with self._lock:
                self.failures.append(str(exc))
            client.close()
            return
        try:
            upstream = socket.create_connection(self.upstream, timeout=10)
        except OSError:
            secure.close()
            return
        with self._lock:
            self.sessions += 1
            self._sockets.extend([secure, upstream])
        secure.settimeout(None)
        upstream.settimeout(None)
        threading.Thread(
            target=self._pump, args=(upstream, secure), daemon=True
        ).start()
        self._pump(secure, upstream)

    def _pump(self, source, target):
        with contextlib.suppress(OSError):  # one side closed: the session ends
            while True:
                data = source.recv(65536)
                if not data:
                    break
                target.sendall(data)
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self):
        self._stop.set()
        self._listener.close()
        self._thread.join(5)
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.close()
