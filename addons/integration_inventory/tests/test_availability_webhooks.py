"""availability.changed through a real webhook subscription and receiver."""

import standardwebhooks

from odoo.tests import tagged

from odoo.addons.integration_webhook.tests.common import WebhookCase
from odoo.addons.integration_webhook.tools.sender import SendResult

from .common import InventoryCase


@tagged("post_install", "-at_install")
class TestAvailabilityWebhooks(InventoryCase, WebhookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.changed = cls.env.ref(
            "integration_inventory.event_type_availability_changed"
        )
        cls.other = cls.env["integration.system"].create(
            {
                "name": "Other channel",
                "code": "other_channel",
                "state": "active",
                "availability_publish": True,
            }
        )

    def test_each_channel_hears_its_own_figures_signed(self):
        own = self.subscribe(name="Own", event_type_ids=[(6, 0, self.changed.ids)])
        other = self.subscribe(
            name="Other",
            event_type_ids=[(6, 0, self.changed.ids)],
            system_id=self.other.id,
        )
        self.put_in_stock(self.lamp, 6)
        self.env.cr.flush()
        self.env["integration.availability.dirty"]._drain()
        own_events = own.delivery_ids.event_id
        self.assertEqual(own_events.system_id, self.system)
        self.assertEqual(other.delivery_ids.event_id.system_id, self.other)
        self.assertFalse(own_events & other.delivery_ids.event_id)
        # the stock change half a minute before the drain: freshness must show it
        own.delivery_ids.flush_recordset()
        self.env.cr.execute(
            "UPDATE integration_delivery"
            "   SET stock_changed_at = stock_changed_at - interval '30 seconds'"
            " WHERE id IN %s",
            (tuple(own.delivery_ids.ids),),
        )
        own.delivery_ids.invalidate_recordset(["stock_changed_at"])
        self.drain(own)
        self.assertTrue(self.receiver.received)
        payloads = [
            standardwebhooks.Webhook(own.secret_ids._plaintext()).verify(
                r.body, r.headers
            )
            for r in self.receiver.received
        ]
        lamp = [p for p in payloads if p["data"]["product"]["id"] == self.lamp.id]
        self.assertEqual(lamp[0]["type"], "availability.changed")
        self.assertEqual(lamp[0]["data"]["figures"]["on_hand"], 6.0)
        delivery = own.delivery_ids.filtered(
            lambda d: d.event_id.res_id == self.lamp.id
        )[:1]
        self.assertEqual(delivery.state, "delivered")
        self.assertTrue(delivery.stock_changed_at)
        # stored in the database, from the delivered_at the drain recorded
        delivery.env.flush_all()
        self.env.cr.execute(
            "SELECT freshness_seconds, delivered_at, stock_changed_at"
            "  FROM integration_delivery WHERE id = %s",
            (delivery.id,),
        )
        stored, delivered_at, changed_at = self.env.cr.fetchone()
        self.assertTrue(delivered_at)
        self.assertGreaterEqual(stored, 29.0)
        self.assertAlmostEqual(
            stored, max(0.0, (delivered_at - changed_at).total_seconds()), places=3
        )

    def test_recording_recomputes_freshness_only_of_stock_changes(self):
        """A delivery that reports no stock change keeps its freshness of 0
        without a recompute (one per recorded delivery otherwise, each
        rewritten at the commit)."""
        subscription = self.subscribe(name="Pings")
        self.emit()
        delivery = subscription.delivery_ids
        self.assertFalse(delivery.stock_changed_at)
        field = delivery._fields["freshness_seconds"]
        delivery._record_results([(delivery, SendResult("success", status=200))])
        self.assertEqual(delivery.state, "delivered")
        self.assertNotIn(delivery.id, self.env.transaction.tocompute.get(field, ()))
        self.assertEqual(delivery.freshness_seconds, 0.0)
