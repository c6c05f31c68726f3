"""Builders of the event ``data`` of the distribution events: no ORM.

Models read their records into plain dicts; these functions give the shape
that the JSON Schemas in ``schemas/`` describe, so the shape is tested
without a database.

>>> address({"id": 7, "name": "ACME depot", "street": "1 Dock Rd",
...          "street2": False, "zip": "1000", "city": "Brussels",
...          "state_code": False, "country_code": "BE", "ref": "C-7"})
{'id': 7, 'name': 'ACME depot', 'street': '1 Dock Rd', 'street2': None, 'zip': '1000', 'city': 'Brussels', 'state_code': None, 'country_code': 'BE', 'ref': 'C-7', 'code': None}
>>> money(10.005), money(3, digits=0)
(10.01, 3.0)
>>> lots_of([{"lot": "L1"}, {"lot": "L2"}, {"lot": "L1"}, {"lot": False}])
['L1', 'L2']
"""

import datetime as dt
import decimal

__all__ = [
    "ADDRESS_KEYS",
    "address",
    "iso_date",
    "lots_of",
    "money",
    "nullable",
    "order_accepted_data",
    "order_line",
    "order_subject",
    "product",
    "shipment_dispatched_data",
    "shipment_line",
    "shipment_subject",
]

ADDRESS_KEYS = (
    "id",
    "name",
    "street",
    "street2",
    "zip",
    "city",
    "state_code",
    "country_code",
    "ref",
    "code",
)


def nullable(value):
    """Odoo's ``False`` for an empty field becomes JSON ``null``.

    >>> nullable(False), nullable(""), nullable(0), nullable("x")
    (None, None, 0, 'x')
    """
    if value is False or value is None or value == "":
        return None
    return value


def money(amount, digits=2):
    """An amount as a JSON number rounded half-up to the currency's digits."""
    quantum = decimal.Decimal(1).scaleb(-digits)
    rounded = decimal.Decimal(str(amount or 0)).quantize(
        quantum, rounding=decimal.ROUND_HALF_UP
    )
    return float(rounded)


def iso_date(value):
    """ISO 8601 text of a date or naive-UTC datetime, ``None`` when empty.

    >>> iso_date(dt.datetime(2026, 3, 1, 8, 30)), iso_date(dt.date(2026, 3, 2))
    ('2026-03-01T08:30:00Z', '2026-03-02')
    >>> iso_date(False) is None
    True
    """
    if not value:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(timespec="seconds") + "Z"
    return value.isoformat()


def address(values):
    """A party or ship-to address from the values of a ``res.partner``.

    The name stays a string (the schemas require one), also for a delivery
    without a contact:

    >>> address({"id": 0, "name": ""})["name"], address({"id": 0, "name": ""})["city"]
    ('', None)
    """
    result = {key: nullable(values.get(key)) for key in ADDRESS_KEYS}
    result["name"] = values.get("name") or ""
    return result


def product(values):
    """A product reference: Odoo's identifiers plus the partner's SKU.

    >>> product({"id": 3, "default_code": "FURN_1", "barcode": False,
    ...          "name": "Desk", "partner_sku": "SKU-9"})
    {'id': 3, 'default_code': 'FURN_1', 'barcode': None, 'name': 'Desk', 'partner_sku': 'SKU-9'}
    """
    return {
        "id": values["id"],
        "default_code": nullable(values.get("default_code")),
        "barcode": nullable(values.get("barcode")),
        "name": values.get("name") or "",
        "partner_sku": nullable(values.get("partner_sku")),
    }


def order_line(values, digits=2):
    """One order line; quantities stay floats, amounts use the currency digits."""
    return {
        "line_id": values["id"],
        "product": product(values["product"]),
        "description": values.get("description") or "",
        "quantity": float(values["quantity"]),
        "uom": values["uom"],
        "uom_code": nullable(values.get("uom_code")),
        "price_unit": float(values["price_unit"]),
        "discount": float(values.get("discount") or 0.0),
        "price_subtotal": money(values["price_subtotal"], digits),
    }


def order_subject(order_ref):
    """The CloudEvents subject of the events about one sale order.

    >>> order_subject("S00042")
    'orders/S00042'
    """
    return f"orders/{order_ref}"


def shipment_subject(picking_ref):
    """The subject of the events about one delivery.

    >>> shipment_subject("WH/OUT/00007")
    'shipments/WH/OUT/00007'
    """
    return f"shipments/{picking_ref}"


def order_accepted_data(order, lines, digits=2):
    """The ``order.accepted`` v1 data.

    :param order: plain values of the order (see the model's reader)
    :param lines: plain values of the product lines
    :param digits: decimal places of the order currency
    """
    return {
        "order_id": order["id"],
        "order_ref": order["name"],
        "client_order_ref": nullable(order.get("client_order_ref")),
        "external_ref": nullable(order.get("external_ref")),
        "source_system": nullable(order.get("source_system")),
        "date_order": iso_date(order.get("date_order")),
        "commitment_date": iso_date(order.get("commitment_date")),
        "expected_date": iso_date(order.get("expected_date")),
        "customer": address(order["customer"]),
        "ship_to": address(order["ship_to"]),
        "currency": order["currency"],
        "amount_untaxed": money(order["amount_untaxed"], digits),
        "amount_tax": money(order["amount_tax"], digits),
        "amount_total": money(order["amount_total"], digits),
        "payment_term": nullable(order.get("payment_term")),
        "warehouse": order.get("warehouse"),
        "lines": [order_line(line, digits) for line in lines],
    }


def lots_of(move_lines):
    """Distinct lot / serial numbers of move lines, in their order."""
    seen = {}
    for move_line in move_lines:
        if move_line.get("lot"):
            seen.setdefault(move_line["lot"], None)
    return list(seen)


def shipment_line(values):
    """One shipped product: the quantity done and its lots."""
    return {
        "move_id": values["id"],
        "product": product(values["product"]),
        "quantity": float(values["quantity"]),
        "uom": values["uom"],
        "uom_code": nullable(values.get("uom_code")),
        "lots": lots_of(values.get("move_lines") or []),
    }


def shipment_dispatched_data(picking, moves):
    """The ``shipment.dispatched`` v1 data.

    :param picking: plain values of the delivery (see the model's reader)
    :param moves: plain values of its done moves; moves with nothing done
        are left out
    """
    return {
        "picking_id": picking["id"],
        "picking_ref": picking["name"],
        "origin": nullable(picking.get("origin")),
        "order_ref": nullable(picking.get("order_ref")),
        "client_order_ref": nullable(picking.get("client_order_ref")),
        "external_ref": nullable(picking.get("external_ref")),
        "source_system": nullable(picking.get("source_system")),
        "date_done": iso_date(picking.get("date_done")),
        "carrier": picking.get("carrier"),
        "tracking_ref": nullable(picking.get("tracking_ref")),
        "ship_to": address(picking["ship_to"]),
        "warehouse": picking.get("warehouse"),
        "lines": [shipment_line(move) for move in moves if move["quantity"] > 0],
    }
