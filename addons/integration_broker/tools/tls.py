"""TLS for ``amqps://`` connections: the client ``ssl.SSLContext`` from what
an admin configured, and checks of the PEM texts pasted into the form.

No ORM. The server certificate is checked against the CA certificates
given (a private CA) or, when none is given, certifi's public bundle; the
host name of the URL is checked unless turned off; a client certificate and
key (mutual TLS, e.g. RabbitMQ's ``EXTERNAL`` authentication) are optional.

Python's ``ssl`` loads a client key only from a file: the key is written to
a private temporary file *encrypted with a one-time passphrase* and removed
at once, so the plain key never touches the disk.
"""

import os
import re
import secrets
import ssl
import tempfile
from dataclasses import dataclass

import certifi
from cryptography import x509
from cryptography.hazmat.primitives import serialization

_PEM_CERTIFICATE = re.compile(
    r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL
)


@dataclass(frozen=True)
class TlsSettings:
    """What a connection's TLS needs (PEM texts, empty when not set)."""

    verify: bool = True
    check_hostname: bool = True
    ca_pem: str = ""
    client_cert_pem: str = ""
    client_key_pem: str = ""


def load_certificates(pem, what="certificate"):
    """The X.509 certificates of a PEM text; ValueError with a sentence an
    admin understands otherwise.

    >>> load_certificates("hello")
    Traceback (most recent call last):
    ...
    ValueError: the certificate is not in PEM format (-----BEGIN CERTIFICATE-----)
    """
    text = (pem or "").strip()
    if "-----BEGIN CERTIFICATE-----" not in text:
        raise ValueError(
            f"the {what} is not in PEM format (-----BEGIN CERTIFICATE-----)"
        )
    try:
        # one by one: cryptography < 39 has no load_pem_x509_certificates
        return [
            x509.load_pem_x509_certificate(block.encode())
            for block in _PEM_CERTIFICATE.findall(text)
        ]
    except ValueError:
        raise ValueError(f"the {what} cannot be read (damaged PEM)") from None


def load_private_key(pem):
    """The private key of a PEM text (not protected by a passphrase).

    >>> load_private_key("-----BEGIN CERTIFICATE-----")
    Traceback (most recent call last):
    ...
    ValueError: the client key is not a PEM private key (-----BEGIN PRIVATE KEY-----)
    """
    text = (pem or "").strip()
    if "PRIVATE KEY-----" not in text:
        raise ValueError(
            "the client key is not a PEM private key (-----BEGIN PRIVATE KEY-----)"
        )
    try:
        return serialization.load_pem_private_key(text.encode(), password=None)
    except TypeError:
        raise ValueError(
            "the client key is protected by a passphrase: paste it without one "
            "(it is stored encrypted)"
        ) from None
    except ValueError:
        raise ValueError("the client key cannot be read (damaged PEM)") from None


def check_client_pair(cert_pem, key_pem):
    """Raise ValueError unless the key belongs to the (first) certificate."""
    certificate = load_certificates(cert_pem, "client certificate")[0]
    key = load_private_key(key_pem)
    raw = serialization.PublicFormat.SubjectPublicKeyInfo
    encoding = serialization.Encoding.DER
    if certificate.public_key().public_bytes(encoding, raw) != (
        key.public_key().public_bytes(encoding, raw)
    ):
        raise ValueError("the client key does not belong to the client certificate")


def describe(pem, what="certificate"):
    """One line per certificate: subject, issuer and expiry, for the form.

    >>> describe("")
    ''
    """
    if not (pem or "").strip():
        return ""
    lines = []
    for certificate in load_certificates(pem, what):
        subject = certificate.subject.rfc4514_string() or "(no subject)"
        issuer = certificate.issuer.rfc4514_string() or "(no issuer)"
        until = certificate.not_valid_after.strftime("%Y-%m-%d")
        lines.append(f"{subject}, issued by {issuer}, valid until {until}")
    return "\n".join(lines)


def client_context(settings):
    """The ``ssl.SSLContext`` of a client connection with ``settings``."""
    if settings.ca_pem.strip():
        load_certificates(settings.ca_pem, "CA certificate")
        context = ssl.create_default_context(cadata=settings.ca_pem.strip())
    else:
        context = ssl.create_default_context(cafile=certifi.where())
    if not settings.verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif not settings.check_hostname:
        context.check_hostname = False
    if settings.client_cert_pem.strip():
        _load_client_pair(
            context, settings.client_cert_pem.strip(), settings.client_key_pem
        )
    return context


def _load_client_pair(context, cert_pem, key_pem):
    check_client_pair(cert_pem, key_pem)
    passphrase = secrets.token_bytes(32)
    protected = load_private_key(key_pem).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )
    with tempfile.TemporaryDirectory(prefix="odoo-amqp-tls-") as folder:
        os.chmod(folder, 0o700)
        cert_path = os.path.join(folder, "client.crt")
        key_path = os.path.join(folder, "client.key")
        with open(cert_path, "w", encoding="ascii") as stream:
            stream.write(cert_pem + "\n")
        descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(protected)
        context.load_cert_chain(cert_path, key_path, password=passphrase)
