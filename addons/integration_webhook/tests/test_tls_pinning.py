"""HTTPS to a vetted address: the socket goes to the pinned IP, while TLS
still checks the certificate against the URL's host name."""

import datetime
import ssl
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from odoo.tests import BaseCase, tagged

from ..tools import sender
from .receiver import WebhookReceiver


def self_signed(directory, dns_name):
    """A certificate for ``dns_name`` that is its own authority; its paths."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, dns_name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(dns_name)]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path = Path(directory) / f"{dns_name}.pem"
    key_path = Path(directory) / f"{dns_name}.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_path), str(key_path)


@tagged("-at_install", "post_install")
class TestTlsPinning(BaseCase):
    ADDRESS = "127.0.0.3"

    def https_receiver(self, directory, served_name):
        cert, key = self_signed(directory, served_name)
        receiver = WebhookReceiver(host=self.ADDRESS)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        receiver.server.socket = context.wrap_socket(
            receiver.server.socket, server_side=True
        )
        return receiver, cert

    def post(self, url, trusted_cert):
        pool = sender.new_connection(url, [self.ADDRESS])
        pool.ca_certs = trusted_cert  # the test's authority instead of certifi's
        try:
            return sender.post(
                pool, url, {"Content-Type": "application/json"}, b"{}", 5
            )
        finally:
            pool.close()

    def test_https_goes_to_the_pinned_address_and_checks_the_name(self):
        with tempfile.TemporaryDirectory() as directory:
            receiver, cert = self.https_receiver(directory, "hooks.test")
            with receiver:
                url = f"https://hooks.test:{receiver.port}/hooks"
                result = self.post(url, cert)
                self.assertEqual(result.outcome, "success", result.error)
                self.assertEqual(
                    receiver.received[0].headers["host"], f"hooks.test:{receiver.port}"
                )

    def test_a_certificate_for_another_name_is_refused(self):
        with tempfile.TemporaryDirectory() as directory:
            receiver, cert = self.https_receiver(directory, "other.test")
            with receiver:
                result = self.post(f"https://hooks.test:{receiver.port}/hooks", cert)
                self.assertEqual(result.outcome, "retry")
                self.assertIn("hooks.test", result.error)
                self.assertEqual(receiver.received, [])
