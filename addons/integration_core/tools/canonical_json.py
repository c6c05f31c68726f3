"""Canonical JSON: one byte string per value, whoever serialises it.

Signatures and idempotency fingerprints are computed over bytes, so the same
data must always give the same bytes: keys sorted, no insignificant
whitespace, UTF-8, datetimes as ISO 8601 in UTC.

>>> canonical_dumps({"b": 1, "a": [1.5, "é"]}).decode()
'{"a":[1.5,"é"],"b":1}'
>>> canonical_dumps({"at": dt.datetime(2026, 1, 2, 3, 4, 5)})
b'{"at":"2026-01-02T03:04:05Z"}'
>>> fingerprint({"x": 1, "y": 2}) == fingerprint({"y": 2, "x": 1})
True
"""

import datetime as dt
import decimal
import hashlib
import json

__all__ = ["canonical_dumps", "fingerprint", "to_jsonable"]


def to_jsonable(value):
    """``json.dumps`` ``default=`` hook for the types Odoo hands us.

    Naive datetimes are UTC, as everywhere in Odoo.
    """
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(timespec="seconds") + "Z"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


# one encoder for every call: json.dumps with options builds one per call,
# a third of the time of serialising a small event
_CANONICAL = json.JSONEncoder(
    sort_keys=True,
    separators=(",", ":"),
    ensure_ascii=False,
    allow_nan=False,
    default=to_jsonable,
)


def canonical_dumps(value):
    """Serialise ``value`` to canonical UTF-8 JSON bytes."""
    return _CANONICAL.encode(value).encode()


def fingerprint(value):
    """SHA-256 hex digest of the canonical form of ``value``."""
    return hashlib.sha256(canonical_dumps(value)).hexdigest()
