"""The first hour of an admin (issue 10): what to give the partner, a test
send that stays a test, attempts and buttons that say what they are."""

import doctest
import json

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from ..tools import pretty
from .common import WebhookCase


class FirstHourCase(WebhookCase):
    def emit_and_drain(self, subscription):
        with trap_jobs():
            event = self.emit()
        self.drain(subscription)
        return event, subscription.delivery_ids.filtered(lambda d: d.event_id == event)


@tagged("post_install", "-at_install")
class TestWhatThePartnerGets(FirstHourCase):
    def reveal_form(self, action):
        """The dialog as the web client fills it (defaults from the context)."""
        self.assertEqual(action["res_model"], "integration.secret.reveal")
        self.assertNotIn("res_id", action, "an unsaved form: nothing stored")
        wizard = self.env["integration.secret.reveal"].with_user(
            self.integration_manager
        )
        return Form(wizard.with_context(**action["context"]))

    def test_v1a_shows_the_public_key_never_the_private_one(self):
        subscription = self.subscribe(signing_scheme="v1a")
        secret = subscription.secret_ids
        private = secret._plaintext()
        as_manager = subscription.with_user(self.integration_manager)
        self.assertTrue(as_manager.secret_to_show)
        action = as_manager.action_reveal_new_secret()
        self.assertEqual(action["name"], "Public key")
        self.assertNotIn(private, json.dumps(action, default=str))
        form = self.reveal_form(action)
        self.assertEqual(form.scheme, "v1a")
        self.assertTrue(form.public_key.startswith("whpk_"))
        self.assertEqual(form.public_key, secret.public_key)
        self.assertEqual(
            form.public_keys_url,
            f"{subscription.get_base_url()}/integration/webhooks/{subscription.uuid}/keys.json",
        )
        self.assertFalse(form.plaintext)
        # the public key is no secret: asking again shows it again
        again = self.reveal_form(as_manager.action_reveal_new_secret())
        self.assertEqual(again.public_key, secret.public_key)
        # after a rotation: the new public key
        rotated = self.reveal_form(as_manager.action_rotate_secret())
        self.assertNotEqual(rotated.public_key, secret.public_key)
        self.assertTrue(rotated.public_key.startswith("whpk_"))

    def test_v1_shows_the_secret_once_then_hides_the_button(self):
        subscription = self.subscribe()
        as_manager = subscription.with_user(self.integration_manager)
        self.assertTrue(as_manager.secret_to_show)
        form = self.reveal_form(as_manager.action_reveal_new_secret())
        self.assertEqual(form.scheme, "v1", "the scheme label is filled")
        self.assertEqual(form.plaintext, subscription.secret_ids._plaintext())
        self.assertTrue(form.plaintext.startswith("whsec_"))
        subscription.invalidate_recordset(["secret_to_show"])
        self.assertFalse(as_manager.secret_to_show, "Show secret is hidden once used")
        with self.assertRaisesRegex(UserError, "Rotate secret"):
            as_manager.action_reveal_new_secret()


@tagged("post_install", "-at_install")
class TestTestSendStaysATest(FirstHourCase):
    def test_a_failed_test_send_is_one_final_attempt(self):
        subscription = self.subscribe(retry_schedule="60,60,60")
        self.receiver.set_default(500)
        action = subscription.action_send_test_event()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("HTTP 500", action["params"]["message"])
        delivery = subscription.delivery_ids
        self.assertTrue(delivery.is_test)
        self.assertEqual(delivery.state, "cancelled")
        self.assertFalse(delivery.next_attempt_at)
        self.assertEqual(delivery.attempt_ids.outcome, "failed")
        self.assertEqual(subscription.pending_count, 0)
        self.assertEqual(subscription.dead_count, 0)
        self.assertFalse(
            self.env["integration.exception"].search(
                [("fingerprint", "=", f"dead-deliveries:{subscription.id}")]
            )
        )
        self.assertEqual(len(self.receiver.received), 1, "one attempt, no retry")

    def test_a_dead_delivery_last_attempt_is_final(self):
        subscription = self.subscribe(retry_schedule="1")
        self.receiver.set_default(500)
        _event, delivery = self.emit_and_drain(subscription)
        self.make_due(delivery)
        self.drain(subscription)
        self.assertEqual(delivery.state, "dead")
        self.assertEqual(
            delivery.attempt_ids.sorted("number").mapped("outcome"), ["retry", "failed"]
        )
        labels = dict(
            self.env["integration.delivery.attempt"]
            ._fields["outcome"]
            ._description_selection(self.env)
        )
        self.assertIn("final", labels["failed"])


@tagged("post_install", "-at_install")
class TestReadableDeliveries(FirstHourCase):
    def test_payload_and_response_are_pretty_printed(self):
        subscription = self.subscribe()
        self.receiver.set_default(200)
        _event, delivery = self.emit_and_drain(subscription)
        self.assertIn('\n  "type": "integration.ping"', delivery.payload_text)
        self.assertIn('"type":"integration.ping"', delivery.payload_preview, "as sent")
        attempt = delivery.attempt_ids
        attempt.response_excerpt = '{"ok":true}'
        self.assertEqual(attempt.response_text, '{\n  "ok": true\n}')

    def test_pretty_doctests(self):
        self.assertEqual(doctest.testmod(pretty).failed, 0)

    def test_each_smart_button_opens_what_it_counts(self):
        subscription = self.subscribe()
        for state in ("pending", "dead", "delivered"):
            action = subscription.with_context(
                delivery_state=state
            ).action_view_deliveries()
            self.assertEqual(action["context"].get(f"search_default_{state}"), 1, state)
            self.assertEqual(
                action["domain"], [("subscription_id", "=", subscription.id)]
            )
        view = self.env.ref("integration_webhook.integration_subscription_view_form")
        arch = view.arch_db
        for state in ("pending", "dead", "delivered"):
            self.assertIn(f"'delivery_state': '{state}'", arch)
