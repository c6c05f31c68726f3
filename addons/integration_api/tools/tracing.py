"""Correlation ids: ``X-Request-Id`` and W3C ``traceparent``.

>>> parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
'4bf92f3577b34da6a3ce929d0e0e4736'
>>> parse_traceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01") is None
True
>>> parse_traceparent("garbage") is None
True
>>> clean_request_id(" abc-123 "), clean_request_id("bad\\nid"), clean_request_id("")
('abc-123', None, None)
>>> len(new_request_id())
32
"""

import re
import uuid

__all__ = ["clean_request_id", "new_request_id", "parse_traceparent"]

_TRACEPARENT = re.compile(r"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})")
_REQUEST_ID = re.compile(r"[\x21-\x7e]{1,128}")


def parse_traceparent(value):
    """The trace id of a valid W3C ``traceparent`` header, else ``None``."""
    found = _TRACEPARENT.fullmatch((value or "").strip().lower())
    if not found:
        return None
    version, trace_id, span_id, _flags = found.groups()
    if version == "ff" or set(trace_id) == {"0"} or set(span_id) == {"0"}:
        return None
    return trace_id


def clean_request_id(value):
    """A client ``X-Request-Id`` if it is short printable ASCII, else ``None``."""
    value = (value or "").strip()
    return value if _REQUEST_ID.fullmatch(value) else None


def new_request_id():
    return uuid.uuid4().hex
