"""Pure helpers of the channel order intake (``POST /api/v1/orders``): no ORM.

>>> parse_requested_date("2026-03-01")
datetime.datetime(2026, 3, 1, 0, 0)
>>> parse_requested_date("2026-03-01T10:00:00+02:00")
datetime.datetime(2026, 3, 1, 8, 0)
>>> parse_requested_date(None) is None
True
>>> order_status("sale", "no", [{"state": "assigned", "shipped": False}])
'reserved'
>>> order_status("sale", "no", [{"state": "done", "shipped": True},
...                             {"state": "confirmed", "shipped": False}])
'partially_shipped'
"""

import datetime as dt

__all__ = [
    "LIFECYCLE_PATH",
    "LIFECYCLE_STAGES",
    "ORDER_STATUSES",
    "lifecycle",
    "line_codes",
    "message_order_status",
    "order_status",
    "parse_requested_date",
]

ORDER_STATUSES = (
    "received",
    "accepted",
    "reserved",
    "released",
    "partially_shipped",
    "shipped",
    "delivered",
    "invoiced",
    "returned",
    "cancelled",
    "on_hold",
    "rejected",
)
# The stages ``GET /api/v1/orders/{ref}`` reports, in the order of a life.
LIFECYCLE_STAGES = (
    "accepted",
    "reserved",
    "released",
    "partially_shipped",
    "shipped",
    "delivered",
    "invoiced",
    "returned",
    "cancelled",
)
# The stages one passes through to reach a later one (an invoice, a return
# or a cancellation may come at any point and imply nothing).
LIFECYCLE_PATH = (
    "accepted",
    "reserved",
    "released",
    "partially_shipped",
    "shipped",
    "delivered",
)


def parse_requested_date(value):
    """A naive UTC datetime from an ISO 8601 date or date-time, or ``None``.

    A date alone means midnight UTC of that day; an offset is converted.

    :raise ValueError: when the text is no ISO 8601 date
    """
    if not value:
        return None
    if len(value) == 10:
        return dt.datetime.combine(dt.date.fromisoformat(value), dt.time())
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed


def line_codes(lines, key):
    """The ``key`` value of every line, ``None`` where absent (keeps positions
    so that pointer templates like ``/lines/{index}/sku`` stay right).

    >>> line_codes([{"sku": "A"}, {"gtin": "1"}, {"sku": "B"}], "sku")
    ['A', None, 'B']
    """
    return [line.get(key) for line in lines]


def order_status(
    state, invoice_status, deliveries, delivered=False, released=False, returned=False
):
    """The channel status of an order, from the most advanced fact.

    :param state: ``sale.order`` state
    :param invoice_status: ``sale.order`` invoice status (``invoiced`` when
        everything is invoiced)
    :param deliveries: the outgoing pickings, each ``{"state": picking state,
        "shipped": whether it is done with something shipped}``
    :param delivered: proof of delivery received (set by delivery milestones)
    :param released: a delivery was released to the warehouse (its picking
        list printed, or a ``shipment.released`` event written)
    :param returned: goods came back (a done return of a delivery)
    :return: one of :data:`ORDER_STATUSES`

    >>> order_status("cancel", "no", [])
    'cancelled'
    >>> order_status("draft", "no", [])
    'received'
    >>> order_status("sale", "invoiced", [{"state": "done", "shipped": True}])
    'invoiced'
    >>> order_status("sale", "to invoice", [{"state": "done", "shipped": True}],
    ...              delivered=True)
    'delivered'
    >>> order_status("sale", "to invoice", [{"state": "done", "shipped": True},
    ...                                     {"state": "cancel", "shipped": False}])
    'shipped'
    >>> order_status("sale", "no", [{"state": "confirmed", "shipped": False}])
    'accepted'
    >>> order_status("sale", "no", [{"state": "assigned", "shipped": False}],
    ...              released=True)
    'released'
    >>> order_status("sale", "invoiced", [{"state": "done", "shipped": True}],
    ...              returned=True)
    'returned'
    """
    if state == "cancel":
        return "cancelled"
    if state in ("draft", "sent"):
        return "received"
    if returned:
        return "returned"
    if invoice_status == "invoiced":
        return "invoiced"
    open_deliveries = [d for d in deliveries if d["state"] != "cancel"]
    shipped = [d for d in open_deliveries if d["shipped"]]
    if shipped and len(shipped) == len(open_deliveries):
        return "delivered" if delivered else "shipped"
    if shipped:
        return "partially_shipped"
    if released and open_deliveries:
        return "released"
    if open_deliveries and all(d["state"] == "assigned" for d in open_deliveries):
        return "reserved"
    return "accepted"


def lifecycle(status, times):
    """The stages of an order's life, each reached or not, with its time.

    A stage is reached when its fact is known (``times`` has it, even with
    no time: ``None``), or when it lies on the way to the status
    (:data:`LIFECYCLE_PATH`) to the furthest stage known: a shipped order
    was accepted, reserved and released, whether Odoo kept when or not (a
    partial shipment is never implied).

    :param status: the order's status (:func:`order_status`)
    :param times: ``{stage: ISO text or None}`` of the stages known reached
    :return: ``[{"stage", "reached", "at"}]`` in :data:`LIFECYCLE_STAGES` order

    >>> [(s["stage"], s["reached"], s["at"]) for s in lifecycle(
    ...     "shipped", {"accepted": "2026-03-01T08:00:00Z",
    ...                 "shipped": "2026-03-02T09:00:00Z"})][:6]
    [('accepted', True, '2026-03-01T08:00:00Z'), ('reserved', True, None), ('released', True, None), ('partially_shipped', False, None), ('shipped', True, '2026-03-02T09:00:00Z'), ('delivered', False, None)]
    >>> [s["stage"] for s in lifecycle("invoiced", {"accepted": None, "invoiced": None})
    ...  if s["reached"]]
    ['accepted', 'invoiced']
    >>> [s["stage"] for s in lifecycle("returned", {"shipped": None, "returned": None})
    ...  if s["reached"]]
    ['accepted', 'reserved', 'released', 'shipped', 'returned']
    """
    furthest = max(
        (
            LIFECYCLE_PATH.index(stage) + 1
            for stage in (status, *times)
            if stage in LIFECYCLE_PATH
        ),
        default=0,
    )
    on_path = LIFECYCLE_PATH[:furthest]
    return [
        {
            "stage": stage,
            "reached": stage in times
            or stage == status
            or (stage in on_path and stage != "partially_shipped"),
            "at": times.get(stage),
        }
        for stage in LIFECYCLE_STAGES
    ]


def message_order_status(message_state):
    """The channel status of an order that exists only as a kept message.

    >>> message_order_status("queued")
    'received'
    >>> message_order_status("needs_fix")
    'on_hold'
    >>> message_order_status("rejected")
    'rejected'
    """
    return {
        "received": "received",
        "queued": "received",
        "needs_fix": "on_hold",
        "failed": "on_hold",
    }.get(message_state, "rejected")
