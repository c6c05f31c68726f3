"""Carrier milestones: the common vocabulary and how a shipment moves on.

No ORM. A carrier, TMS or tracking aggregator posts milestones in any
order, and repeats them; a shipment's status only moves forward.

>>> current = None
>>> for status, at in [("in_transit", 2), ("pre_transit", 1), ("delivered", 5),
...                    ("out_for_delivery", 4)]:
...     current = next_status(current, (status, at))
>>> current
('delivered', 5)
"""

import base64
import binascii
from datetime import UTC, datetime

__all__ = [
    "EXCEPTION_STATUSES",
    "STATUSES",
    "TERMINAL_STATUSES",
    "decode_attachment",
    "milestone_key",
    "next_status",
    "parse_time",
]

# EasyPost / Shippo / AfterShip words, normalised: (code, label, rank)
STATUSES = (
    ("pre_transit", "Label created, not yet handed to the carrier", 10),
    ("in_transit", "In transit", 20),
    ("out_for_delivery", "Out for delivery", 30),
    ("available_for_pickup", "Available for pickup", 30),
    ("failure", "Delivery failed", 40),
    ("return_to_sender", "Returned to sender", 90),
    ("cancelled", "Cancelled", 95),
    ("delivered", "Delivered", 100),
)
RANKS = {code: rank for code, _label, rank in STATUSES}
TERMINAL_STATUSES = frozenset({"delivered", "return_to_sender", "cancelled"})
# a person must act: the customer did not get the goods
EXCEPTION_STATUSES = frozenset({"failure", "return_to_sender"})


def next_status(current, milestone):
    """The shipment's status after ``milestone``; never backwards.

    :param current: ``(status, time)`` of the shipment, or ``None``
    :param milestone: ``(status, time)`` just received
    :return: the new ``(status, time)``: the milestone's if it is newer and
        does not step back from where the shipment is, else ``current``

    A terminal status (delivered, returned, cancelled) is left only for
    another terminal one that is newer; a failure may follow any
    non-terminal status (a second delivery attempt then moves it on).

    >>> next_status(("delivered", 5), ("in_transit", 6))   # stale scan after delivery
    ('delivered', 5)
    >>> next_status(("out_for_delivery", 4), ("failure", 5))
    ('failure', 5)
    >>> next_status(("failure", 5), ("out_for_delivery", 6))   # second attempt
    ('out_for_delivery', 6)
    >>> next_status(("in_transit", 3), ("pre_transit", 9))   # later, but behind
    ('in_transit', 3)
    >>> next_status(("in_transit", 3), ("out_for_delivery", 2))   # ahead, but older
    ('in_transit', 3)
    """
    if current is None:
        return milestone
    status, at = current
    new_status, new_at = milestone
    if new_at < at:
        return current
    if status in TERMINAL_STATUSES:
        return milestone if new_status in TERMINAL_STATUSES and new_at > at else current
    if status == "failure" or new_status == "failure":
        return milestone
    return milestone if RANKS[new_status] >= RANKS[status] else current


def parse_time(value):
    """A naive UTC datetime (as Odoo stores them) from ISO 8601 with an offset.

    :raise ValueError: when the text is not such a time, or has no offset
        (a carrier's local time without one is ambiguous)

    >>> parse_time("2026-12-01T14:05:00+01:00")
    datetime.datetime(2026, 12, 1, 13, 5)
    >>> parse_time("2026-12-01T13:05:00Z")
    datetime.datetime(2026, 12, 1, 13, 5)
    >>> parse_time("2026-12-01T13:05:00")
    Traceback (most recent call last):
    ...
    ValueError: a time needs its UTC offset (e.g. +01:00 or Z)
    """
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("a time needs its UTC offset (e.g. +01:00 or Z)")
    return parsed.astimezone(UTC).replace(tzinfo=None)


def milestone_key(status, occurred_at, carrier_status=None, event_id=None):
    """What makes two posts "the same milestone": the partner's own event
    id when it sends one, else the status, time and carrier word.

    >>> milestone_key("delivered", datetime(2026, 12, 1, 13, 5), "DLV")
    'delivered|2026-12-01T13:05:00|DLV'
    >>> milestone_key("delivered", datetime(2026, 12, 1, 13, 5), event_id="evt_9")
    'id:evt_9'
    """
    if event_id:
        return f"id:{event_id}"
    return f"{status}|{occurred_at.isoformat()}|{carrier_status or ''}"


def decode_attachment(data, max_bytes):
    """The bytes of a base64 attachment (signature, photo), size-checked.

    :raise ValueError: when it is not base64 or decodes to more than
        ``max_bytes``

    >>> decode_attachment(base64.b64encode(b"sig").decode(), 10)
    b'sig'
    >>> decode_attachment("***", 10)
    Traceback (most recent call last):
    ...
    ValueError: not base64
    >>> decode_attachment(base64.b64encode(b"x" * 11).decode(), 10)
    Traceback (most recent call last):
    ...
    ValueError: 11 bytes is more than the 10 allowed
    """
    if len(data) > (max_bytes * 4) // 3 + 8:
        raise ValueError(f"more than the {max_bytes} bytes allowed")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64") from exc
    if len(raw) > max_bytes:
        raise ValueError(f"{len(raw)} bytes is more than the {max_bytes} allowed")
    return raw
