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
>>> trace_id_of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
'4bf92f3577b34da6a3ce929d0e0e4736'
>>> len(trace_id_of("garbage")), trace_id_of(None) != trace_id_of(None)
(32, True)
"""

import re
import uuid

from odoo.addons.integration_core.tools import trace_context

__all__ = ["clean_request_id", "new_request_id", "parse_traceparent", "trace_id_of"]

_REQUEST_ID = re.compile(r"[\x21-\x7e]{1,128}")


def parse_traceparent(value):
    """The trace id of a valid W3C ``traceparent`` header, else ``None``."""
    parsed = trace_context.parse(value)
    return parsed.trace_id if parsed else None


def trace_id_of(value):
    """The trace a request belongs to: the one its ``traceparent`` names,
    else a new one (so what the request causes still shares one id)."""
    return parse_traceparent(value) or trace_context.new_trace_id()


def clean_request_id(value):
    """A client ``X-Request-Id`` if it is short printable ASCII, else ``None``."""
    value = (value or "").strip()
    return value if _REQUEST_ID.fullmatch(value) else None


def new_request_id():
    return uuid.uuid4().hex
