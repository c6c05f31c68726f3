"""An outbox event as an AMQP message, per the CloudEvents AMQP binding.

Pure: no ORM, no network. Binary mode (the default) sends ``data`` as the
body and the attributes as ``cloudEvents:``-prefixed application properties
(pika's ``headers``); structured mode sends the whole envelope as
``application/cloudevents+json``. Either way ``message_id`` is the event id
(what consumers deduplicate on, as Debezium's outbox router does), the
message is persistent, and the subject travels as the CloudEvents
partitioning extension ``partitionkey``.

>>> env = {"specversion": "1.0", "id": "e1", "source": "/odoo/db", "type": "order.accepted",
...        "time": "2026-01-01T00:00:00Z", "subject": "sale.order/7", "sequence": 3,
...        "datacontenttype": "application/json", "data": {"a": 1}}
>>> body, props = build_message(env, "cloudevents_binary", "00-" + "a" * 32 + "-" + "b" * 16 + "-01")
>>> body
b'{"a":1}'
>>> props["message_id"], props["content_type"], props["delivery_mode"], props["type"]
('e1', 'application/json', 2, 'order.accepted')
>>> h = props["headers"]
>>> h["cloudEvents:id"], h["cloudEvents:type"], h["cloudEvents:partitionkey"], h["cloudEvents:sequence"]
('e1', 'order.accepted', 'sale.order/7', '3')
>>> h["traceparent"] == h["cloudEvents:traceparent"]
True
>>> body, props = build_message(env, "cloudevents", None)
>>> props["content_type"], b'"id":"e1"' in body, "traceparent" in props["headers"]
('application/cloudevents+json', True, False)
>>> routing_key("{type}", env), routing_key("orders.{subject}", env)
('order.accepted', 'orders.sale.order/7')
>>> len(routing_key("{subject}", {"subject": "é" * 200}).encode())  # a shortstr: 255 bytes
254
>>> routing_key("{nope}", env)
Traceback (most recent call last):
...
ValueError: unknown placeholder {nope} in the routing key template
"""

import functools
import re
from datetime import UTC, datetime

from odoo.addons.integration_core.tools.canonical_json import canonical_dumps

PREFIX = "cloudEvents:"
APP_ID = "odoo-integration-backbone"
PERSISTENT = 2
# attributes that stay out of the application properties in binary mode
_NOT_PROPERTIES = frozenset({"data", "datacontenttype"})
_PLACEHOLDER = re.compile(r"\{([a-z]+)\}")
ROUTING_KEY_FIELDS = ("type", "subject", "source", "dataversion", "id")
MAX_ROUTING_KEY = 255  # AMQP 0-9-1 shortstr


@functools.lru_cache(maxsize=4096)
def _timestamp(value):
    """Epoch seconds of the event's RFC 3339 ``time`` (None if absent)."""
    if not value:
        return None
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp())


def build_message(envelope, style, traceparent=None):
    """``(body bytes, properties dict)`` of one event.

    :param style: a subscription payload style: ``cloudevents_binary``,
        ``cloudevents`` (structured) or ``standard``
    :param traceparent: W3C ``traceparent`` to send (a new span of the
        event's trace), or None
    :return: the properties as keyword arguments of ``pika.BasicProperties``
    """
    headers = {}
    if style == "cloudevents_binary":
        body = canonical_dumps(envelope.get("data"))
        content_type = envelope.get("datacontenttype") or "application/json"
        for name, value in envelope.items():
            if name in _NOT_PROPERTIES or value in (None, ""):
                continue
            headers[PREFIX + name] = str(value)
    elif style == "cloudevents":
        body = canonical_dumps(envelope)
        content_type = "application/cloudevents+json"
    elif style == "standard":
        body = canonical_dumps(
            {
                "type": envelope["type"],
                "timestamp": envelope.get("time"),
                "data": envelope.get("data"),
            }
        )
        content_type = "application/json"
    else:
        raise ValueError(f"unknown payload style {style!r}")
    if envelope.get("subject"):
        headers[PREFIX + "partitionkey"] = envelope["subject"]
    if traceparent:
        headers["traceparent"] = traceparent
        headers[PREFIX + "traceparent"] = traceparent
    properties = {
        "message_id": envelope["id"],
        "content_type": content_type,
        "delivery_mode": PERSISTENT,
        "type": envelope["type"],
        "app_id": APP_ID,
        "headers": headers,
    }
    if envelope.get("correlationid"):
        properties["correlation_id"] = str(envelope["correlationid"])
    timestamp = _timestamp(envelope.get("time"))
    if timestamp is not None:
        properties["timestamp"] = timestamp
    return body, properties


def check_template(template):
    """Raise ValueError unless every placeholder of ``template`` is known.

    >>> check_template("{type}.{subject}")
    >>> check_template("{type.__class__}")
    Traceback (most recent call last):
    ...
    ValueError: unbalanced or malformed braces in the routing key template
    """
    for name in _PLACEHOLDER.findall(template or ""):
        if name not in ROUTING_KEY_FIELDS:
            raise ValueError(
                f"unknown placeholder {{{name}}} in the routing key template"
            )
    rest = _PLACEHOLDER.sub("", template or "")
    if "{" in rest or "}" in rest:
        raise ValueError("unbalanced or malformed braces in the routing key template")


@functools.lru_cache(maxsize=256)
def _template_parts(template):
    """``template`` checked and split once: text and placeholder names
    alternate (a relay fills in the same template for every message)."""
    check_template(template)
    return tuple(_PLACEHOLDER.split(template or "{type}"))


def routing_key(template, envelope):
    """The routing key of an event: ``template`` with ``{type}``,
    ``{subject}``, ``{source}``, ``{dataversion}`` or ``{id}`` filled in
    (nothing else: no attribute access, no format specs)."""
    parts = _template_parts(template)
    if len(parts) == 3 and not parts[0] and not parts[2]:
        # one placeholder and nothing else, as the default "{type}"
        key = str(envelope.get(parts[1]) or "")
    else:
        key = "".join(
            part if index % 2 == 0 else str(envelope.get(part) or "")
            for index, part in enumerate(parts)
        )
    if len(key) * 4 <= MAX_ROUTING_KEY:
        return key  # short enough whatever its characters (UTF-8: 4 bytes at most)
    return key.encode()[:MAX_ROUTING_KEY].decode("utf-8", "ignore")
