"""Make requests safe to log: no secrets, bounded size.

>>> redact_headers({"Authorization": "Bearer odk_x_y", "X-Api-Key": "k",
...                 "Content-Type": "application/json"})
{'Authorization': '***', 'X-Api-Key': '***', 'Content-Type': 'application/json'}
>>> excerpt(b"abcdef", limit=4)
'abcd…'
>>> excerpt(b"")
''
>>> redact_token("call with odk_abcd1234_SECRETSECRETSECRETSECRET ok")
'call with odk_abcd1234_*** ok'
>>> storable_text("a\\x00b\\ud800c"), unstorable("a\\x00"), unstorable("ok")
('a\ufffdb\ufffdc', True, False)
>>> excerpt(b"nul\\x00byte \\xff")
'nul\ufffdbyte \ufffd'
"""

import re

__all__ = ["excerpt", "redact_headers", "redact_token", "storable_text", "unstorable"]

SENSITIVE_HEADERS = frozenset(
    {"authorization", "x-api-key", "cookie", "set-cookie", "proxy-authorization"}
)
_TOKEN = re.compile(r"(odk_[a-z0-9]{8}_)[A-Za-z0-9_\-]+")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def redact_headers(headers):
    """Headers with secret values replaced by ``***``."""
    return {
        name: "***" if name.lower() in SENSITIVE_HEADERS else value
        for name, value in dict(headers).items()
    }


def redact_token(text):
    """Mask anything that looks like an API key secret in free text."""
    return _TOKEN.sub(r"\1***", text) if text else text


def excerpt(body, limit=4096):
    """The first ``limit`` bytes of a body as text, secrets masked."""
    if not body:
        return ""
    text = storable_text(body[:limit].decode("utf-8", errors="replace"))
    return redact_token(text) + ("…" if len(body) > limit else "")


def unstorable(text):
    """Whether PostgreSQL text cannot hold ``text`` (U+0000, unpaired surrogates)."""
    return bool(_UNSTORABLE.search(text))


def storable_text(text):
    """``text`` with what PostgreSQL text cannot hold replaced by U+FFFD (for
    logs and labels; the bytes themselves are kept apart)."""
    return _UNSTORABLE.sub("\ufffd", text)
