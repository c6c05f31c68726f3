"""The payload builders and the schemas, without a database."""

import doctest
import json
from pathlib import Path

from odoo.tests import BaseCase, tagged

from odoo.addons.integration_core.tools.json_schema import validation_errors

from ..tools import payloads

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def load_schema(name):
    return json.loads((SCHEMAS / name).read_text())


def order_values(**overrides):
    values = {
        "id": 1,
        "name": "S00001",
        "client_order_ref": False,
        "external_ref": False,
        "source_system": False,
        "date_order": None,
        "commitment_date": False,
        "expected_date": False,
        "customer": {"id": 3, "name": "ACME", "country_code": "BE"},
        "ship_to": {"id": 3, "name": "ACME", "country_code": "BE"},
        "currency": "EUR",
        "amount_untaxed": 100.0,
        "amount_tax": 21.0,
        "amount_total": 121.0,
        "payment_term": False,
        "warehouse": None,
    }
    values.update(overrides)
    return values


LINE = {
    "id": 9,
    "product": {"id": 4, "default_code": "A-1", "barcode": False, "name": "A"},
    "description": "A",
    "quantity": 2,
    "uom": "Units",
    "price_unit": 50,
    "discount": 0,
    "price_subtotal": 100,
}


@tagged("-at_install", "post_install")
class TestPayloads(BaseCase):
    def test_doctests(self):
        result = doctest.testmod(payloads)
        self.assertEqual(result.failed, 0)
        self.assertGreater(result.attempted, 5)

    def test_schema_examples_are_valid(self):
        for name in ("order.accepted.v1.json", "shipment.dispatched.v1.json"):
            schema = load_schema(name)
            self.assertEqual(
                schema["$schema"], "https://json-schema.org/draft/2020-12/schema"
            )
            self.assertTrue(schema["examples"], name)
            for example in schema["examples"]:
                self.assertEqual(validation_errors(schema, example), [], name)

    def test_order_accepted_builder_matches_schema(self):
        data = payloads.order_accepted_data(order_values(), [LINE])
        self.assertEqual(
            validation_errors(load_schema("order.accepted.v1.json"), data), []
        )
        self.assertIsNone(data["client_order_ref"])
        self.assertIsNone(data["lines"][0]["product"]["partner_sku"])
        self.assertEqual(data["lines"][0]["quantity"], 2.0)

    def test_order_amounts_use_currency_digits(self):
        data = payloads.order_accepted_data(
            order_values(amount_total=1000.4), [], digits=0
        )
        self.assertEqual(data["amount_total"], 1000.0)

    def test_shipment_builder_skips_moves_with_nothing_done(self):
        picking = {
            "id": 5,
            "name": "WH/OUT/00001",
            "date_done": None,
            "ship_to": {"id": 3, "name": "ACME"},
        }
        moves = [
            {
                "id": 1,
                "product": LINE["product"],
                "quantity": 3,
                "uom": "Units",
                "move_lines": [{"lot": "L1"}, {"lot": "L2"}],
            },
            {"id": 2, "product": LINE["product"], "quantity": 0, "uom": "Units"},
        ]
        data = payloads.shipment_dispatched_data(picking, moves)
        self.assertEqual([line["move_id"] for line in data["lines"]], [1])
        self.assertEqual(data["lines"][0]["lots"], ["L1", "L2"])
        errors = validation_errors(load_schema("shipment.dispatched.v1.json"), data)
        # date_done is required to be a string: the builder keeps None and the
        # schema catches it, which is what the core turns into an invalid event
        self.assertEqual([e["pointer"] for e in errors], ["/date_done"])
