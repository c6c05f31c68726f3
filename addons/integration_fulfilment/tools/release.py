"""Release to the warehouse and its acknowledgement: no ORM.

A delivery ready to ship is released (``shipment.released``, the X12 940)
to each system that runs its warehouse; each answers with
``POST /shipments/{ref}/ack``. One release row per system holds the
answer; the delivery shows one state for all of them.

>>> from datetime import datetime
>>> due = ack_due_at(datetime(2026, 12, 1, 10, 0), 30)
>>> due
datetime.datetime(2026, 12, 1, 10, 30)
>>> is_overdue("pending", due, datetime(2026, 12, 1, 10, 31))
True
>>> ack_state([{"state": "pending", "due": True, "breached": True},
...            {"state": "accepted", "due": False, "breached": False}])
'overdue'
"""

from datetime import timedelta

__all__ = [
    "ACK_STATES",
    "ROW_STATES",
    "ack_due_at",
    "ack_state",
    "ack_transition",
    "is_overdue",
]

#: the answer of one system to one release
ROW_STATES = (
    ("pending", "Awaiting acknowledgement"),
    ("accepted", "Accepted"),
    ("rejected", "Rejected"),
)
#: what the delivery shows for all its systems' answers
ACK_STATES = (
    ("pending", "Awaiting acknowledgement"),
    ("overdue", "Acknowledgement overdue"),
    ("accepted", "Accepted by the warehouse"),
    ("rejected", "Rejected by the warehouse"),
)


def ack_due_at(released_at, window_minutes):
    """When the acknowledgement of a release made at ``released_at`` is due;
    ``None`` when the system has no window (0: nobody waits for it).

    >>> ack_due_at(None, 10) is None, ack_due_at(1, 0) is None
    (True, True)
    >>> from datetime import datetime
    >>> ack_due_at(datetime(2026, 1, 1, 23, 50), 15)
    datetime.datetime(2026, 1, 2, 0, 5)
    >>> ack_due_at(datetime(2026, 1, 1), -5)
    Traceback (most recent call last):
    ...
    ValueError: an acknowledgement window is 0 (none) or a number of minutes
    """
    if window_minutes is None or window_minutes == 0 or released_at is None:
        return None
    if window_minutes < 0:
        raise ValueError("an acknowledgement window is 0 (none) or a number of minutes")
    return released_at + timedelta(minutes=window_minutes)


def is_overdue(state, due_at, now):
    """Whether a release answer is late: still pending after its due time.

    >>> from datetime import datetime
    >>> t = datetime(2026, 1, 1, 12)
    >>> is_overdue("pending", t, t), is_overdue("pending", None, t)
    (False, False)
    >>> is_overdue("accepted", t, t + timedelta(days=1))
    False
    """
    return state == "pending" and due_at is not None and now > due_at


def ack_transition(current, answer):
    """What an answer does to a release answered ``current`` before:
    ``"duplicate"`` (the same answer again: nothing changes) or ``"apply"``.

    A warehouse may change its mind: an accepted release can still be
    rejected (stock found damaged), a rejected one accepted (the problem
    solved on its side). Each change is applied; a repeat is not.

    >>> ack_transition("pending", "accepted"), ack_transition("accepted", "accepted")
    ('apply', 'duplicate')
    >>> ack_transition("accepted", "rejected"), ack_transition("rejected", "accepted")
    ('apply', 'apply')
    >>> ack_transition("pending", "pending")
    Traceback (most recent call last):
    ...
    ValueError: an acknowledgement is accepted or rejected, not 'pending'
    """
    if answer not in ("accepted", "rejected"):
        raise ValueError(f"an acknowledgement is accepted or rejected, not {answer!r}")
    return "duplicate" if current == answer else "apply"


def ack_state(rows):
    """The acknowledgement state a delivery shows for the answers of its
    systems to its latest release; ``None`` when it was not released.

    :param rows: one dict per system: ``state`` (one of :data:`ROW_STATES`),
        ``due`` (the system has an acknowledgement window), ``breached``
        (the window passed without an answer)

    A rejection wins (someone must act), then a missed window, then an
    answer still awaited within a window; otherwise an acceptance shows.
    Systems without a window (a web shop that hears the release too) are
    not waited for once a warehouse accepted.

    >>> ack_state([]) is None
    True
    >>> ack_state([{"state": "accepted", "due": True, "breached": True},
    ...            {"state": "rejected", "due": True, "breached": False}])
    'rejected'
    >>> ack_state([{"state": "pending", "due": True, "breached": False},
    ...            {"state": "accepted", "due": False, "breached": False}])
    'pending'
    >>> ack_state([{"state": "pending", "due": False, "breached": False},
    ...            {"state": "accepted", "due": True, "breached": False}])
    'accepted'
    >>> ack_state([{"state": "pending", "due": False, "breached": False}])
    'pending'
    """
    if not rows:
        return None
    states = [row["state"] for row in rows]
    if "rejected" in states:
        return "rejected"
    if any(row["state"] == "pending" and row["breached"] for row in rows):
        return "overdue"
    if any(row["state"] == "pending" and row["due"] for row in rows):
        return "pending"
    if "accepted" in states:
        return "accepted"
    return "pending"
