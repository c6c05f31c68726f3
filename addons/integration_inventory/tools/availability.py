"""Availability arithmetic a channel sees: no ORM, no ``env``.

Odoo's quantity fields of a product in a warehouse become the figures a
channel is told (:func:`stock_figures`), a channel's allocation turns the
free quantity into what it may sell (:func:`allocate`), and
:func:`promise` answers "can these lines be promised, from where, and when
is the rest there?".

>>> figures = stock_figures(on_hand=10, free=7, incoming=5, outgoing=4, forecast=11)
>>> figures["reserved"], figures["available"]
(3.0, 7.0)
>>> allocate(7, "percent", 20, cap=None)
5.6
>>> allocate(7, "absolute", 2, cap=4)
4.0
"""

import base64
import binascii
import json
import math
from datetime import date

__all__ = [
    "FIGURES",
    "allocate",
    "availability_subject",
    "beyond_threshold",
    "decode_cursor",
    "encode_cursor",
    "promise",
    "round_to",
    "stock_figures",
]

# The figures of one product in one warehouse, in the product's unit.
FIGURES = (
    "on_hand",
    "reserved",
    "available",
    "incoming",
    "outgoing",
    "forecast",
    "available_to_sell",
)
# Quantities are compared and sent with this many decimals (Odoo's default
# "Product Unit of Measure" precision is 2; 6 keeps every real one exact).
DIGITS = 6


def _q(value):
    return round(float(value or 0.0), DIGITS) + 0.0  # + 0.0: never -0.0


def round_to(value, rounding):
    """``value`` rounded half away from zero to a multiple of ``rounding``,
    as Odoo's ``float_round`` does for quantities.

    >>> round_to(2.5, 1.0), round_to(-2.5, 1.0), round_to(1.234, 0.01), round_to(0.1 + 0.2, 0.01)
    (3.0, -3.0, 1.23, 0.3)
    """
    if not rounding:
        return _q(value)
    steps = abs(float(value or 0.0)) / rounding
    rounded = math.floor(steps + 0.5 + 1e-9) * rounding
    return _q(rounded if value >= 0 else -rounded)


def availability_subject(system_code, warehouse_code, product_id):
    """The CloudEvents subject of one channel's figures of a product in a
    warehouse: events of one subject are ordered by their ``sequence``.

    >>> availability_subject("shop", "WH", 42)
    'availability/shop/WH/42'
    """
    return f"availability/{system_code}/{warehouse_code}/{product_id}"


def stock_figures(on_hand, free, incoming, outgoing, forecast, available_to_sell=None):
    """The figures of one product in one warehouse from Odoo's fields.

    ``reserved`` is what Odoo holds for moves (``qty_available - free_qty``);
    ``available`` is Odoo's free quantity; ``available_to_sell`` is what the
    channel may sell after its allocation (the free quantity when none).

    >>> stock_figures(2, 3, 0, 0, 2)["reserved"]  # never negative
    0.0
    """
    available = _q(free)
    return {
        "on_hand": _q(on_hand),
        "reserved": _q(max(0.0, (on_hand or 0.0) - (free or 0.0))),
        "available": available,
        "incoming": _q(incoming),
        "outgoing": _q(outgoing),
        "forecast": _q(forecast),
        "available_to_sell": available
        if available_to_sell is None
        else _q(available_to_sell),
    }


def allocate(free, buffer_kind, buffer, cap=None, rounding=None):
    """What a channel may sell of ``free``: less a safety buffer, at most a cap.

    :param buffer_kind: ``"none"``, ``"absolute"`` (units held back) or
        ``"percent"`` (share held back)
    :param cap: the most the channel is offered; ``None`` or ``0`` for no cap
    :param rounding: the unit's rounding (e.g. ``1.0`` for units): the result
        is rounded *down* to it, so a channel is never offered a fraction of
        a unit it cannot ship

    >>> allocate(10, "none", 0)
    10.0
    >>> allocate(3, "absolute", 5)   # never below zero
    0.0
    >>> allocate(9, "percent", 25, rounding=1.0)   # 6.75 -> 6
    6.0
    >>> allocate(-2, "none", 0)   # negative stock offers nothing
    0.0
    >>> allocate(100, "percent", 10, cap=50)
    50.0
    """
    quantity = max(0.0, float(free or 0.0))
    if buffer_kind == "absolute":
        quantity -= float(buffer or 0.0)
    elif buffer_kind == "percent":
        quantity *= 1.0 - min(max(float(buffer or 0.0), 0.0), 100.0) / 100.0
    quantity = max(0.0, quantity)
    if cap:
        quantity = min(quantity, float(cap))
    if rounding:
        quantity = math.floor(quantity / rounding + 1e-9) * rounding
    return _q(quantity)


def promise(lines, available, incoming, backlog=None):
    """Per line: how much can be promised now, from where, and when the rest.

    Lines of one request compete for the same stock: each takes what it is
    promised from the pools, in the order given.

    :param lines: dicts with ``product`` (any hashable), ``quantity``,
        optional ``date`` (wanted, a ``datetime.date``) and ``warehouses``
        (the candidates, in preference order)
    :param available: ``{(product, warehouse): quantity the channel may sell now}``
    :param incoming: ``{(product, warehouse): [(date, quantity), ...]}`` the
        receipts still to come, any order
    :param backlog: ``{(product, warehouse): quantity}`` demand already
        waiting for those receipts (outgoing moves Odoo could not reserve):
        served from the earliest receipts first, before these lines
    :return: one dict per line: ``promisable_now``, ``warehouse`` (``None``
        when nothing is anywhere), ``rest``, ``rest_date`` (the earliest date
        the rest is there, ``None`` if no receipt covers it), ``short`` (what
        no receipt covers) and ``can_promise`` (all of it by the wanted date,
        or now when no date is wanted)

    >>> d = date(2026, 12, 10)
    >>> result = promise(
    ...     [{"product": "P", "quantity": 8, "warehouses": ["A", "B"]},
    ...      {"product": "P", "quantity": 5, "warehouses": ["A", "B"], "date": d}],
    ...     available={("P", "A"): 6, ("P", "B"): 10},
    ...     incoming={("P", "A"): [(d, 4)]})
    >>> [(r["warehouse"], r["promisable_now"], r["rest"]) for r in result]
    [('B', 8.0, 0.0), ('A', 5.0, 0.0)]
    >>> result = promise(
    ...     [{"product": "P", "quantity": 9, "warehouses": ["A"], "date": d}],
    ...     available={("P", "A"): 6},
    ...     incoming={("P", "A"): [(date(2026, 12, 20), 2), (date(2026, 12, 12), 2)]},
    ...     backlog={("P", "A"): 1})
    >>> r = result[0]
    >>> r["promisable_now"], r["rest"], r["rest_date"], r["short"], r["can_promise"]
    (6.0, 3.0, datetime.date(2026, 12, 20), 0.0, False)
    """
    pools = {key: max(0.0, float(qty or 0.0)) for key, qty in available.items()}
    receipts = {}
    for key, rows in incoming.items():
        queue = [[when, float(qty or 0.0)] for when, qty in sorted(rows, key=_by_date)]
        _consume(queue, float((backlog or {}).get(key) or 0.0))
        receipts[key] = queue
    results = []
    for line in lines:
        product, wanted = line["product"], float(line["quantity"])
        candidates = list(line.get("warehouses") or ())
        warehouse = _pick_warehouse(product, wanted, candidates, pools)
        now = min(wanted, pools.get((product, warehouse), 0.0)) if warehouse else 0.0
        if warehouse is not None:
            pools[(product, warehouse)] = pools.get((product, warehouse), 0.0) - now
        rest = wanted - now
        rest_date, short = None, rest
        if rest > 0 and candidates:
            warehouse, rest_date, short = _schedule_rest(
                product, rest, warehouse, candidates, receipts
            )
        wanted_date = line.get("date")
        if rest <= 0:
            can_promise = True
        elif short > 0 or rest_date is None:
            can_promise = False
        else:
            can_promise = wanted_date is not None and rest_date <= wanted_date
        results.append(
            {
                "quantity": _q(wanted),
                "promisable_now": _q(now),
                "warehouse": warehouse,
                "rest": _q(rest),
                "rest_date": rest_date if rest > 0 else None,
                "short": _q(short) if rest > 0 else 0.0,
                "can_promise": can_promise,
            }
        )
    return results


def _by_date(row):
    return row[0] or date.max


def _pick_warehouse(product, wanted, candidates, pools):
    """The first candidate that has it all now, else the one that has most."""
    best, best_qty = None, 0.0
    for warehouse in candidates:
        qty = pools.get((product, warehouse), 0.0)
        if qty >= wanted:
            return warehouse
        if qty > best_qty:
            best, best_qty = warehouse, qty
    return best


def _schedule_rest(product, rest, warehouse, candidates, receipts):
    """``(warehouse, date, short)`` for the rest of a line: from the chosen
    warehouse's receipts, or (when nothing was there now) the candidate whose
    receipts bring it earliest."""
    order = [warehouse] if warehouse is not None else candidates
    best = None
    for candidate in order:
        queue = receipts.get((product, candidate), [])
        when, short = _date_covering(queue, rest)
        score = (short, when or date.max)
        if best is None or score < best[0]:
            best = (score, candidate, when, short)
    _score, chosen, when, short = best
    _consume(receipts.get((product, chosen), []), rest - short)
    return chosen, when, short


def _date_covering(queue, quantity):
    """The date by which receipts in ``queue`` add up to ``quantity``, and
    what they leave uncovered."""
    total, when = 0.0, None
    for receipt_date, qty in queue:
        if qty <= 0:
            continue
        total += qty
        when = receipt_date
        if total >= quantity - 1e-9:
            return when, 0.0
    return when, max(0.0, quantity - total)


def _consume(queue, quantity):
    for row in queue:
        if quantity <= 0:
            return
        taken = min(row[1], quantity)
        row[1] -= taken
        quantity -= taken


def encode_cursor(last_id):
    """An opaque cursor for the page after the record ``last_id``.

    >>> decode_cursor(encode_cursor(42))
    42
    """
    raw = json.dumps({"after": int(last_id)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor):
    """The record id a cursor of :func:`encode_cursor` points after.

    :raise ValueError: when the cursor was not made by :func:`encode_cursor`

    >>> decode_cursor("bm9wZQ")
    Traceback (most recent call last):
    ...
    ValueError: not a cursor of this API
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
        after = value["after"]
        if not isinstance(after, int) or isinstance(after, bool) or after < 0:
            raise ValueError(after)
        return after
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeError) as exc:
        raise ValueError("not a cursor of this API") from exc


def beyond_threshold(before, counted, kind, threshold):
    """Whether a count differs from the books by more than a system accepts
    without a person's approval.

    :param kind: ``"none"`` (apply any count), ``"absolute"`` (units) or
        ``"percent"`` (of the quantity on the books; counted against 1 unit
        when the books say nothing)

    >>> beyond_threshold(100, 97, "absolute", 5), beyond_threshold(100, 90, "absolute", 5)
    (False, True)
    >>> beyond_threshold(100, 89, "percent", 10), beyond_threshold(0, 3, "percent", 50)
    (True, True)
    >>> beyond_threshold(5, 500, "none", 0)
    False
    """
    difference = abs(float(counted) - float(before))
    if kind == "absolute":
        return difference > float(threshold) + 1e-9
    if kind == "percent":
        return (
            difference / max(abs(float(before)), 1.0) * 100.0 > float(threshold) + 1e-9
        )
    return False
