"""``order.cancelled`` from ``POST /api/v1/orders/{ref}/cancel`` over real
HTTP: the event names the system that asked."""

from odoo.tests import tagged

from .test_api_orders import OrdersApiCase


@tagged("post_install", "-at_install")
class TestOrderEventsApi(OrdersApiCase):
    def test_cancel_request_writes_order_cancelled_for_the_order_system(self):
        created = self.call("POST", "/orders", self.order_body()).json()
        response = self.call("POST", "/orders/WEB-500/cancel")
        self.assertEqual(response.status_code, 200, response.text)
        self.env.cr.flush()
        [event] = self.env["integration.event"].search(
            [("type", "=", "order.cancelled"), ("res_id", "=", created["id"])]
        )
        self.assertEqual(event.state, "published", event.data)
        self.assertEqual(event.system_id, self.system)
        self.assertEqual(event.correlation_id, response.headers["X-Request-Id"])
        self.assertEqual(event.data["requested_by"], self.system.code)
        self.assertEqual(event.data["external_ref"], "WEB-500")
        self.assertEqual(event.data["lines"][0]["product"]["partner_sku"], "SKU-DESK")
        # cancelling again changes nothing and writes no second event
        again = self.call("POST", "/orders/WEB-500/cancel")
        self.assertEqual(again.status_code, 200, again.text)
        self.assertEqual(
            self.env["integration.event"].search_count(
                [("type", "=", "order.cancelled"), ("res_id", "=", created["id"])]
            ),
            1,
        )
        # the order's lifecycle says so
        view = self.call("GET", "/orders/WEB-500", token=self.read_token).json()
        self.assertEqual(view["status"], "cancelled")
        self.assertIn(
            {"stage": "cancelled", "reached": True, "at": None}, view["lifecycle"]
        )
