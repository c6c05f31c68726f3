"""Ship-confirm from a warehouse: SSCC-18 check digits, how shipped rows
split over the moves of a picking, and the context keys of the memos its
validation keeps.

No ORM. GS1 General Specifications, 7.9 (check digit calculation): the
digits are weighted 3, 1, 3, 1... from the right, excluding the check
digit; the check digit brings the sum up to a multiple of ten.

>>> sscc_error("106141411234567897")  # a valid SSCC
>>> sscc_error("106141411234567890")
'wrong check digit: 0, expected 7'
"""

__all__ = [
    "QUANT_MEMO",
    "VALIDATION_MEMO",
    "allocate",
    "gs1_check_digit",
    "match_reserved",
    "own_first",
    "sscc_error",
]

# context keys of the per-validation memos (``BatchMemo``): the questions
# Odoo asks again for every move of a ship-confirm's validation (push rules),
# and the quants the backorders' reservation reads (valid only while no
# quant is created, deleted or moved: see ``stock.quant._gather``)
VALIDATION_MEMO = "integration_ship_confirm_memo"
QUANT_MEMO = "integration_ship_confirm_quant_memo"


def own_first(quants, own):
    """``quants`` in their removal order (``(id, has a lot, in_date)``
    triples, FIFO or LIFO), those in ``own`` (ids) first among quants that
    order cannot tell apart (the same lot preference and in_date): a
    validation that reserves its backorders from quants it already
    changed does not wait on, or lose to, another transaction's.

    >>> rows = [(1, False, "d1"), (2, False, "d1"), (3, False, "d1"), (4, False, "d2")]
    >>> [row[0] for row in own_first(rows, {3, 4})]
    [3, 1, 2, 4]
    >>> [row[0] for row in own_first(rows, set())]
    [1, 2, 3, 4]
    >>> [row[0] for row in own_first([(5, True, "d2"), (6, False, "d1")], {6})]
    [5, 6]
    """
    if not own:
        return list(quants)
    ranked, rank, previous = [], -1, None
    for quant in quants:
        tie = (quant[1], quant[2])
        if tie != previous:
            rank, previous = rank + 1, tie
        ranked.append((rank, quant[0] not in own, quant))
    ranked.sort(key=lambda item: item[:2])
    return [item[2] for item in ranked]


def gs1_check_digit(digits):
    """The GS1 mod-10 check digit of ``digits`` (the number without it).

    >>> gs1_check_digit("10614141123456789")
    7
    >>> gs1_check_digit("629104150021")  # an EAN-13 without its check digit
    3
    >>> gs1_check_digit("")
    0
    """
    total = sum(
        int(digit) * (3 if position % 2 == 0 else 1)
        for position, digit in enumerate(reversed(digits))
    )
    return (10 - total % 10) % 10


def sscc_error(value):
    """Why ``value`` is not an SSCC-18, or ``None`` when it is one.

    >>> sscc_error("00106141411234567897")  # the (00) application identifier
    'an SSCC has 18 digits (without the (00) application identifier)'
    >>> sscc_error("10614141123456789X")
    'an SSCC has 18 digits (without the (00) application identifier)'
    >>> sscc_error(None)
    'an SSCC has 18 digits (without the (00) application identifier)'
    >>> sscc_error("000000000000000000")  # all zeros: well formed and valid
    """
    if (
        not isinstance(value, str)
        or len(value) != 18
        or not (value.isascii() and value.isdigit())
    ):
        return "an SSCC has 18 digits (without the (00) application identifier)"
    expected = gs1_check_digit(value[:17])
    if int(value[17]) != expected:
        return f"wrong check digit: {value[17]}, expected {expected}"
    return None


def allocate(rows, demands):
    """Split shipped rows over the moves that ask for their product.

    Each row fills the moves of its product in their order, up to each
    move's demand; what no move asks for anymore is left over (an
    over-shipment).

    :param rows: ``[(row index, product key, quantity)]``, in message order
    :param demands: ``{product key: [(move key, demand)]}``
    :return: ``(parts, over)``: ``parts`` a list of ``(row index, move key,
        quantity)``; ``over`` ``{row index: quantity left over}``

    >>> allocate([(0, "A", 3), (1, "A", 2)], {"A": [("m1", 4), ("m2", 1)]})
    ([(0, 'm1', 3), (1, 'm1', 1), (1, 'm2', 1)], {})
    >>> allocate([(0, "A", 5)], {"A": [("m1", 4)]})
    ([(0, 'm1', 4)], {0: 1})
    >>> allocate([(0, "B", 1)], {"A": [("m1", 4)]})
    ([], {0: 1})
    """
    left = {
        product: [[move, demand] for move, demand in moves]
        for product, moves in demands.items()
    }
    parts = []
    over = {}
    for index, product, quantity in rows:
        remaining = quantity
        for slot in left.get(product, ()):
            if remaining <= 0:
                break
            take = min(slot[1], remaining)
            if take > 0:
                parts.append((index, slot[0], take))
                slot[1] -= take
                remaining -= take
        if remaining > 1e-9:
            over[index] = remaining
    return parts, over


def match_reserved(wanted, reserved):
    """Which reserved move line takes which shipped part.

    A part takes the first line Odoo reserved for its key (its move and
    lot), each line once; what no part takes is unused. Taking a reserved
    line as it is spares unreserving it and reserving the same goods again.

    :param wanted: ``[(part index, key)]``, in message order
    :param reserved: ``{key: [line, ...]}``, each list in Odoo's order
    :return: ``(taken, unused)``: ``taken`` ``{part index: line}``,
        ``unused`` the lines left, in key then line order

    >>> match_reserved(
    ...     [(0, ("m1", None)), (1, ("m1", None)), (2, ("m2", "L1"))],
    ...     {("m1", None): ["a"], ("m2", "L2"): ["b", "c"]},
    ... )
    ({0: 'a'}, ['b', 'c'])
    >>> match_reserved([(0, "k"), (1, "k")], {"k": ["a", "b", "c"]})
    ({0: 'a', 1: 'b'}, ['c'])
    """
    left = {key: list(lines) for key, lines in reserved.items()}
    taken = {}
    for index, key in wanted:
        if left.get(key):
            taken[index] = left[key].pop(0)
    return taken, [line for lines in left.values() for line in lines]
