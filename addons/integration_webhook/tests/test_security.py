import standardwebhooks

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import WebhookCase


@tagged("post_install", "-at_install")
class TestWebhookSecurity(WebhookCase):
    def test_secret_encrypted_at_rest_and_shown_once(self):
        subscription = self.subscribe()
        plaintext = subscription.secret_ids._plaintext()
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT secret_encrypted FROM integration_subscription_secret WHERE id = %s",
            subscription.secret_ids.ids,
        )
        self.assertNotIn(plaintext[6:], self.env.cr.fetchone()[0])
        reveal = self.env["integration.secret.reveal"].search_count([])
        action = subscription.with_user(
            self.integration_manager
        ).action_reveal_new_secret()
        self.assertEqual(action["context"]["default_plaintext"], plaintext)
        self.assertNotIn("res_id", action, "an unsaved form: nothing stored")
        self.assertEqual(self.env["integration.secret.reveal"].search_count([]), reveal)
        with self.assertRaises(UserError):
            subscription.with_user(self.integration_manager).action_reveal_new_secret()

    def test_user_sees_deliveries_never_secrets(self):
        subscription = self.subscribe()
        with trap_jobs():
            self.emit()
        self.drain(subscription)
        as_user = subscription.with_user(self.integration_user)
        self.assertTrue(as_user.read(["name", "target_url"]))
        deliveries = (
            self.env["integration.delivery"]
            .with_user(self.integration_user)
            .search([("subscription_id", "=", subscription.id)])
        )
        self.assertEqual(deliveries, subscription.delivery_ids)
        self.assertTrue(
            deliveries.attempt_ids.read(["status_code", "response_excerpt"])
        )
        with self.assertRaises(AccessError):
            as_user.secret_ids.read(["hint"])
        with self.assertRaises(AccessError):
            as_user.write({"target_url": "http://127.0.0.1:1/x"})
        with self.assertRaises(AccessError):
            as_user.action_rotate_secret()
        with self.assertRaises(AccessError):
            self.env["integration.subscription"].with_user(
                self.integration_user
            ).create(
                {
                    "name": "x",
                    "target_url": self.receiver.url,
                    "event_type_ids": [(6, 0, self.ping.ids)],
                }
            )

    def test_manager_never_reads_ciphertext(self):
        subscription = self.subscribe()
        secret = subscription.secret_ids.with_user(self.integration_manager)
        self.assertTrue(secret.read(["key_id", "hint"]))
        with self.assertRaises(AccessError):
            secret.read(["secret_encrypted"])

    def test_plain_user_cannot_replay(self):
        subscription = self.subscribe()
        with trap_jobs():
            self.emit()
        with self.assertRaises(AccessError):
            subscription.delivery_ids.with_user(self.plain_user).action_replay()

    def test_rotation_signs_with_both_until_expiry(self):
        subscription = self.subscribe()
        old = subscription.secret_ids._plaintext()
        action = subscription.with_user(self.integration_manager).action_rotate_secret()
        new = action["context"]["default_plaintext"]
        self.assertNotEqual(old, new)
        with trap_jobs():
            self.emit()
        self.drain(subscription)
        [request] = self.receiver.received
        self.assertEqual(len(request.headers["webhook-signature"].split()), 2)
        for secret in (old, new):
            standardwebhooks.Webhook(secret).verify(request.body, request.headers)
        # after the grace period only the new secret signs
        subscription.secret_ids.filtered(
            "expires_at"
        ).expires_at = "2000-01-01 00:00:00"
        with trap_jobs():
            self.emit("later")
        self.drain(subscription)
        last = self.receiver.received[-1]
        self.assertEqual(len(last.headers["webhook-signature"].split()), 1)
        standardwebhooks.Webhook(new).verify(last.body, last.headers)

    def test_secrets_never_in_attempts(self):
        subscription = self.subscribe(
            header_ids=[(0, 0, {"name": "X-Token", "value": "tok-123456"})]
        )
        plaintext = subscription.secret_ids._plaintext()
        self.receiver.set_default(500)
        with trap_jobs():
            self.emit()
        self.drain(subscription)
        attempt = subscription.delivery_ids.attempt_ids
        dumped = str(attempt.read()) + str(subscription.delivery_ids.read())
        self.assertNotIn(plaintext[6:], dumped)
        self.assertNotIn("tok-123456", dumped)
        subscription.header_ids.invalidate_recordset()
        header = subscription.header_ids.with_user(self.integration_manager)
        self.assertEqual(header.value, "********")
