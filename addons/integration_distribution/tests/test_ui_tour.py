"""The back office in a real browser (Odoo's web client in headless
Chromium): the queued order intake, and the exception dashboard where staff
fix what a partner sent."""

from odoo.tests import new_test_user, tagged

from .test_api_orders import OrdersApiCase
from .test_document_links import create_queued_order


@tagged("post_install", "-at_install")
class TestQueuedIntakeTour(OrdersApiCase):
    def test_clerk_processes_a_queued_order_and_admin_switches_the_intake(self):
        message = self.env["integration.api.message"].create(
            {
                "system_id": self.system.id,
                "company_id": self.system.company_id.id,
                "route": "POST /orders",
                "path": "/api/v1/orders",
                "body": self.order_body(external_ref="TOUR-ORDER-1"),
                "state": "queued",
                "reference": "TOUR-ORDER-1",
            }
        )
        self.start_tour(
            "/odoo/action-integration_api.integration_api_message_action",
            "integration_queued_intake_tour",
            login="admin",
        )
        self.assertEqual(message.state, "done")
        order = self.env["sale.order"].search(
            [
                ("integration_system_id", "=", self.system.id),
                ("integration_external_ref", "=", "TOUR-ORDER-1"),
            ]
        )
        self.assertEqual(order.state, "sale")
        self.assertEqual(self.system.order_intake_mode, "queued")

    def test_staff_fix_an_unknown_sku_from_the_exception(self):
        response = self.call(
            "POST",
            "/orders",
            self.order_body(
                external_ref="TOUR-ORDER-2", lines=[{"sku": "SKU-TOUR-NEW", "qty": 2}]
            ),
        )
        self.assertEqual(response.status_code, 202, response.text)
        message = self.env["integration.api.message"].browse(
            response.json()["message_id"]
        )
        self.assertEqual(message.state, "needs_fix")
        self.start_tour(
            "/odoo/action-integration_core.integration_exception_action",
            "integration_exception_fix_tour",
            login="admin",
        )
        mapping = self.env["integration.mapping"].search(
            [("system_id", "=", self.system.id), ("external_code", "=", "SKU-TOUR-NEW")]
        )
        self.assertEqual(mapping.res_id, self.desk.id)
        self.assertEqual(message.state, "done")
        self.assertEqual(message.exception_id.state, "resolved")
        order = self.env["sale.order"].search(
            [
                ("integration_system_id", "=", self.system.id),
                ("integration_external_ref", "=", "TOUR-ORDER-2"),
            ]
        )
        self.assertEqual(order.order_line.product_id, self.desk)


@tagged("post_install", "-at_install")
class TestMessageToOrderTour(OrdersApiCase):
    def test_clerk_finds_the_message_by_reference_and_opens_the_order(self):
        for ref in ("TOUR-REF-7", "TOUR-REF-8"):
            self.assertTrue(create_queued_order(self, ref))
        new_test_user(
            self.env,
            login="integration_clerk",
            groups="integration_core.group_integration_user,"
            "sales_team.group_sale_salesman_all_leads,stock.group_stock_user",
        )
        self.start_tour(
            "/odoo/action-integration_api.integration_api_message_action",
            "integration_message_to_order_tour",
            login="integration_clerk",
        )


@tagged("post_install", "-at_install")
class TestExceptionClerkTours(OrdersApiCase):
    """A clerk (integration user, nothing more) fixes what partners sent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = new_test_user(
            cls.env,
            login="integration_clerk_tour",
            name="Clara Clerk",
            groups="integration_core.group_integration_user",
        )

    def send(self, ref, sku, qty=1):
        response = self.call(
            "POST",
            "/orders",
            self.order_body(external_ref=ref, lines=[{"sku": sku, "qty": qty}]),
        )
        self.assertEqual(response.status_code, 202, response.text)
        return self.env["integration.api.message"].browse(response.json()["message_id"])

    def test_clerk_maps_an_unknown_sku_from_a_ranked_candidate(self):
        Product = self.env["product.product"]
        lamp = Product.create(
            {"name": "Reading lamp", "default_code": "LAMP-7", "type": "consu"}
        )
        Product.create(
            {"name": "Lamp shade 7", "default_code": "SHADE-7", "type": "consu"}
        )
        messages = [self.send(f"TOUR-LAMP-{n}", "lamp 7", n) for n in (1, 2, 3)]
        self.start_tour(
            "/odoo/action-integration_core.integration_exception_action",
            "integration_exception_candidate_tour",
            login="integration_clerk_tour",
        )
        self.assertEqual({m.state for m in messages}, {"done"})
        orders = self.env["sale.order"].search(
            [
                ("integration_system_id", "=", self.system.id),
                ("integration_external_ref", "like", "TOUR-LAMP-"),
            ]
        )
        self.assertEqual(len(orders), 3, "every waiting order was created")
        self.assertEqual(orders.order_line.product_id, lamp)
        self.assertEqual(
            sorted(orders.order_line.mapped("product_uom_qty")), [1.0, 2.0, 3.0]
        )

    def test_clerk_corrects_a_declared_field_and_reprocesses(self):
        message = self.send("TOUR-TYPO-1", "SKU-DSEK", 2)
        self.start_tour(
            "/odoo/action-integration_core.integration_exception_action",
            "integration_exception_edit_tour",
            login="integration_clerk_tour",
        )
        self.assertEqual(message.state, "done")
        self.assertEqual(message.edit_log_ids.user_id, self.clerk)
        self.assertEqual(message.edit_log_ids.before, "SKU-DSEK")
        self.assertEqual(message.edit_log_ids.after, "SKU-DESK")
        order = self.env["sale.order"].search(
            [("integration_external_ref", "=", "TOUR-TYPO-1")]
        )
        self.assertEqual(order.order_line.product_id, self.desk)
