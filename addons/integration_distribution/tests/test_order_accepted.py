from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.integration_core.models.integration_event import IntegrationEvent
from odoo.addons.integration_core.tools.json_schema import validation_errors

from ..models.sale_order import SaleOrder
from .common import DistributionCase


@tagged("post_install", "-at_install")
class TestOrderAccepted(DistributionCase):
    def test_confirm_writes_one_valid_event(self):
        order = self.make_order(client_order_ref="PO-1")
        self.assertFalse(self.events("order.accepted", order))
        order.action_confirm()
        event = self.events("order.accepted", order)
        self.assertEqual(len(event), 1)
        self.assertEqual(event.state, "published")
        self.assertEqual(event.subject, f"orders/{order.name}")
        self.assertEqual(event.company_id, order.company_id)
        schema = event.event_type_id._get_schema()
        self.assertEqual(validation_errors(schema, event.data), [])
        data = event.data
        self.assertEqual(data["order_ref"], order.name)
        self.assertEqual(data["client_order_ref"], "PO-1")
        self.assertIsNone(data["source_system"])
        self.assertEqual(data["customer"]["ref"], "C-DECO")
        self.assertEqual(data["customer"]["country_code"], "BE")
        self.assertEqual(data["ship_to"]["id"], self.ship_to.id)
        self.assertEqual(data["currency"], order.currency_id.name)
        self.assertEqual(data["amount_total"], order.amount_total)
        self.assertEqual(data["warehouse"]["code"], self.warehouse.code)
        self.assertEqual(
            [
                (line["product"]["default_code"], line["quantity"])
                for line in data["lines"]
            ],
            [("DESK-1", 2.0), ("CHAIR-1", 4.0)],
        )
        self.assertEqual(data["lines"][0]["product"]["barcode"], "5400000000017")
        self.assertEqual(data["lines"][0]["uom"], self.uom_unit.name)
        self.assertIsNone(data["lines"][0]["product"]["partner_sku"])

    def test_confirming_many_orders_emits_one_batch(self):
        orders = self.make_order() | self.make_order()
        batches = []
        original = IntegrationEvent._emit_many

        def spy(event_model, items):
            batches.append(len(items))
            return original(event_model, items)

        with patch.object(IntegrationEvent, "_emit_many", spy):
            orders.action_confirm()
        self.assertEqual(batches, [2])
        self.assertEqual(len(self.events("order.accepted", orders)), 2)

    def test_sections_and_notes_are_not_lines(self):
        order = self.make_order()
        order.order_line = [
            (0, 0, {"display_type": "line_section", "name": "Section"}),
            (0, 0, {"display_type": "line_note", "name": "Handle with care"}),
        ]
        order.action_confirm()
        self.assertEqual(len(self.events("order.accepted", order).data["lines"]), 2)

    def test_cancel_writes_no_event(self):
        quotation = self.make_order()
        quotation.action_cancel()
        self.assertFalse(self.events("order.accepted", quotation))
        order = self.make_order()
        order.action_confirm()
        order._action_cancel()
        self.assertEqual(len(self.events("order.accepted", order)), 1)

    def test_partner_codes_when_the_order_came_from_a_system(self):
        self.map("customer", "SHOP-CUST-9", self.customer)
        self.map("ship_to", "SHOP-DEPOT-1", self.ship_to)
        self.map("product", "SHOP-DESK", self.desk)
        self.map("uom", "EA", self.uom_unit)
        self.map("warehouse", "MAIN", self.warehouse)
        order = self.make_order(
            integration_system_id=self.system.id, integration_external_ref="SHOP-1001"
        )
        order.action_confirm()
        event = self.events("order.accepted", order)
        self.assertEqual(event.system_id, self.system)
        data = event.data
        self.assertEqual(data["source_system"], "test_shop")
        self.assertEqual(data["external_ref"], "SHOP-1001")
        self.assertEqual(data["customer"]["code"], "SHOP-CUST-9")
        self.assertEqual(data["ship_to"]["code"], "SHOP-DEPOT-1")
        self.assertEqual(data["warehouse"]["partner_code"], "MAIN")
        desk_line, chair_line = data["lines"]
        self.assertEqual(desk_line["product"]["partner_sku"], "SHOP-DESK")
        self.assertEqual(desk_line["uom_code"], "EA")
        # no mapping: null, not Odoo's own code (that one is in default_code)
        self.assertIsNone(chair_line["product"]["partner_sku"])
        self.assertEqual(chair_line["product"]["default_code"], "CHAIR-1")

    def test_orders_of_two_systems_confirmed_together_get_their_own_codes(self):
        other = self.env["integration.system"].create(
            {"name": "Marketplace", "code": "test_market", "kind": "marketplace"}
        )
        self.map("customer", "SHOP-CUST-9", self.customer)
        self.map("product", "SHOP-DESK", self.desk)
        self.map("customer", "MKT-CUST", self.customer, system=other)
        self.map("product", "MKT-DESK", self.desk, system=other)
        self.map("warehouse", "MKT-WH", self.warehouse, system=other)
        shop_orders = self.make_order(integration_system_id=self.system.id)
        shop_orders |= self.make_order(integration_system_id=self.system.id)
        market_order = self.make_order(integration_system_id=other.id)
        plain_order = self.make_order()
        mapping_reads = []
        original = type(self.Mapping).code_table

        def spy(mapping_model, system, *recordsets):
            mapping_reads.append(system.code)
            return original(mapping_model, system, *recordsets)

        with patch.object(type(self.Mapping), "code_table", spy):
            (shop_orders | market_order | plain_order).action_confirm()
        # one read per system for the whole batch, none per order
        self.assertCountEqual(mapping_reads, ["test_shop", "test_market", False])
        for order in shop_orders:
            data = self.events("order.accepted", order).data
            self.assertEqual(data["customer"]["code"], "SHOP-CUST-9")
            self.assertEqual(data["lines"][0]["product"]["partner_sku"], "SHOP-DESK")
            self.assertIsNone(data["warehouse"]["partner_code"])
        data = self.events("order.accepted", market_order).data
        self.assertEqual(data["customer"]["code"], "MKT-CUST")
        self.assertEqual(data["lines"][0]["product"]["partner_sku"], "MKT-DESK")
        self.assertEqual(data["warehouse"]["partner_code"], "MKT-WH")
        data = self.events("order.accepted", plain_order).data
        self.assertIsNone(data["customer"]["code"])
        self.assertIsNone(data["lines"][0]["product"]["partner_sku"])

    def test_ship_to_falls_back_to_the_customer_code(self):
        self.map("customer", "SHOP-CUST-9", self.customer)
        order = self.make_order(
            partner_shipping_id=self.customer.id, integration_system_id=self.system.id
        )
        order.action_confirm()
        data = self.events("order.accepted", order).data
        self.assertEqual(data["ship_to"]["code"], "SHOP-CUST-9")

    def test_confirm_by_a_salesman_without_integration_rights(self):
        order = self.make_order(
            integration_system_id=self.system.id, user_id=self.salesman.id
        )
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(self.events("order.accepted", order).state, "published")

    def test_schema_rejection_keeps_the_event_and_confirms_the_order(self):
        original = SaleOrder._integration_order_accepted_data

        def broken(order, codes=None):
            data = original(order, codes)
            data["amount_total"] = "a lot"
            return data

        order = self.make_order()
        with (
            patch.object(SaleOrder, "_integration_order_accepted_data", broken),
            mute_logger("odoo.addons.integration_core.models.integration_event"),
        ):
            order.action_confirm()
        self.assertEqual(order.state, "sale")
        event = self.events("order.accepted", order)
        self.assertEqual(event.state, "invalid")
        exception = self.env["integration.exception"].search(
            [("source_model", "=", "integration.event"), ("source_id", "=", event.id)]
        )
        self.assertEqual(exception.kind, "invalid_payload")
        self.assertIn("/amount_total", exception.detail)

    def test_context_switch_writes_no_event(self):
        order = self.make_order()
        order.with_context(integration_no_events=True).action_confirm()
        self.assertFalse(self.events("order.accepted", order))

    def test_external_ref_unique_per_system(self):
        other_system = self.env["integration.system"].create(
            {"name": "Other shop", "code": "other_shop"}
        )
        first = self.make_order(
            integration_system_id=self.system.id, integration_external_ref="X-1"
        )
        self.make_order(
            integration_system_id=other_system.id, integration_external_ref="X-1"
        )
        self.assertFalse(first.copy().integration_external_ref)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.cr.savepoint(),
        ):
            self.make_order(
                integration_system_id=self.system.id, integration_external_ref="X-1"
            )
