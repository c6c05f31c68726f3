"""Every order message keeps the partner's reference, whatever happens to it,
and a clerk finds the message by it."""

from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_api_orders import OrdersApiCase


@tagged("post_install", "-at_install")
class TestOrderMessagesKeepTheReference(OrdersApiCase):
    def message_of(self, response):
        return self.env["integration.api.message"].search(
            [("correlation_id", "=", response.headers["X-Request-Id"])]
        )

    def post(self, ref, expected_status, **body):
        response = self.call(
            "POST", "/orders", self.order_body(external_ref=ref, **body)
        )
        self.assertEqual(response.status_code, expected_status, response.text)
        return self.message_of(response)

    def test_immediate_created(self):
        message = self.post("REF-OK", 201)
        self.assertEqual((message.state, message.reference), ("done", "REF-OK"))

    def test_immediate_waiting_for_a_fix(self):
        message = self.post("REF-FIX", 202, lines=[{"sku": "SKU-NOBODY", "qty": 1}])
        self.assertEqual((message.state, message.reference), ("needs_fix", "REF-FIX"))
        # and the order's status says so, by that reference
        status = self.call("GET", "/orders/REF-FIX").json()
        self.assertEqual(
            (status["status"], status["message_id"]), ("on_hold", message.id)
        )

    def test_queued(self):
        response = self.call(
            "POST",
            "/orders",
            self.order_body(external_ref="REF-Q"),
            headers={"Prefer": "respond-async"},
        )
        self.assertEqual(response.status_code, 202, response.text)
        message = self.message_of(response)
        self.assertEqual((message.state, message.reference), ("queued", "REF-Q"))

    def test_crashed(self):
        sale_order_cls = type(self.env["sale.order"])
        with (
            patch.object(
                sale_order_cls,
                "_integration_create_from_channel",
                side_effect=ValueError("boom"),
            ),
            mute_logger(
                "odoo.addons.integration_api.models.integration_api_dispatcher"
            ),
        ):
            message = self.post("REF-CRASH", 500)
        self.assertEqual((message.state, message.reference), ("failed", "REF-CRASH"))

    def test_found_by_reference_in_the_message_list(self):
        fix = self.post("REF-FIND-1", 202, lines=[{"sku": "SKU-NOBODY", "qty": 1}])
        self.post("REF-OTHER", 201)
        Message = self.env["integration.api.message"]
        self.assertEqual(Message.search([("reference", "ilike", "find-1")]), fix)
        arch = Message.get_views([(False, "search")])["views"]["search"]["arch"]
        self.assertIn('name="reference"', arch)
