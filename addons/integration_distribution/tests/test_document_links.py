"""One click between the integration records and the business documents, and
technical users that are enough to take orders (and no more)."""

from odoo import fields
from odoo.tests import new_test_user, tagged

from .test_api_orders import OrdersApiCase


def create_queued_order(case, ref):
    """An order taken in through a queued message (which keeps the partner's
    reference), processed as the clerk's *Process now* does."""
    response = case.call(
        "POST",
        "/orders",
        case.order_body(external_ref=ref),
        headers={"Prefer": "respond-async"},
    )
    case.assertEqual(response.status_code, 202, response.text)
    message = case.env["integration.api.message"].browse(response.json()["message_id"])
    message.action_reprocess()
    case.assertEqual(message.state, "done", message.error)
    return case.env["sale.order"].search(
        [
            ("integration_system_id", "=", case.system.id),
            ("integration_external_ref", "=", ref),
        ]
    )


@tagged("post_install", "-at_install")
class TestDocumentLinks(OrdersApiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.subscription = cls.env["integration.subscription"].create(
            {
                "name": "Links shadow",
                "system_id": cls.system.id,
                "target_url": "https://shop.example.com/hooks/odoo",
                "event_type_ids": [
                    fields.Command.set(
                        cls.env.ref(
                            "integration_distribution.event_type_order_accepted"
                        ).ids
                    )
                ],
                "shadow_mode": True,
            }
        )
        cls.salesman_plain = new_test_user(
            cls.env,
            login="links_plain_salesman",
            groups="sales_team.group_sale_salesman",
        )

    def _create_order(self, ref):
        return create_queued_order(self, ref)

    def test_message_event_delivery_exception_open_the_order(self):
        order = self._create_order("LINK-1")
        message = self.env["integration.api.message"].search(
            [("system_id", "=", self.system.id), ("reference", "=", "LINK-1")]
        )
        self.assertEqual(message.record_ref, order)
        self.assertEqual(message.record_model_name, "Sales Order")
        action = message.action_open_document()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("sale.order", order.id)
        )
        [event] = self.env["integration.event"].search(
            [
                ("type", "=", "order.accepted"),
                ("res_model", "=", "sale.order"),
                ("res_id", "=", order.id),
            ]
        )
        self.assertEqual(event.record_ref, order)
        delivery = self.subscription.delivery_ids.filtered(
            lambda d: d.event_id == event
        )
        self.assertTrue(delivery)
        self.assertEqual(delivery.record_ref, order)
        self.assertEqual(delivery.action_open_document()["res_id"], order.id)
        exception = self.env["integration.exception"].report(
            kind="other",
            title="Look at it",
            fingerprint="links-1",
            system=self.system,
            source=message,
        )
        self.assertEqual(
            exception.record_ref, order, "through the message it came from"
        )
        # a record that is gone leaves no dangling link
        other = self._create_order("LINK-2")
        message_2 = self.env["integration.api.message"].search(
            [("reference", "=", "LINK-2")]
        )
        message_2.res_ids = str(other.id + 10**6)
        message_2.invalidate_recordset(["record_ref"])
        self.assertFalse(message_2.record_ref)
        self.assertFalse(message_2.action_open_document())

    def test_order_and_picking_smart_buttons(self):
        order = self._create_order("LINK-3")
        self._create_order("LINK-4")  # another order's records are not counted
        # a message kept under the order's reference (e.g. a resend that waited)
        self.env["integration.api.message"].create(
            {
                "system_id": self.system.id,
                "route": "POST /orders",
                "path": "/api/v1/orders",
                "body": self.order_body(external_ref="LINK-3"),
                "state": "rejected",
                "reference": "LINK-3",
            }
        )
        order.invalidate_recordset()
        self.assertEqual(order.integration_message_count, 2)
        self.assertEqual(
            order.integration_event_count,
            self.env["integration.event"].search_count(
                [("res_model", "=", "sale.order"), ("res_id", "=", order.id)]
            ),
        )
        self.assertGreaterEqual(order.integration_event_count, 1)
        self.assertEqual(
            order.integration_delivery_count,
            self.env["integration.delivery"].search_count(
                [
                    ("event_id.res_model", "=", "sale.order"),
                    ("event_id.res_id", "=", order.id),
                ]
            ),
        )
        self.assertIn(
            self.subscription,
            self.env["integration.delivery"]
            .search(order.action_view_integration_deliveries()["domain"])
            .subscription_id,
        )
        messages = self.env["integration.api.message"].search(
            order.action_view_integration_messages()["domain"]
        )
        self.assertEqual(set(messages.mapped("reference")), {"LINK-3"})
        deliveries = self.env["integration.delivery"].search(
            order.action_view_integration_deliveries()["domain"]
        )
        self.assertEqual(deliveries.event_id.res_id, order.id)
        events = self.env["integration.event"].search(
            order.action_view_integration_events()["domain"]
        )
        self.assertEqual(set(events.mapped("res_id")), {order.id})
        # the picking's events are the order's too
        picking = order.picking_ids[:1]
        self.assertTrue(picking)
        picking_event = self.env["integration.event"]._emit(
            "integration.ping", {"message": "picking"}, record=picking
        )
        order.invalidate_recordset()
        picking.invalidate_recordset()
        self.assertIn(
            picking_event,
            self.env["integration.event"].search(
                order.action_view_integration_events()["domain"]
            ),
        )
        self.assertEqual(picking.integration_event_count, 1)
        self.assertEqual(picking.integration_message_count, 0)
        # the buttons are for integration users only
        self.assertNotIn(
            "integration_message_count",
            order.with_user(self.salesman_plain).fields_get(),
        )


@tagged("post_install", "-at_install")
class TestTechnicalUsersTakeOrders(OrdersApiCase):
    def test_wizard_user_is_enough_for_orders(self):
        system = self.env["integration.system"].create(
            {
                "name": "Wizard shop",
                "code": "wizard_shop",
                "kind": "web_shop",
                "state": "active",
            }
        )
        self.env["integration.mapping"].create(
            [
                {
                    "system_id": system.id,
                    "kind": "customer",
                    "external_code": "C-1",
                    "res_id": self.customer.id,
                },
                {
                    "system_id": system.id,
                    "kind": "product",
                    "external_code": "SKU-DESK",
                    "res_id": self.desk.id,
                },
            ]
        )
        token = self.make_token(["orders:write", "orders:read"], system=system)
        wizard = self.env["integration.system.user.wizard"].create(
            {"system_id": system.id}
        )
        self.assertEqual(
            wizard.scope_ids.mapped("code"), ["orders:read", "orders:write"]
        )
        self.assertEqual(
            set(wizard.group_ids.ids),
            {
                self.env.ref(xmlid).id
                for xmlid in (
                    "base.group_user",
                    "sales_team.group_sale_salesman",
                    "stock.group_stock_user",
                )
            },
        )
        wizard.action_create_user()
        user = system.user_id
        self.assertFalse(user.has_group("sales_team.group_sale_salesman_all_leads"))
        self.assertFalse(user.has_group("base.group_system"))
        response = self.call(
            "POST", "/orders", self.order_body(external_ref="WIZ-1"), token=token
        )
        self.assertEqual(response.status_code, 201, response.text)
        order = self.env["sale.order"].browse(response.json()["id"])
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.user_id, user)
        self.assertEqual(
            self.call("GET", "/orders/WIZ-1", token=token).status_code, 200
        )

    def test_demo_web_shop_takes_orders_with_its_demo_user(self):
        shop = self.env.ref(
            "integration_core.demo_system_webshop", raise_if_not_found=False
        )
        if not shop or not self.env.ref("base.res_partner_2", raise_if_not_found=False):
            self.skipTest("demo data not loaded")
        user = shop.user_id
        self.assertTrue(user, "the demo web shop has a technical user")
        self.assertFalse(user._is_system())
        self.assertFalse(user.has_group("base.group_erp_manager"))
        token = self.make_token(["orders:write"], system=shop)
        response = self.call(
            "POST",
            "/orders",
            {
                "external_ref": "DEMO-WIZ-1",
                "customer": {"code": "CUST-DECO"},
                "lines": [{"sku": "SHOP-DESK-CUSTOM", "qty": 1}],
            },
            token=token,
        )
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(
            self.env["sale.order"].browse(response.json()["id"]).user_id, user
        )
