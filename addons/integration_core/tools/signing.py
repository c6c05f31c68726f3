"""Standard Webhooks 1.0 signatures, symmetric (``v1``) and asymmetric (``v1a``).

The signed content is ``{webhook-id}.{webhook-timestamp}.{body}``. Several
signatures go in one ``webhook-signature`` header, separated by spaces, so
that a receiver keeps working while a secret is being rotated.

>>> secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
>>> sign_v1(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}')
'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
>>> private, public = generate_ed25519_keypair()
>>> sig = sign_v1a(private, "msg_1", 1700000000, b"{}")
>>> verify_signatures({"webhook-id": "msg_1", "webhook-timestamp": "1700000000",
...                    "webhook-signature": "v1,bm90IGl0 " + sig}, b"{}",
...                   public_keys=[public], now=1700000010)
'v1a'
"""

import base64
import hashlib
import hmac
import secrets as _secrets
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

HMAC_PREFIX = "whsec_"
ED25519_SECRET_PREFIX = "whsk_"
ED25519_PUBLIC_PREFIX = "whpk_"
DEFAULT_TOLERANCE = 5 * 60
SECRET_BYTES = 32

__all__ = [
    "SignatureError",
    "build_headers",
    "generate_ed25519_keypair",
    "generate_hmac_secret",
    "public_key_of",
    "sign_v1",
    "sign_v1a",
    "verify_signatures",
]


class SignatureError(ValueError):
    """A webhook whose headers or signature do not verify."""


def _unprefix(key, prefix):
    if key.startswith(prefix):
        key = key[len(prefix) :]
    return base64.b64decode(key + "==")


def signed_content(msg_id, timestamp, body):
    """The exact bytes both signature schemes sign."""
    if isinstance(body, str):
        body = body.encode()
    return f"{msg_id}.{int(timestamp)}.".encode() + body


def generate_hmac_secret():
    """A new ``whsec_`` secret of 32 random bytes."""
    return HMAC_PREFIX + base64.b64encode(_secrets.token_bytes(SECRET_BYTES)).decode()


def generate_ed25519_keypair():
    """A new ``(whsk_..., whpk_...)`` pair; the secret is the 32-byte seed."""
    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return (
        ED25519_SECRET_PREFIX + base64.b64encode(seed).decode(),
        public_key_of(ED25519_SECRET_PREFIX + base64.b64encode(seed).decode()),
    )


def public_key_of(secret_key):
    """The ``whpk_`` public key that belongs to a ``whsk_`` secret key."""
    private = Ed25519PrivateKey.from_private_bytes(
        _unprefix(secret_key, ED25519_SECRET_PREFIX)
    )
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return ED25519_PUBLIC_PREFIX + base64.b64encode(raw).decode()


def sign_v1(secret, msg_id, timestamp, body):
    """``v1,<base64 HMAC-SHA256>`` with a ``whsec_`` secret."""
    digest = hmac.new(
        _unprefix(secret, HMAC_PREFIX),
        signed_content(msg_id, timestamp, body),
        hashlib.sha256,
    ).digest()
    return "v1," + base64.b64encode(digest).decode()


def sign_v1a(secret_key, msg_id, timestamp, body):
    """``v1a,<base64 Ed25519 signature>`` with a ``whsk_`` secret key."""
    private = Ed25519PrivateKey.from_private_bytes(
        _unprefix(secret_key, ED25519_SECRET_PREFIX)
    )
    signature = private.sign(signed_content(msg_id, timestamp, body))
    return "v1a," + base64.b64encode(signature).decode()


def build_headers(msg_id, timestamp, body, hmac_secrets=(), ed25519_keys=()):
    """The three Standard Webhooks headers, one signature per secret given."""
    signatures = [sign_v1(s, msg_id, timestamp, body) for s in hmac_secrets]
    signatures += [sign_v1a(k, msg_id, timestamp, body) for k in ed25519_keys]
    if not signatures:
        raise ValueError("at least one secret is needed to sign a webhook")
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp)),
        "webhook-signature": " ".join(signatures),
    }


def verify_signatures(
    headers,
    body,
    hmac_secrets=(),
    public_keys=(),
    tolerance=DEFAULT_TOLERANCE,
    now=None,
):
    """Check a received webhook; return the scheme that matched.

    :param headers: mapping of the request headers (any case)
    :param body: the raw body bytes
    :raise SignatureError: missing headers, stale timestamp or no match
    """
    headers = {k.lower(): v for k, v in headers.items()}
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    header = headers.get("webhook-signature")
    if not (msg_id and timestamp and header):
        raise SignatureError("missing webhook headers")
    try:
        timestamp = int(timestamp)
    except ValueError:
        raise SignatureError("invalid webhook-timestamp") from None
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise SignatureError("webhook-timestamp outside the tolerance")
    content = signed_content(msg_id, timestamp, body)
    for item in header.split():
        version, _sep, value = item.partition(",")
        try:
            signature = base64.b64decode(value, validate=True)
        except ValueError:
            continue
        if version == "v1" and _match_hmac(content, signature, hmac_secrets):
            return "v1"
        if version == "v1a" and _match_ed25519(content, signature, public_keys):
            return "v1a"
    raise SignatureError("no matching signature")


def _match_hmac(content, signature, hmac_secrets):
    return any(
        hmac.compare_digest(
            hmac.new(_unprefix(s, HMAC_PREFIX), content, hashlib.sha256).digest(),
            signature,
        )
        for s in hmac_secrets
    )


def _match_ed25519(content, signature, public_keys):
    for key in public_keys:
        public = Ed25519PublicKey.from_public_bytes(
            _unprefix(key, ED25519_PUBLIC_PREFIX)
        )
        try:
            public.verify(signature, content)
        except InvalidSignature:
            continue
        return True
    return False
