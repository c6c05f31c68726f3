import json
import time
from datetime import timedelta
from unittest.mock import patch

import standardwebhooks
from cloudevents.v1.http import from_http

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from ..models import integration_delivery_queue as queue_module
from .common import WebhookCase, closed_port


@tagged("post_install", "-at_install")
class TestDelivery(WebhookCase):
    def emit_and_drain(self, subscription, message="hello"):
        with trap_jobs():
            event = self.emit(message)
        self.drain(subscription)
        return event, subscription.delivery_ids.filtered(lambda d: d.event_id == event)

    def secret_of(self, subscription):
        return subscription.secret_ids[:1]._plaintext()

    def test_delivered_signed_and_a_cloudevent(self):
        subscription = self.subscribe()
        event, delivery = self.emit_and_drain(subscription)
        self.assertEqual(delivery.state, "delivered")
        self.assertEqual(delivery.attempt_count, 1)
        self.assertEqual(delivery.attempt_ids.status_code, 200)
        [request] = self.receiver.received
        payload = standardwebhooks.Webhook(self.secret_of(subscription)).verify(
            request.body, request.headers
        )
        self.assertEqual(payload["data"], {"message": "hello"})
        self.assertEqual(request.headers["webhook-id"], f"msg_{event.uuid}")
        cloud_event = from_http(request.headers, request.body)
        self.assertEqual(cloud_event["id"], event.uuid)
        self.assertEqual(cloud_event["type"], "integration.ping")
        self.assertEqual(cloud_event["sequence"], event.sequence)

    def test_binary_answer_is_recorded(self):
        # a receiver answering with bytes PostgreSQL text cannot hold
        self.receiver.server.reply = b"ok\x00\xff done"
        self.addCleanup(setattr, self.receiver.server, "reply", None)
        subscription = self.subscribe()
        _event, delivery = self.emit_and_drain(subscription)
        self.assertEqual(delivery.state, "delivered")
        self.assertEqual(delivery.attempt_ids.response_excerpt, "ok\ufffd\ufffd done")

    def test_attempt_users_are_plain_ids_without_foreign_keys(self):
        # recording inserts attempts in bulk: no res.users check per row
        subscription = self.subscribe()
        _event, delivery = self.emit_and_drain(subscription)
        self.assertEqual(delivery.attempt_ids.create_uid, self.env.uid)
        self.assertEqual(delivery.attempt_ids.write_uid, self.env.uid)
        constraints = """
            SELECT conname FROM pg_constraint
             WHERE conrelid = 'integration_delivery_attempt'::regclass
               AND contype = 'f' ORDER BY conname
        """
        self.env.cr.execute(constraints)
        self.assertEqual(
            [name for (name,) in self.env.cr.fetchall()],
            ["integration_delivery_attempt_delivery_id_fkey"],
        )
        # a database made before keeps Odoo's keys until the update drops them
        self.env.cr.execute(
            """
            ALTER TABLE integration_delivery_attempt
              ADD CONSTRAINT integration_delivery_attempt_write_uid_fkey
              FOREIGN KEY (write_uid) REFERENCES res_users(id) ON DELETE SET NULL
            """
        )
        self.env["integration.delivery.attempt"].init()
        self.env.cr.execute(constraints)
        self.assertEqual(len(self.env.cr.fetchall()), 1)

    def test_batch_over_one_job(self):
        subscription = self.subscribe(batch_size=3)
        with trap_jobs():
            for index in range(5):
                self.emit(f"m{index}")
        with trap_jobs() as trap:
            subscription._drain()
        self.assertEqual(len(self.receiver.received), 3)
        # the rest goes in a follow-up job, enqueued by the first one
        trap.assert_jobs_count(1, only=subscription._drain)
        self.drain(subscription)
        self.assertEqual(len(self.receiver.received), 5)
        self.assertEqual(set(subscription.delivery_ids.mapped("state")), {"delivered"})

    def test_server_error_is_retried_then_dead_with_an_exception(self):
        subscription = self.subscribe(retry_schedule="1,1")
        self.receiver.set_default(500)
        _event, delivery = self.emit_and_drain(subscription)
        self.assertEqual(delivery.state, "pending")
        self.assertEqual(delivery.last_status_code, 500)
        self.assertGreater(
            delivery.next_attempt_at, fields.Datetime.now() - timedelta(seconds=1)
        )
        for _ in range(2):
            self.make_due(delivery)
            self.drain(subscription)
        self.assertEqual(delivery.state, "dead")
        self.assertEqual(delivery.attempt_count, 3)
        self.assertEqual(len(self.receiver.received), 3)
        ids = {request.headers["webhook-id"] for request in self.receiver.received}
        self.assertEqual(len(ids), 1, "webhook-id is stable across retries")
        exception = self.env["integration.exception"].search(
            [("fingerprint", "=", f"dead-deliveries:{subscription.id}")]
        )
        self.assertEqual(exception.kind, "dead_delivery")
        self.assertEqual(exception.system_id, self.system)
        # the endpoint is fixed: reprocessing from the dashboard replays
        self.receiver.set_default(200)
        with trap_jobs():
            exception.action_reprocess()
        self.drain(subscription)
        self.assertEqual(delivery.state, "delivered")
        self.assertEqual(delivery.replay_count, 1)
        self.assertEqual(
            self.receiver.received[-1].headers["webhook-id"],
            f"msg_{delivery.event_id.uuid}",
        )
        self.assertEqual(exception.state, "resolved")

    def test_timeout(self):
        subscription = self.subscribe(timeout=1)
        self.receiver.answer(200, delay=2.5)
        _event, delivery = self.emit_and_drain(subscription)
        self.assertEqual(delivery.state, "pending")
        self.assertIn("timed out", delivery.last_error)
        self.assertEqual(delivery.attempt_ids.outcome, "retry")

    def test_connection_refused(self):
        subscription = self.subscribe(target_url=f"http://127.0.0.1:{closed_port()}/x")
        _event, delivery = self.emit_and_drain(subscription)
        self.assertEqual(delivery.state, "pending")
        self.assertIn("connection failed", delivery.last_error)
        self.assertEqual(delivery.last_status_code, 0)

    def test_429_retry_after_is_honoured(self):
        subscription = self.subscribe(retry_schedule="1,1")
        self.receiver.answer(429, headers={"Retry-After": "120"})
        _event, delivery = self.emit_and_drain(subscription)
        self.assertEqual(delivery.state, "pending")
        wait = (delivery.next_attempt_at - fields.Datetime.now()).total_seconds()
        self.assertGreater(wait, 110)
        self.drain(subscription)
        self.assertEqual(len(self.receiver.received), 1, "not due yet: nothing sent")

    def test_redirect_is_a_failure(self):
        subscription = self.subscribe()
        self.receiver.answer(301, headers={"Location": "http://127.0.0.1:1/elsewhere"})
        _event, delivery = self.emit_and_drain(subscription)
        self.assertEqual(delivery.state, "pending")
        self.assertIn("redirect", delivery.last_error)

    def test_410_disables_the_subscription_and_tells_managers(self):
        subscription = self.subscribe(max_in_flight=1)
        self.receiver.answer(410)
        with trap_jobs():
            self.emit("one")
            self.emit("two")
        self.drain(subscription)
        self.assertEqual(subscription.state, "disabled")
        self.assertIn("410", subscription.disabled_reason)
        self.assertEqual(len(self.receiver.received), 1, "stops at once")
        states = sorted(subscription.delivery_ids.mapped("state"))
        self.assertEqual(states, ["cancelled", "pending"], "the rest is kept")
        message = subscription.message_ids[:1]
        self.assertIn("disabled", message.body)
        self.assertIn(self.integration_manager.partner_id, message.partner_ids)
        self.assertEqual(self.drain(subscription), "not sent: subscription disabled")

    def test_circuit_breaker_opens_waits_and_closes(self):
        subscription = self.subscribe(
            failure_threshold=2, cooldown=60, retry_schedule="1,1,1,1", max_in_flight=1
        )
        self.receiver.set_default(500)
        with trap_jobs():
            for index in range(4):
                self.emit(f"m{index}")
        with trap_jobs() as trap:
            subscription._drain()
        self.assertEqual(subscription.circuit_state, "open")
        self.assertEqual(len(self.receiver.received), 2, "stops sending once open")
        # the job that will probe is scheduled at the end of the cool-down
        [job] = trap.enqueued_jobs
        self.assertGreater(job.eta, fields.Datetime.now() + timedelta(seconds=50))
        # while open, deliveries wait without spending attempts
        self.make_due(subscription.delivery_ids)
        self.assertEqual(self.drain(subscription), "circuit open: deliveries wait")
        self.assertEqual(len(self.receiver.received), 2)
        untouched = subscription.delivery_ids.filtered(lambda d: not d.attempt_count)
        self.assertEqual(len(untouched), 2)
        # cool-down over: one probe; it succeeds and closes the circuit
        subscription.circuit_open_until = fields.Datetime.now() - timedelta(seconds=1)
        self.receiver.set_default(200)
        self.drain(subscription)
        self.assertEqual(len(self.receiver.received), 3, "exactly one probe")
        self.assertEqual(subscription.circuit_state, "closed")
        self.make_due(subscription.delivery_ids)
        self.drain(subscription)
        self.assertEqual(set(subscription.delivery_ids.mapped("state")), {"delivered"})

    def test_parallel_requests_stop_when_the_circuit_opens(self):
        subscription = self.subscribe(failure_threshold=2, max_in_flight=4)
        self.receiver.set_default(500)
        with trap_jobs():
            for index in range(10):
                self.emit(f"m{index}")
        self.drain(subscription)
        self.assertEqual(subscription.circuit_state, "open")
        # the failure that opens it, plus what was already in flight
        sent = len(self.receiver.received)
        self.assertGreaterEqual(sent, 2)
        self.assertLessEqual(sent, 2 + 4 - 1)
        never_tried = subscription.delivery_ids.filtered(lambda d: not d.attempt_count)
        self.assertEqual(len(never_tried), 10 - sent)

    def test_parallel_requests_deliver_everything_once(self):
        subscription = self.subscribe(max_in_flight=8, batch_size=50)
        with trap_jobs():
            for index in range(30):
                self.emit(f"m{index}")
        self.drain(subscription)
        ids = [r.headers["webhook-id"] for r in self.receiver.received]
        self.assertEqual(len(ids), 30)
        self.assertEqual(len(set(ids)), 30)
        self.assertEqual(set(subscription.delivery_ids.mapped("state")), {"delivered"})
        self.assertEqual(len(subscription.delivery_ids.attempt_ids), 30)

    def test_time_budget_leaves_the_rest_to_the_next_job(self):
        subscription = self.subscribe(max_in_flight=1)
        with trap_jobs():
            for index in range(3):
                self.emit(f"m{index}")
        with patch.object(queue_module, "DRAIN_TIME_BUDGET", 0.0), trap_jobs() as trap:
            subscription._drain()
        self.assertEqual(len(self.receiver.received), 1)
        self.assertEqual(
            len(subscription.delivery_ids.filtered(lambda d: d.state == "pending")), 2
        )
        [job] = trap.enqueued_jobs
        self.assertFalse(job.eta, "what is due goes out at once, in a new job")

    def test_days_of_failures_disable(self):
        subscription = self.subscribe(disable_after_days=5, failure_threshold=100)
        subscription.failing_since = fields.Datetime.now() - timedelta(days=6)
        subscription.consecutive_failures = 40
        self.receiver.set_default(503)
        self.emit_and_drain(subscription)
        self.assertEqual(subscription.state, "disabled")
        self.assertIn("5 days", subscription.disabled_reason)

    def test_replay_keeps_webhook_id(self):
        subscription = self.subscribe()
        event, delivery = self.emit_and_drain(subscription)
        with trap_jobs():
            delivery.action_replay()
        self.assertEqual(delivery.state, "pending")
        self.drain(subscription)
        first, second = self.receiver.received
        self.assertEqual(first.headers["webhook-id"], second.headers["webhook-id"])
        self.assertEqual(first.body, second.body)
        self.assertEqual(delivery.replay_count, 1)
        self.assertEqual(len(delivery.attempt_ids), 2)

    def test_replay_events_since_reaches_a_new_subscription(self):
        with trap_jobs():
            old = self.emit("before the subscription existed")
        late = self.subscribe(name="Late")
        wizard = self.env["integration.replay.wizard"].create(
            {
                "mode": "since",
                "since": old.time,
                "subscription_id": late.id,
            }
        )
        self.assertGreaterEqual(wizard.match_count, 1)
        with trap_jobs():
            wizard.action_replay()
        self.drain(late)
        bodies = [json.loads(r.body) for r in self.receiver.received]
        self.assertIn(old.uuid, [body["id"] for body in bodies])

    def test_replay_filter_of_dead_deliveries(self):
        subscription = self.subscribe(retry_schedule="1")
        self.receiver.set_default(500)
        _event, delivery = self.emit_and_drain(subscription)
        self.make_due(delivery)
        self.drain(subscription)
        self.assertEqual(delivery.state, "dead")
        self.receiver.set_default(200)
        wizard = self.env["integration.replay.wizard"].create(
            {
                "mode": "filter",
                "subscription_id": subscription.id,
                "states": "dead",
                "since": fields.Datetime.now() - timedelta(hours=1),
            }
        )
        self.assertEqual(wizard.match_count, 1)
        with trap_jobs():
            wizard.action_replay()
        self.drain(subscription)
        self.assertEqual(delivery.state, "delivered")

    def test_unsafe_targets_refused(self):
        for url in (
            "http://10.0.0.8/hook",
            "http://169.254.169.254/latest",
            "ftp://example.com/x",
        ):
            with self.assertRaises(ValidationError):
                self.subscribe(target_url=url)
        self.env["ir.config_parameter"].sudo().set_param(
            "integration_webhook.allowed_networks", ""
        )
        with self.assertRaises(ValidationError):
            self.subscribe(target_url="http://127.0.0.1:8069/hook")

    def test_unresolvable_host_can_be_saved_but_is_not_called(self):
        subscription = self.subscribe(target_url="https://partner.invalid/hooks")
        _event, delivery = self.emit_and_drain(subscription)
        self.assertEqual(delivery.state, "pending")
        self.assertIn("does not resolve", delivery.last_error)

    def test_no_signing_secret_is_a_readable_failure(self):
        subscription = self.subscribe()
        subscription.secret_ids.sudo().unlink()
        _event, delivery = self.emit_and_drain(subscription)
        self.assertEqual(self.receiver.received, [])
        self.assertIn("no valid signing secret", delivery.last_error)
        subscription.with_user(self.integration_manager).action_rotate_secret()
        self.make_due(delivery)
        self.drain(subscription)
        self.assertEqual(delivery.state, "delivered")

    def test_target_turned_unsafe_is_not_called(self):
        subscription = self.subscribe()
        self.env["ir.config_parameter"].sudo().set_param(
            "integration_webhook.allowed_networks", ""
        )
        _event, delivery = self.emit_and_drain(subscription)
        self.assertEqual(self.receiver.received, [])
        self.assertIn("SSRF", delivery.last_error)
        self.assertEqual(delivery.state, "pending")

    def test_send_test_event_shows_the_outcome(self):
        subscription = self.subscribe()
        action = subscription.action_send_test_event()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("HTTP 200", action["params"]["message"])
        [request] = self.receiver.received
        self.assertEqual(json.loads(request.body)["type"], "integration.ping")
        self.receiver.set_default(500)
        action = subscription.action_send_test_event()
        self.assertEqual(action["params"]["type"], "danger")

    def test_rate_limit_spaces_requests(self):
        subscription = self.subscribe(rate_limit=20)
        with trap_jobs():
            for index in range(5):
                self.emit(f"m{index}")
        started = time.monotonic()
        self.drain(subscription)
        self.assertEqual(len(self.receiver.received), 5)
        self.assertGreaterEqual(time.monotonic() - started, 4 / 20)

    def test_standard_payload_and_extra_headers(self):
        subscription = self.subscribe(
            payload_style="standard",
            header_ids=[(0, 0, {"name": "Authorization", "value": "Bearer s3cr3t"})],
        )
        self.emit_and_drain(subscription)
        [request] = self.receiver.received
        self.assertEqual(request.headers["authorization"], "Bearer s3cr3t")
        self.assertEqual(json.loads(request.body)["type"], "integration.ping")
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT value_encrypted FROM integration_subscription_header WHERE subscription_id = %s",
            (subscription.id,),
        )
        self.assertNotIn("s3cr3t", self.env.cr.fetchone()[0])

    def test_purge_keeps_pending(self):
        subscription = self.subscribe()
        _event, delivered = self.emit_and_drain(subscription)
        self.receiver.set_default(500)
        _event2, pending = self.emit_and_drain(subscription)
        self.env.cr.execute(
            "UPDATE integration_delivery SET create_date = now() - interval '90 days'"
        )
        self.env["integration.delivery"].invalidate_model()
        self.env["integration.delivery"]._cron_purge_delivered()
        self.assertFalse(delivered.exists())
        self.assertTrue(pending.exists())
