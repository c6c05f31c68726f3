"""What changed on a confirmed order (``order.changed``): no ORM.

The model keeps, for each line touched in a transaction, how it was before
the first change (``None`` for a line added); at commit these functions
compare with how it is now, so a change undone in the same transaction
sends nothing.

>>> before = {7: {"product_id": 1, "quantity": 2.0, "uom": "Units"}, 9: None}
>>> after = {7: {"product_id": 1, "quantity": 5.0, "uom": "Units"},
...          9: {"product_id": 3, "quantity": 1.0, "uom": "Units"}}
>>> [(c["line_id"], c["change"], c["previous_quantity"], c["quantity"])
...  for c in line_changes(before, after)]
[(7, 'quantity', 2.0, 5.0), (9, 'added', 0.0, 1.0)]
"""

__all__ = ["date_changes", "line_changes"]


def line_changes(before, after):
    """The changed lines, by line id.

    :param before: ``{line_id: {"product_id", "quantity", "uom"} or None}``
        (``None``: the line did not exist before)
    :param after: ``{line_id: {...} or None}`` now (``None``: gone)
    :return: ``[{"line_id", "change", "previous_quantity", "quantity",
        "previous_product_id"}]`` sorted by line id; ``change`` is
        ``added``, ``quantity`` (same product and unit), ``product``
        (product or unit replaced) or ``removed``

    >>> line_changes({4: {"product_id": 1, "quantity": 2.0, "uom": "Units"}},
    ...              {4: {"product_id": 1, "quantity": 2.0, "uom": "Units"}})
    []
    >>> line_changes({4: {"product_id": 1, "quantity": 2.0, "uom": "Units"}},
    ...              {4: {"product_id": 2, "quantity": 2.0, "uom": "Units"}}
    ...              )[0]["change"]
    'product'
    >>> line_changes({5: None}, {5: None})
    []
    """
    changes = []
    for line_id in sorted(before):
        old, new = before[line_id], after.get(line_id)
        if old is None and new is None:
            continue
        if old is None:
            change = "added"
        elif new is None:
            change = "removed"
        elif (old["product_id"], old["uom"]) != (new["product_id"], new["uom"]):
            change = "product"
        elif float(old["quantity"]) != float(new["quantity"]):
            change = "quantity"
        else:
            continue
        changes.append(
            {
                "line_id": line_id,
                "change": change,
                "previous_quantity": float(old["quantity"]) if old else 0.0,
                "quantity": float(new["quantity"]) if new else 0.0,
                "previous_product_id": old["product_id"]
                if old and change == "product"
                else None,
            }
        )
    return changes


def date_changes(before, after):
    """The dates that differ: ``[{"field", "previous", "value"}]``.

    >>> date_changes({"commitment_date": "2026-03-01T00:00:00Z"},
    ...              {"commitment_date": "2026-03-04T00:00:00Z"})
    [{'field': 'commitment_date', 'previous': '2026-03-01T00:00:00Z', 'value': '2026-03-04T00:00:00Z'}]
    >>> date_changes({"commitment_date": None}, {"commitment_date": None})
    []
    """
    return [
        {"field": name, "previous": before[name], "value": after.get(name)}
        for name in sorted(before)
        if before[name] != after.get(name)
    ]
