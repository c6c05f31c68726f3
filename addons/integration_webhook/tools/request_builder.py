"""Turn an event envelope into the bytes and headers of one webhook request.

>>> env = {"specversion": "1.0", "id": "e1", "source": "s", "type": "t",
...        "time": "2026-01-01T00:00:00Z", "data": {"a": 1}}
>>> headers, body = build_request(env, "cloudevents", "e1", 1700000000, ["whsec_" + "A" * 44])
>>> headers["content-type"], body
('application/cloudevents+json', b'{"data":{"a":1},"id":"e1","source":"s","specversion":"1.0","time":"2026-01-01T00:00:00Z","type":"t"}')
>>> headers, body = build_request(env, "cloudevents_binary", "e1", 1700000000, ["whsec_" + "A" * 44])
>>> headers["ce-type"], headers["ce-specversion"], body
('t', '1.0', b'{"a":1}')
>>> sorted(build_request(env, "standard", "e1", 1, ["whsec_" + "A" * 44])[1].decode())[:1]
['"']
"""

from odoo.addons.integration_core.tools.canonical_json import canonical_dumps
from odoo.addons.integration_core.tools.signing import build_headers

USER_AGENT = "Odoo-Integration-Webhooks/1.0"
RESERVED_HEADERS = frozenset(
    {
        "content-type",
        "content-length",
        "host",
        "user-agent",
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
    }
)


def _binary_headers(envelope):
    return {
        f"ce-{name}": str(value)
        for name, value in envelope.items()
        if name not in ("data", "datacontenttype") and value not in (None, "")
    }


def build_body(envelope, style):
    """``(content type, body bytes, extra headers)`` for a payload style."""
    if style == "cloudevents":
        return "application/cloudevents+json", canonical_dumps(envelope), {}
    if style == "cloudevents_binary":
        return (
            "application/json",
            canonical_dumps(envelope.get("data")),
            _binary_headers(envelope),
        )
    if style == "standard":
        body = {
            "type": envelope["type"],
            "timestamp": envelope.get("time"),
            "data": envelope.get("data"),
        }
        return "application/json", canonical_dumps(body), {}
    raise ValueError(f"unknown payload style {style!r}")


def build_request(
    envelope, style, msg_id, timestamp, hmac_secrets=(), ed25519_keys=(), extra=None
):
    """Headers (lower-case names) and body of a signed webhook request.

    Extra headers are added first, so they can never replace the content type
    or the signature headers.
    """
    content_type, body, style_headers = build_body(envelope, style)
    headers = {
        name.lower(): value
        for name, value in (extra or {}).items()
        if name.lower() not in RESERVED_HEADERS
    }
    headers.update(style_headers)
    headers["content-type"] = content_type
    headers["user-agent"] = USER_AGENT
    headers.update(build_headers(msg_id, timestamp, body, hmac_secrets, ed25519_keys))
    return headers, body
