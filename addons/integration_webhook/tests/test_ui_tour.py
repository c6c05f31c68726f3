"""The subscription screens in a real browser (Odoo's web client in
headless Chromium), with a real receiver on 127.0.0.1."""

import standardwebhooks

from odoo.tests import HttpCase, tagged

from .common import set_up_local_receiver


@tagged("post_install", "-at_install")
class TestSubscriptionTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_up_local_receiver(cls)
        cls.local = cls.env["integration.subscription"].create(
            {
                "name": "Tour receiver",
                "target_url": cls.receiver.url,
                "event_type_ids": [(6, 0, cls.ping.ids)],
            }
        )

    def test_admin_subscribes_an_endpoint_and_sends_a_test_event(self):
        self.start_tour(
            "/odoo/action-integration_webhook.integration_subscription_action",
            "integration_subscription_tour",
            login="admin",
        )
        created = self.env["integration.subscription"].search(
            [("name", "=", "Shop order updates")]
        )
        self.assertEqual(created.target_url, "https://hooks.example.com/odoo")
        self.assertEqual(created.event_type_ids, self.ping)
        self.assertTrue(created.secret_ids.revealed)
        # the test event reached the receiver, signed with the local endpoint's secret
        (received,) = self.receiver.received
        secret = self.local.secret_ids[:1]._plaintext()
        payload = standardwebhooks.Webhook(secret).verify(received.body, received.headers)
        self.assertEqual(payload["type"], "integration.ping")
