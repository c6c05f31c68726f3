"""What may still be returned, and how a quantity spreads over deliveries.

Plain numbers in, plain numbers out: the ORM world (``integration.return``)
gathers the delivered and returned quantities and calls these.
"""

from odoo.tools.float_utils import float_compare, float_round

__all__ = ["allocate", "over_returns"]


def allocate(quantity, available, precision_digits=3):
    """Spread ``quantity`` over ``available`` (``[(key, qty)]``) in order,
    each taking at most its own quantity.

    :return: ``([(key, taken)], rest)``; keys that take nothing are left out

    >>> allocate(5, [("a", 2), ("b", 4)])
    ([('a', 2.0), ('b', 3.0)], 0)
    >>> allocate(7, [("a", 2), ("b", 4)])
    ([('a', 2.0), ('b', 4.0)], 1.0)
    >>> allocate(1.5, [("a", 0), ("b", 4)])
    ([('b', 1.5)], 0)
    >>> allocate(0, [("a", 2)])
    ([], 0)
    >>> allocate(0.3, [("a", 0.1), ("b", 0.1), ("c", 0.1)])
    ([('a', 0.1), ('b', 0.1), ('c', 0.1)], 0)
    """
    taken = []
    rest = quantity
    for key, qty in available:
        if float_compare(rest, 0, precision_digits=precision_digits) <= 0:
            break
        part = min(rest, qty)
        if float_compare(part, 0, precision_digits=precision_digits) > 0:
            taken.append((key, float_round(part, precision_digits=precision_digits)))
            rest = float_round(rest - part, precision_digits=precision_digits)
    if float_compare(rest, 0, precision_digits=precision_digits) <= 0:
        rest = 0
    return taken, rest


def over_returns(lines, returnable, precision_digits=3):
    """The lines asking for more than may still be returned.

    Lines of the same product share what is left of it, in document order:
    the first lines are served first, the line that goes beyond is named.

    :param lines: ``[(index, key, quantity)]`` (``key``: the product)
    :param returnable: ``{key: quantity delivered and not yet returned}``
    :return: ``[(index, asked, left)]``, ``left`` being what was still
        returnable for that line

    >>> over_returns([(0, "desk", 1), (1, "chair", 2)], {"desk": 2, "chair": 4})
    []
    >>> over_returns([(0, "desk", 3)], {"desk": 2})
    [(0, 3, 2)]
    >>> over_returns([(0, "desk", 1), (1, "desk", 2)], {"desk": 2})
    [(1, 2, 1.0)]
    >>> over_returns([(0, "lamp", 1)], {})
    [(0, 1, 0)]
    """
    left = dict(returnable)
    beyond = []
    for index, key, quantity in lines:
        still = left.get(key, 0)
        if float_compare(quantity, still, precision_digits=precision_digits) > 0:
            beyond.append((index, quantity, still))
            left[key] = 0
        else:
            left[key] = float_round(still - quantity, precision_digits=precision_digits)
    return beyond
