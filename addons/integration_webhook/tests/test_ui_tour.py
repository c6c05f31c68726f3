"""The subscription screens in a real browser (Odoo's web client in
headless Chromium), with a real receiver on 127.0.0.1."""

import standardwebhooks

from odoo.tests import HttpCase, tagged
from odoo.tools import config

from odoo.addons.integration_core.tools import secret_box

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
        payload = standardwebhooks.Webhook(secret).verify(
            received.body, received.headers
        )
        self.assertEqual(payload["type"], "integration.ping")

    def test_admin_gets_the_public_key_of_a_v1a_subscription(self):
        self.start_tour(
            "/odoo/action-integration_webhook.integration_subscription_action",
            "integration_v1a_subscription_tour",
            login="admin",
        )
        created = self.env["integration.subscription"].search(
            [("name", "=", "Partner with public keys")]
        )
        self.assertEqual(created.signing_scheme, "v1a")
        self.assertTrue(created.secret_ids.public_key.startswith("whpk_"))

    def test_no_key_alarm_when_the_key_is_configured(self):
        self.assertTrue((config.get(secret_box.CONFIG_KEY) or "").strip())
        self.start_tour(
            "/odoo/action-integration_core.integration_settings_action",
            "integration_key_configured_tour",
            login="admin",
            timeout=180,  # two pages, the settings are slow to build
        )

    def test_key_alarm_when_the_key_is_missing(self):
        saved = config.get(secret_box.CONFIG_KEY)
        config[secret_box.CONFIG_KEY] = ""
        self.addCleanup(config.__setitem__, secret_box.CONFIG_KEY, saved)
        self.start_tour(
            "/odoo/action-integration_core.integration_settings_action",
            "integration_key_missing_tour",
            login="admin",
            timeout=180,  # two pages, the settings are slow to build
        )

    def test_failed_test_send_leaves_no_pending_delivery_and_no_exception(self):
        self.receiver.server.received.clear()
        self.receiver.set_default(500)
        self.addCleanup(self.receiver.set_default, 200)
        self.start_tour(
            "/odoo/action-integration_webhook.integration_subscription_action",
            "integration_failed_test_send_tour",
            login="admin",
        )
        self.assertEqual(len(self.receiver.received), 1, "one attempt")
        deliveries = self.local.delivery_ids
        self.assertEqual(deliveries.mapped("state"), ["cancelled"])
        self.assertEqual(deliveries.attempt_ids.outcome, "failed")
        self.assertFalse(
            self.env["integration.delivery"].search(
                [("subscription_id", "=", self.local.id), ("state", "=", "pending")]
            )
        )
        self.assertFalse(
            self.env["integration.exception"].search(
                [
                    ("source_model", "=", "integration.subscription"),
                    ("source_id", "=", self.local.id),
                ]
            )
        )
