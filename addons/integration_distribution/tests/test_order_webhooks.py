"""The whole outbound path on a real business flow: confirming a sale order."""

import json

import standardwebhooks

from odoo.tests import tagged

from odoo.addons.integration_webhook.tests.common import WebhookCase
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import DistributionCase


@tagged("post_install", "-at_install")
class TestOrderWebhooks(DistributionCase, WebhookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accepted = cls.env.ref("integration_distribution.event_type_order_accepted")

    def subscribe_orders(self, **values):
        values.setdefault("event_type_ids", [(6, 0, self.accepted.ids)])
        return self.subscribe(**values)

    def test_confirming_writes_event_deliveries_and_jobs_in_its_transaction(self):
        everyone = self.subscribe_orders(name="Shop")
        big_only = self.subscribe_orders(
            name="Big orders", filter_domain="[('amount_total', '>', 5000)]"
        )
        order = self.make_order(user_id=self.salesman.id)
        with trap_jobs() as trap:
            order.with_user(self.salesman).action_confirm()
        [event] = self.events("order.accepted", order)
        self.assertEqual(everyone.delivery_ids.event_id, event)
        self.assertFalse(big_only.delivery_ids, "filtered out: no delivery")
        self.assertEqual([job.recordset for job in trap.enqueued_jobs], [everyone])
        self.drain(everyone)
        [request] = self.receiver.received
        payload = standardwebhooks.Webhook(everyone.secret_ids._plaintext()).verify(
            request.body, request.headers
        )
        self.assertEqual(payload["type"], "order.accepted")
        self.assertEqual(payload["subject"], f"orders/{order.name}")
        self.assertEqual(payload["data"], event.data)

    def test_rolled_back_confirmation_sends_nothing(self):
        shop = self.subscribe_orders(name="Shop")
        order = self.make_order()
        job_key = f"integration_webhook.drain-{shop.id}-%"
        with self.assertRaises(RuntimeError), self.env.cr.savepoint():
            order.action_confirm()
            # the job really is stored in this transaction...
            self.assertTrue(
                self.env["queue.job"].search([("identity_key", "=like", job_key)])
            )
            raise RuntimeError("the user's transaction fails after the confirmation")
        # ...and goes away with it
        self.assertFalse(
            self.env["queue.job"].search([("identity_key", "=like", job_key)])
        )
        self.assertFalse(self.events("order.accepted", order))
        shop.invalidate_recordset()
        self.assertFalse(shop.delivery_ids)
        self.assertEqual(self.receiver.received, [])

    def test_shadow_subscription_shows_the_payload(self):
        shadow = self.subscribe_orders(name="Dual run", shadow_mode=True)
        order = self.make_order()
        with trap_jobs():
            order.action_confirm()
        self.assertEqual(shadow.delivery_ids.state, "shadow")
        self.assertEqual(
            json.loads(shadow.delivery_ids.payload_preview)["data"]["order_ref"],
            order.name,
        )
