"""Encryption at rest for partner secrets (webhook signing keys).

The key comes from the Odoo configuration file (``integration_encryption_key``),
never from the database, so a database dump alone reveals no secret. Several
comma-separated Fernet keys may be given: the first encrypts, all decrypt,
which is how the key is rotated.

>>> key = Fernet.generate_key().decode()
>>> token = encrypt(key, "whsec_abc")
>>> token != "whsec_abc" and decrypt(key, token)
'whsec_abc'
>>> try:
...     decrypt(Fernet.generate_key().decode(), token)
... except SecretBoxError as error:
...     print(error)
the secret cannot be decrypted with the configured key
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

CONFIG_KEY = "integration_encryption_key"


class SecretBoxError(ValueError):
    """No key is configured, or the key cannot decrypt the value."""


def _box(keys):
    keys = [k.strip() for k in (keys or "").split(",") if k.strip()]
    if not keys:
        raise SecretBoxError(
            f"no encryption key: set {CONFIG_KEY} in the Odoo configuration file"
        )
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except ValueError as exc:
        raise SecretBoxError(f"{CONFIG_KEY} is not a valid Fernet key") from exc


def encrypt(keys, plaintext):
    """Encrypt ``plaintext`` (str) with the first of ``keys``; return a token."""
    return _box(keys).encrypt(plaintext.encode()).decode()


def decrypt(keys, token):
    """Decrypt a token made by :func:`encrypt` with any of ``keys``."""
    try:
        return _box(keys).decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretBoxError(
            "the secret cannot be decrypted with the configured key"
        ) from None


def generate_key():
    """A new key for ``integration_encryption_key``."""
    return Fernet.generate_key().decode()
