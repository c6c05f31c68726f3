"""The CloudEvents 1.0 structured envelope of an outbox event, as plain data.

One function for the ORM path (``integration.event.to_cloudevent``) and the
relays' bulk path (``integration.event._cloudevents``: one query for a
window of events, no field access per event).

>>> from datetime import datetime
>>> e = envelope("u-1", "/odoo/db", "order.accepted", datetime(2026, 1, 2, 3, 4, 5),
...              {"n": 1}, 7, 1, "order/S1", None, "https://erp.example.com/")
>>> e["time"], e["dataschema"], e["subject"], "correlationid" in e
('2026-01-02T03:04:05Z', 'https://erp.example.com/integration/schemas/order.accepted/1.json', 'order/S1', False)
"""

from .canonical_json import to_jsonable

SPECVERSION = "1.0"
DATACONTENTTYPE = "application/json"


def dataschema_url(base_url, event_type, version):
    return f"{base_url.rstrip('/')}/integration/schemas/{event_type}/{version}.json"


def envelope(
    event_id,
    source,
    event_type,
    time,
    data,
    sequence,
    version,
    subject,
    correlation_id,
    base_url,
):
    """The envelope (a dict); ``subject`` and ``correlationid`` only when set."""
    result = {
        "specversion": SPECVERSION,
        "id": event_id,
        "source": source,
        "type": event_type,
        "time": to_jsonable(time),
        "datacontenttype": DATACONTENTTYPE,
        "dataschema": dataschema_url(base_url, event_type, version),
        "data": data or {},
        "sequence": sequence,
        "dataversion": str(version),
    }
    if subject:
        result["subject"] = subject
    if correlation_id:
        result["correlationid"] = correlation_id
    return result
