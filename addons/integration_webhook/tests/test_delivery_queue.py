import time
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from odoo.addons.integration_core.tools.pg import LOCK_WEBHOOK_DRAIN
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import WebhookCase


@tagged("post_install", "-at_install")
class TestDeliveryQueue(WebhookCase):
    def test_outcomes_are_committed_while_the_next_requests_are_in_flight(self):
        """A crash re-sends what was in flight or not yet committed (at most
        twice the parallelism), not the drain's whole batch: at every commit,
        what the receiver got since the previous commit is bounded."""
        parallel = 4
        subscription = self.subscribe(max_in_flight=parallel, batch_size=50)
        with trap_jobs():
            for index in range(30):
                self.emit(f"m{index}")
        Queue = self.env["integration.delivery.queue"]
        commits = []  # (received by then, attempts recorded by then)

        def commit(queue):
            queue.env["integration.delivery.attempt"].flush_model()
            commits.append(
                (
                    len(self.receiver.received),
                    len(subscription.delivery_ids.attempt_ids),
                )
            )

        with patch.object(type(Queue), "_commit", commit):
            self.assertEqual(self.drain(subscription), "30 sent")
        self.assertGreater(len(commits), 3)
        self.assertEqual(commits[-1], (30, 30))
        committed = 0
        for received, recorded in commits:
            # sent but not committed: what a crash just now would send again
            self.assertLessEqual(received - committed, 2 * parallel, commits)
            committed = recorded
        self.assertEqual(set(subscription.delivery_ids.mapped("state")), {"delivered"})

    def test_retry_after_is_never_anticipated(self):
        """A real receiver asks for 2 s: the retry goes out 2 s or more after
        the answer, not at the next whole second."""
        for status in (429, 503):
            with self.subTest(status=status):
                self.receiver.server.received.clear()
                subscription = self.subscribe(
                    name=f"Retry-After {status}", retry_schedule="1,1"
                )
                self.receiver.answer(status, headers={"Retry-After": "2"})
                with trap_jobs():
                    self.emit(f"asked to wait ({status})")
                self.drain(subscription)
                answered_at = time.time()
                [first] = self.receiver.received
                delivery = subscription.delivery_ids
                self.assertEqual(delivery.state, "pending")
                deadline = time.monotonic() + 8
                while len(self.receiver.received) < 2 and time.monotonic() < deadline:
                    self.drain(subscription)
                    time.sleep(0.05)
                self.assertEqual(delivery.state, "delivered")
                second = self.receiver.received[1]
                self.assertGreaterEqual(second.at - answered_at, 2.0)
                self.assertGreaterEqual(second.at - first.at, 2.0)
                self.assertLess(second.at - first.at, 3.5, "and not much later")
                subscription.state = "disabled"

    def test_one_drain_per_subscription_at_a_time(self):
        subscription = self.subscribe()
        with trap_jobs():
            self.emit()
        lock = (
            "SELECT pg_try_advisory_lock(%s, %s)",
            (LOCK_WEBHOOK_DRAIN, subscription.id),
        )
        unlock = (
            "SELECT pg_advisory_unlock(%s, %s)",
            (LOCK_WEBHOOK_DRAIN, subscription.id),
        )
        with self.registry.cursor() as other:
            other.execute(*lock)
            self.assertTrue(other.fetchone()[0])
            try:
                self.assertEqual(
                    self.drain(subscription), "busy: the running job takes what is due"
                )
            finally:
                other.execute(*unlock)
        self.assertEqual(self.drain(subscription), "1 sent")
        self.assertEqual(len(self.receiver.received), 1)
        with self.registry.cursor() as other:
            other.execute(*lock)
            self.assertTrue(other.fetchone()[0], "the drain gave its lock back")
            other.execute(*unlock)

    def test_waiting_drain_jobs_are_absorbed_by_the_running_one(self):
        """The jobs other transactions stored for the subscription (one each)
        end with the drain that takes their deliveries instead of each
        running to find the lock taken; a retry's job, another
        subscription's and a job already handed to a worker stay."""
        subscription = self.subscribe()
        other = self.subscribe(name="Other endpoint")
        queue = self.env["integration.delivery.queue"]
        jobs = self.env["queue.job"]
        eta = fields.Datetime.now() + timedelta(hours=1)
        before = jobs.search([])

        def store(target, key_part, **options):
            key = f"integration_webhook.drain-{target.id}-{key_part}"
            target.with_delay(
                **queue._drain_job_options(target, options.get("eta"), None, key)
            )._drain()
            return jobs.search([("identity_key", "=", key)])

        waiting = store(subscription, "tx-101") | store(subscription, "tx-102")
        handed = store(subscription, "tx-103")
        handed.state = "enqueued"
        retry = store(subscription, f"eta-{int(eta.timestamp())}", eta=eta)
        elsewhere = store(other, "tx-104")
        with trap_jobs():
            self.emit()
        self.assertEqual(len(jobs.search([]) - before), 5)

        self.assertEqual(self.drain(subscription), "1 sent")
        self.assertEqual(set(waiting.mapped("state")), {"done"})
        self.assertIn("absorbed", waiting[0].result)
        self.assertEqual(handed.state, "enqueued")
        self.assertEqual(retry.state, "pending")
        self.assertEqual(elsewhere.state, "pending")
