"""Pure helpers of the customer resource (``PUT /api/v1/customers/{ref}``):
no ORM.

>>> address_vals({"street": "1 Dock Rd", "zip": "2000", "city": " Antwerp "})
{'street': '1 Dock Rd', 'street2': False, 'zip': '2000', 'city': 'Antwerp'}
>>> changed_vals({"name": "ACME", "vat": False}, {"name": "ACME", "vat": "BE1"})
{'vat': 'BE1'}
"""

__all__ = [
    "ADDRESS_FIELDS",
    "address_vals",
    "changed_vals",
    "same_address",
]

ADDRESS_FIELDS = ("street", "street2", "zip", "city")


def _text(value):
    """Stripped text, Odoo's ``False`` when empty.

    >>> _text("  x "), _text(""), _text(None)
    ('x', False, False)
    """
    if value is None:
        return False
    value = str(value).strip()
    return value or False


def address_vals(address):
    """The street fields of a partner from an address of the body (country
    and state are records: the model resolves them). A field the body leaves
    out is emptied, as a ``PUT`` replaces the whole address.

    >>> address_vals({})
    {'street': False, 'street2': False, 'zip': False, 'city': False}
    """
    return {key: _text(address.get(key)) for key in ADDRESS_FIELDS}


def changed_vals(current, wanted):
    """The part of ``wanted`` that differs from ``current``: what a write
    must change, so that a repeated ``PUT`` writes nothing (no chatter line,
    no ``write_date`` moved, no event).

    ``False``, ``None`` and ``""`` are the same empty value.

    >>> changed_vals({"city": False}, {"city": None})
    {}
    >>> changed_vals({"lang": "en_US"}, {"lang": "fr_BE"})
    {'lang': 'fr_BE'}
    """
    return {
        key: value
        for key, value in wanted.items()
        if (current.get(key) or False) != (value or False)
    }


def same_address(values, other):
    """Whether two addresses (dicts of :data:`ADDRESS_FIELDS` plus ``name``)
    are the same place, whatever the case and the spaces around.

    >>> same_address({"name": "Depot", "city": "Ghent", "zip": "9000"},
    ...              {"name": "depot ", "city": "GHENT", "zip": "9000"})
    True
    >>> same_address({"name": "Depot", "city": "Ghent"}, {"name": "Depot", "city": "Gent"})
    False
    """

    def key(address):
        return tuple(
            (str(address.get(name) or "")).strip().casefold()
            for name in ("name", *ADDRESS_FIELDS)
        )

    return key(values) == key(other)
