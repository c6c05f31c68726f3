"""W3C Trace Context (``traceparent``): parse, validate, continue.

A ``traceparent`` is ``version-traceid-parentid-flags``: ``00``, 32 and 16
lower-case hex digits (not all zero), two hex digits of flags. A request that
arrives with one is part of the partner's trace: Odoo keeps the trace id on
what the request causes and sends it on with a span id of its own, so the
partner's trace continues through Odoo to the next system.

>>> tp = parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
>>> tp.trace_id, tp.span_id, tp.sampled
('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', True)
>>> parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01") is None
True
>>> parse("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01") is None
True
>>> parse("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01") is None
True
>>> parse("garbage") is None, parse(None) is None
(True, True)

A future version may append fields after the flags; version 00 may not:

>>> parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra").version
'01'
>>> parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra") is None
True

Continuing a trace keeps its id and makes a new span:

>>> make("4bf92f3577b34da6a3ce929d0e0e4736", "b7ad6b7169203331")
'00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01'
>>> span_id_for("delivery", 7, 0, 1) == span_id_for("delivery", 7, 0, 1)
True
>>> span_id_for("delivery", 7, 0, 1) != span_id_for("delivery", 7, 0, 2)
True
>>> is_trace_id(new_trace_id()), is_span_id(new_span_id())
(True, True)
>>> is_trace_id("4BF92F3577B34DA6A3CE929D0E0E4736"), is_trace_id("0" * 32)
(False, False)
"""

import hashlib
import re
import secrets
from typing import NamedTuple

__all__ = [
    "TraceParent",
    "is_span_id",
    "is_trace_id",
    "make",
    "new_span_id",
    "new_trace_id",
    "parse",
    "span_id_for",
]

_TRACEPARENT = re.compile(
    r"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?", re.DOTALL
)
_TRACE_ID = re.compile(r"[0-9a-f]{32}")
_SPAN_ID = re.compile(r"[0-9a-f]{16}")


class TraceParent(NamedTuple):
    version: str
    trace_id: str
    span_id: str
    flags: str

    @property
    def sampled(self):
        return bool(int(self.flags, 16) & 1)


def parse(value):
    """The :class:`TraceParent` of a valid header value, else ``None``.

    Upper-case hex is invalid in the specification; a receiver must then
    start a new trace rather than guess.
    """
    found = _TRACEPARENT.fullmatch((value or "").strip())
    if not found:
        return None
    version, trace_id, span_id, flags, rest = found.groups()
    if version == "ff" or (version == "00" and rest):
        return None
    if not (is_trace_id(trace_id) and is_span_id(span_id)):
        return None
    return TraceParent(version, trace_id, span_id, flags)


def is_trace_id(value):
    return bool(value and _TRACE_ID.fullmatch(value) and set(value) != {"0"})


def is_span_id(value):
    return bool(value and _SPAN_ID.fullmatch(value) and set(value) != {"0"})


def make(trace_id, span_id, sampled=True):
    """The ``traceparent`` (version 00) of a span of ``trace_id``."""
    if not (is_trace_id(trace_id) and is_span_id(span_id)):
        raise ValueError("invalid trace or span id")
    return compose(trace_id, span_id, sampled)


def compose(trace_id, span_id, sampled=True):
    """:func:`make` for ids already known valid (no second check)."""
    return f"00-{trace_id}-{span_id}-{'01' if sampled else '00'}"


def new_trace_id():
    return secrets.token_hex(16)


def new_span_id():
    return secrets.token_hex(8)


def span_id_for(*parts):
    """A span id derived from ``parts``: the same attempt always has the same
    span, so the header sent and the attempt recorded agree without passing
    the id around."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()
    span = digest[:16]
    return span if is_span_id(span) else "0000000000000001"
