"""API key tokens: generation, parsing and hashing.

A token reads ``odk_<public id>_<secret>``: the public id (8 characters,
indexed, shown in the UI) finds the key in one lookup; the secret (32 random
bytes) is only ever stored as a hash. Secrets are random 256-bit values, so
a fast keyed hash is enough (a slow password hash protects *guessable*
secrets and would cost milliseconds per request).

>>> public_id, secret, token = generate_api_key()
>>> token == f"odk_{public_id}_{secret}" and len(public_id) == 8
True
>>> split_api_key(token) == (public_id, secret)
True
>>> split_api_key("odk_short") is None, split_api_key("Bearer x") is None
(True, True)
>>> stored = hash_secret(public_id, secret)
>>> secret_matches(public_id, secret, stored), secret_matches(public_id, "x", stored)
(True, False)
>>> display_prefix("abcd1234")
'odk_abcd1234_…'
"""

import hashlib
import hmac
import re
import secrets
import string

__all__ = [
    "display_prefix",
    "generate_api_key",
    "hash_secret",
    "secret_matches",
    "split_api_key",
]

PREFIX = "odk"
PUBLIC_ID_LENGTH = 8
_ALPHABET = string.ascii_lowercase + string.digits
_TOKEN = re.compile(
    rf"{PREFIX}_([a-z0-9]{{{PUBLIC_ID_LENGTH}}})_([A-Za-z0-9_\-]{{20,200}})"
)


def generate_public_id():
    return "".join(secrets.choice(_ALPHABET) for _i in range(PUBLIC_ID_LENGTH))


def generate_api_key(public_id=None):
    """A new key: ``(public_id, secret, token)``; show the token once."""
    public_id = public_id or generate_public_id()
    secret = secrets.token_urlsafe(32)
    return public_id, secret, f"{PREFIX}_{public_id}_{secret}"


def split_api_key(token):
    """``(public_id, secret)`` of a well-formed token, else ``None``."""
    found = _TOKEN.fullmatch(token.strip()) if token else None
    return found.groups() if found else None


def hash_secret(public_id, secret):
    """HMAC-SHA256 of the secret, keyed by the public id (hex)."""
    return hmac.new(
        f"integration_api:{public_id}".encode(), secret.encode(), hashlib.sha256
    ).hexdigest()


def secret_matches(public_id, secret, stored_hash):
    """Constant-time comparison of a presented secret with the stored hash."""
    if not stored_hash:
        return False
    return hmac.compare_digest(hash_secret(public_id, secret), stored_hash)


def display_prefix(public_id):
    """What the UI shows of a key: enough to recognise it, nothing to use."""
    return f"{PREFIX}_{public_id}_…"


def token_from_headers(authorization, x_api_key):
    """The token from ``Authorization: Bearer <token>`` or ``X-Api-Key``."""
    if x_api_key:
        return x_api_key.strip()
    if authorization:
        scheme, _sep, value = authorization.strip().partition(" ")
        if scheme.lower() == "bearer":
            return value.strip()
    return None
