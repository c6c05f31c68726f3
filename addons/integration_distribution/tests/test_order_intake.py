import json
from pathlib import Path

from odoo.tests import tagged

from odoo.addons.integration_core.exceptions import BusinessRuleError, UnmappedCodeError
from odoo.addons.integration_core.tools.json_schema import validation_errors

from .common import DistributionCase

SCHEMA = json.loads(
    (
        Path(__file__).resolve().parent.parent / "schemas/api/order.create.json"
    ).read_text()
)


@tagged("post_install", "-at_install")
class TestOrderIntake(DistributionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.SaleOrder = cls.env["sale.order"]
        cls.env["integration.mapping"].create(
            [
                {
                    "system_id": cls.system.id,
                    "kind": "customer",
                    "external_code": "CUST-9",
                    "res_id": cls.customer.id,
                },
                {
                    "system_id": cls.system.id,
                    "kind": "product",
                    "external_code": "SHOP-DESK",
                    "res_id": cls.desk.id,
                },
                {
                    "system_id": cls.system.id,
                    "kind": "uom",
                    "external_code": "DZ",
                    "res_id": cls.env.ref("uom.product_uom_dozen").id,
                },
                {
                    "system_id": cls.system.id,
                    "kind": "warehouse",
                    "external_code": "MAIN",
                    "res_id": cls.warehouse.id,
                },
            ]
        )

    def payload(self, **overrides):
        payload = {
            "external_ref": "SHOP-1001",
            "client_order_ref": "PO-55",
            "customer": {"code": "CUST-9"},
            "lines": [
                {"sku": "SHOP-DESK", "qty": 2, "price_unit": 140.0},
                {"gtin": "5400000000017", "qty": 1},
                {"sku": "CHAIR-1", "qty": 1, "uom": "DZ"},
            ],
            "requested_date": "2026-03-05",
            "warehouse": "MAIN",
        }
        payload.update(overrides)
        self.assertEqual(validation_errors(SCHEMA, payload), [])
        return payload

    def intake(self, payload):
        return self.SaleOrder._integration_create_from_channel(self.system, payload)

    def test_schema_rejects_what_the_intake_cannot_take(self):
        bad = {"external_ref": "", "customer": {}, "lines": [{"sku": "A", "qty": 0}]}
        pointers = {error["pointer"] for error in validation_errors(SCHEMA, bad)}
        self.assertTrue({"/external_ref", "/customer", "/lines/0/qty"} <= pointers)
        self.assertEqual(validation_errors(SCHEMA, SCHEMA["examples"][0]), [])

    def test_create_and_confirm(self):
        order, created = self.intake(self.payload())
        self.assertTrue(created)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.integration_system_id, self.system)
        self.assertEqual(order.integration_external_ref, "SHOP-1001")
        self.assertEqual(order.client_order_ref, "PO-55")
        self.assertEqual(order.warehouse_id, self.warehouse)
        self.assertEqual(str(order.commitment_date), "2026-03-05 00:00:00")
        desk_line, gtin_line, dozen_line = order.order_line
        self.assertEqual(
            (desk_line.product_id, desk_line.price_unit), (self.desk, 140.0)
        )
        self.assertEqual(gtin_line.product_id, self.desk)
        self.assertEqual(dozen_line.product_uom.name, "Dozens")
        event = self.events("order.accepted", order)
        self.assertEqual(len(event), 1)
        self.assertEqual(event.data["external_ref"], "SHOP-1001")
        self.assertEqual(event.data["customer"]["code"], "CUST-9")

    def test_same_external_ref_returns_the_existing_order(self):
        order, _created = self.intake(self.payload())
        again, created = self.intake(self.payload(lines=[{"sku": "CHAIR-1", "qty": 9}]))
        self.assertFalse(created)
        self.assertEqual(again, order)
        self.assertEqual(len(self.events("order.accepted", order)), 1)
        # another system may use the same reference
        other = self.env["integration.system"].create(
            {"name": "Other", "code": "other_shop"}
        )
        self.env["integration.mapping"].create(
            {
                "system_id": other.id,
                "kind": "customer",
                "external_code": "CUST-9",
                "res_id": self.customer.id,
            }
        )
        third, created = self.SaleOrder._integration_create_from_channel(
            other,
            self.payload(
                lines=[{"sku": "CHAIR-1", "qty": 1}], warehouse=self.warehouse.code
            ),
        )
        self.assertTrue(created)
        self.assertNotEqual(third, order)

    def test_unmapped_sku_points_at_the_line_and_leaves_nothing(self):
        partners_before = self.env["res.partner"].search_count([])
        with self.assertRaises(UnmappedCodeError) as caught:
            self.intake(
                self.payload(
                    customer={"code": "NEW-1", "name": "New Customer"},
                    lines=[{"sku": "SHOP-DESK", "qty": 1}, {"sku": "NOPE", "qty": 1}],
                )
            )
        self.assertEqual(caught.exception.pointer, "/lines/1/sku")
        self.assertEqual(caught.exception.code, "NOPE")
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before)
        self.assertFalse(
            self.SaleOrder._integration_find_by_external_ref(self.system, "SHOP-1001")
        )

    def test_unknown_gtin_and_customer(self):
        with self.assertRaises(UnmappedCodeError) as caught:
            self.intake(self.payload(lines=[{"gtin": "99999999", "qty": 1}]))
        self.assertEqual(caught.exception.pointer, "/lines/0/gtin")
        with self.assertRaises(UnmappedCodeError) as caught:
            self.intake(self.payload(customer={"code": "WHO"}))
        self.assertEqual(caught.exception.pointer, "/customer/code")

    def test_inline_customer_is_created_and_its_code_mapped(self):
        order, _created = self.intake(
            self.payload(
                customer={
                    "code": "NEW-7",
                    "name": "Fresh Retail",
                    "email": "buy@fresh.example",
                    "country_code": "BE",
                },
                ship_to={"name": "Fresh depot", "street": "2 Quay", "city": "Ghent"},
            )
        )
        self.assertEqual(order.partner_id.name, "Fresh Retail")
        self.assertEqual(order.partner_id.country_id.code, "BE")
        self.assertEqual(order.partner_shipping_id.parent_id, order.partner_id)
        self.assertEqual(order.partner_shipping_id.type, "delivery")
        self.assertEqual(
            self.Mapping.resolve(self.system, "customer", "NEW-7"), order.partner_id
        )
        # the next order of that customer reuses the contact and the address
        second, _created = self.intake(
            self.payload(
                external_ref="SHOP-1002",
                customer={"code": "NEW-7", "name": "Fresh Retail"},
                ship_to={"name": "Fresh depot", "street": "2 Quay", "city": "Ghent"},
            )
        )
        self.assertEqual(second.partner_id, order.partner_id)
        self.assertEqual(second.partner_shipping_id, order.partner_shipping_id)

    def test_a_system_that_may_not_create_customers(self):
        """Policy *existing*: nothing is created, the order waits for a fix;
        known customers and addresses still go through."""
        self.system.order_partner_policy = "existing"
        contacts = self.env["res.partner"].search_count([])
        with self.assertRaises(UnmappedCodeError) as caught:
            self.intake(
                self.payload(customer={"code": "NEW-8", "name": "Fresh Retail"})
            )
        self.assertEqual(caught.exception.pointer, "/customer/code")
        with self.assertRaises(BusinessRuleError) as caught:
            self.intake(
                self.payload(customer={"name": "Guest", "email": "nobody@example.com"})
            )
        self.assertEqual(caught.exception.pointer, "/customer")
        with self.assertRaises(BusinessRuleError) as caught:
            self.intake(self.payload(ship_to={"name": "New depot", "city": "Leuven"}))
        self.assertEqual(caught.exception.pointer, "/ship_to")
        self.assertEqual(self.env["res.partner"].search_count([]), contacts)
        order, _created = self.intake(
            self.payload(
                ship_to={
                    "name": self.ship_to.name,
                    "city": self.ship_to.city,
                }
            )
        )
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.partner_shipping_id, self.ship_to)

    def test_business_rules(self):
        with self.assertRaises(BusinessRuleError) as caught:
            self.intake(
                self.payload(lines=[{"sku": "SHOP-DESK", "qty": 1, "uom": "kg"}])
            )
        self.assertEqual(caught.exception.pointer, "/lines/0/uom")
        with self.assertRaises(BusinessRuleError) as caught:
            self.intake(self.payload(currency="JPY"))
        self.assertEqual(caught.exception.pointer, "/currency")

    def test_confirm_false_keeps_a_quotation(self):
        order, _created = self.intake(self.payload(confirm=False))
        self.assertEqual(order.state, "draft")
        self.assertEqual(order._integration_channel_status(), "received")
        self.assertFalse(self.events("order.accepted", order))

    def test_status_follows_the_order(self):
        order, _created = self.intake(
            self.payload(lines=[{"sku": "SHOP-DESK", "qty": 2}])
        )
        self.assertIn(order._integration_channel_status(), ("accepted", "reserved"))
        picking = order.picking_ids
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        picking.with_context(skip_backorder=True).button_validate()
        self.assertEqual(order._integration_channel_status(), "partially_shipped")
        view = order._integration_channel_view()
        self.assertEqual(view["status"], "partially_shipped")
        self.assertEqual(view["external_ref"], "SHOP-1001")
        self.assertEqual(view["lines"][0]["sku"], "SHOP-DESK")
        self.assertEqual(view["lines"][0]["qty_delivered"], 1.0)
        done = [s for s in view["shipments"] if s["state"] == "done"]
        self.assertEqual(done[0]["lines"][0]["quantity"], 1.0)
        self.ship_all(order.picking_ids.filtered(lambda p: p.state != "done"))
        self.assertEqual(order._integration_channel_status(), "shipped")
        with self.assertRaises(BusinessRuleError):
            order._integration_cancel_from_channel()

    def test_find_and_cancel(self):
        order, _created = self.intake(self.payload())
        self.assertEqual(
            self.SaleOrder._integration_find_for_channel(self.system, "SHOP-1001"),
            order,
        )
        self.assertEqual(
            self.SaleOrder._integration_find_for_channel(self.system, order.name), order
        )
        self.assertFalse(
            self.SaleOrder._integration_find_for_channel(self.system, "NOPE")
        )
        other = self.env["integration.system"].create(
            {"name": "Other", "code": "other_shop"}
        )
        self.assertFalse(
            self.SaleOrder._integration_find_for_channel(other, "SHOP-1001")
        )
        order._integration_cancel_from_channel()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order._integration_channel_status(), "cancelled")
        order._integration_cancel_from_channel()  # idempotent

    def test_runs_as_the_systems_technical_user(self):
        order, _created = self.SaleOrder.with_user(
            self.salesman
        )._integration_create_from_channel(self.system, self.payload())
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.env.uid, self.salesman.id)

    def test_guest_customer_is_found_again_by_email(self):
        guest = {"name": "Guest Buyer", "email": "guest@example.com"}
        first, _created = self.intake(self.payload(customer=guest))
        second, _created = self.intake(
            self.payload(
                external_ref="SHOP-1003",
                customer=dict(guest, email="GUEST@example.com"),
            )
        )
        self.assertEqual(first.partner_id.name, "Guest Buyer")
        self.assertEqual(second.partner_id, first.partner_id)

    def test_a_batch_resolves_codes_once_and_still_reports_each_order(self):
        new_customer = {"code": "NEW-8", "name": "Batch Retail"}
        payloads = [
            self.payload(external_ref="BATCH-1", customer=new_customer),
            self.payload(
                external_ref="BATCH-2",
                lines=[{"sku": "SHOP-DESK", "qty": 1}, {"sku": "NOPE", "qty": 1}],
            ),
            self.payload(external_ref="BATCH-3", customer=new_customer),
            self.payload(external_ref="BATCH-4"),
        ]
        first, failed, second, mapped = (
            self.SaleOrder._integration_create_many_from_channel(self.system, payloads)
        )
        self.assertIsInstance(failed, UnmappedCodeError)
        self.assertEqual((failed.code, failed.pointer), ("NOPE", "/lines/1/sku"))
        # the customer created for the first order is the second one's too
        self.assertEqual(first[0].partner_id.name, "Batch Retail")
        self.assertEqual(second[0].partner_id, first[0].partner_id)
        self.assertEqual(mapped[0].partner_id, self.customer)
        self.assertEqual(mapped[0].order_line[0].product_id, self.desk)
        self.assertEqual({first[0].state, second[0].state, mapped[0].state}, {"sale"})

    def test_the_technical_user_does_not_follow_what_the_intake_creates(self):
        bot = self.salesman
        # the test classes switch the chatter off; the intake is about it here
        intake = self.SaleOrder.with_user(bot).with_context(tracking_disable=False)
        order, _created = intake._integration_create_from_channel(
            self.system, self.payload()
        )
        self.assertNotIn(bot.partner_id, order.message_partner_ids)
        self.assertIn(self.customer, order.message_partner_ids)
        self.assertNotIn(bot.partner_id, order.picking_ids.message_partner_ids)
        # one note each: the order's creation, the delivery's origin
        self.assertEqual(
            order.message_ids.mapped("body"), ["<p>Sales Order created</p>"]
        )
        self.assertEqual(len(order.picking_ids.message_ids), 1)
        self.assertIn(order.name, order.picking_ids.message_ids.body)
