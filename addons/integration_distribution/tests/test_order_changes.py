"""``order.changed`` and ``order.cancelled``: what becomes of a confirmed
order, written at commit and delivered to a real receiver."""

import standardwebhooks

from odoo import fields
from odoo.tests import tagged

from odoo.addons.integration_webhook.tests.common import WebhookCase
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import DistributionCase


@tagged("post_install", "-at_install")
class TestOrderChanges(DistributionCase, WebhookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.map_codes = [
            ("product", "SHOP-DESK", cls.desk),
            ("product", "SHOP-CHAIR", cls.chair),
        ]

    def setUp(self):
        super().setUp()
        for kind, code, record in self.map_codes:
            self.map(kind, code, record)
        self.order = self.make_order(integration_system_id=self.system.id)
        self.order.action_confirm()
        self.env.cr.flush()

    def test_quantity_and_new_line_make_one_event_in_the_partner_codes(self):
        desk_line = self.order.order_line.filtered(
            lambda line: line.product_id == self.desk
        )
        desk_line.product_uom_qty = 3
        desk_line.product_uom_qty = 5  # a second change: still one event
        self.order.write(
            {"order_line": [(0, 0, {"product_id": self.wine.id, "product_uom_qty": 1})]}
        )
        [event] = self.events("order.changed", self.order)
        self.assertEqual(event.state, "published", event.data)
        self.assertEqual(event.system_id, self.system)
        self.assertEqual(event.subject, f"orders/{self.order.name}")
        data = event.data
        self.assertEqual(data["order_ref"], self.order.name)
        changes = {c["product"]["name"]: c for c in data["changes"]}
        self.assertEqual(set(changes), {"Test desk", "Test wine"})
        desk = changes["Test desk"]
        self.assertEqual(
            (desk["change"], desk["previous_quantity"], desk["quantity"]),
            ("quantity", 2.0, 5.0),
        )
        self.assertEqual(desk["product"]["partner_sku"], "SHOP-DESK")
        self.assertEqual(changes["Test wine"]["change"], "added")
        self.assertEqual(changes["Test wine"]["previous_quantity"], 0.0)
        # the order as it is now, in the order.accepted shape
        self.assertEqual(len(data["lines"]), 3)
        self.assertEqual(data["date_changes"], [])

    def test_promised_date_moved(self):
        self.order.commitment_date = fields.Datetime.to_datetime("2026-04-01 00:00:00")
        [event] = self.events("order.changed", self.order)
        [change] = event.data["date_changes"]
        self.assertEqual(change["field"], "commitment_date")
        self.assertIsNone(change["previous"])
        self.assertEqual(change["value"], "2026-04-01T00:00:00Z")
        self.assertEqual(event.data["changes"], [])

    def test_undone_change_and_draft_orders_send_nothing(self):
        line = self.order.order_line[0]
        line.product_uom_qty += 1
        line.product_uom_qty -= 1
        draft = self.make_order()
        draft.order_line[0].product_uom_qty = 9
        draft.commitment_date = fields.Datetime.now()
        self.assertFalse(self.events("order.changed", self.order | draft))

    def test_cancel_after_confirmation_sends_cancelled_not_changed(self):
        self.order.order_line[0].product_uom_qty = 7
        self.order.with_context(disable_cancel_warning=True).action_cancel()
        self.assertFalse(self.events("order.changed", self.order))
        [event] = self.events("order.cancelled", self.order)
        self.assertEqual(event.state, "published", event.data)
        data = event.data
        self.assertEqual(data["order_ref"], self.order.name)
        self.assertIsNone(data["requested_by"])
        self.assertEqual(
            sorted(line["product"]["partner_sku"] for line in data["lines"]),
            ["SHOP-CHAIR", "SHOP-DESK"],
        )
        # a draft cancelled is no order.cancelled: it was never announced
        draft = self.make_order()
        draft.action_cancel()
        self.assertFalse(self.events("order.cancelled", draft))

    def test_change_reaches_a_real_receiver_signed(self):
        changed = self.env.ref("integration_distribution.event_type_order_changed")
        subscription = self.subscribe(
            name="Shop changes", event_type_ids=[(6, 0, changed.ids)]
        )
        with trap_jobs():
            self.order.order_line[0].product_uom_qty = 4
            self.env.cr.flush()
        [event] = self.events("order.changed", self.order)
        self.assertEqual(subscription.delivery_ids.event_id, event)
        self.drain(subscription)
        [request] = self.receiver.received
        payload = standardwebhooks.Webhook(subscription.secret_ids._plaintext()).verify(
            request.body, request.headers
        )
        self.assertEqual(payload["type"], "order.changed")
        self.assertEqual(payload["data"]["changes"][0]["quantity"], 4.0)
