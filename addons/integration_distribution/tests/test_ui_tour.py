"""The back office in a real browser: Odoo's web client, the views of the
queued order intake, a click on *Process now*."""

from odoo.tests import tagged

from .test_api_orders import OrdersApiCase


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
