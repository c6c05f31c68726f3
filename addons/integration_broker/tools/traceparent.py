"""W3C trace context for published messages.

An event that carries the trace of the request that caused it continues
it; one without starts a trace whose id is derived from the event id, so
every retry and replay of the same event belongs to the same trace. Each
publish is a new span.

>>> tp = continue_trace("4bf92f3577b34da6a3ce929d0e0e4736")
>>> tp.startswith("00-4bf92f3577b34da6a3ce929d0e0e4736-") and tp.endswith("-01"), len(tp)
(True, 55)
>>> continue_trace(None, "3f2b8c1e-0a1b-4c2d-9e8f-112233445566")[3:35]
'3f2b8c1e0a1b4c2d9e8f112233445566'
>>> continue_trace("not hex", "3f2b8c1e-0a1b-4c2d-9e8f-112233445566")[3:35]
'3f2b8c1e0a1b4c2d9e8f112233445566'
>>> is_valid(continue_trace(None, "3f2b8c1e-0a1b-4c2d-9e8f-112233445566")), is_valid("00-0-0-0")
(True, False)
"""

import re
import secrets

_TRACE_ID = re.compile(r"[0-9a-f]{32}")
_TRACEPARENT = re.compile(r"00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})")


def _valid_trace_id(value):
    value = (value or "").strip().lower()
    return value if _TRACE_ID.fullmatch(value) and set(value) != {"0"} else None


def new_span_id():
    span = secrets.token_hex(8)
    return span if set(span) != {"0"} else "0000000000000001"


def continue_trace(trace_id, event_uuid=None):
    """A ``traceparent`` with a new span of ``trace_id`` (or of the trace
    derived from ``event_uuid`` when there is no valid trace id)."""
    trace = _valid_trace_id(trace_id) or _valid_trace_id(
        (event_uuid or "").replace("-", "")
    )
    if not trace:
        trace = secrets.token_hex(16)
    return f"00-{trace}-{new_span_id()}-01"


def is_valid(value):
    found = _TRACEPARENT.fullmatch(value or "")
    return bool(found) and set(found.group(1)) != {"0"} and set(found.group(2)) != {"0"}
