from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import WebhookCase


@tagged("post_install", "-at_install")
class TestDeadExceptions(WebhookCase):
    """A dead-delivery exception is resolved when, and only when, the
    deliveries it is about have been delivered."""

    def kill_deliveries(self, subscription, count):
        """``count`` deliveries dead after their two attempts; their exception."""
        self.receiver.set_default(500)
        with trap_jobs():
            for index in range(count):
                self.emit(f"doomed {index}")
        self.drain(subscription)
        self.make_due(subscription.delivery_ids)
        self.drain(subscription)
        self.assertEqual(set(subscription.delivery_ids.mapped("state")), {"dead"})
        exception = self.env["integration.exception"].search(
            [("fingerprint", "=", f"dead-deliveries:{subscription.id}")]
        )
        self.assertEqual(exception.state, "new")
        self.assertEqual(exception.count, count)
        self.assertEqual(subscription.delivery_ids.dead_exception_id, exception)
        return subscription.delivery_ids, exception

    def test_replayed_and_delivered_resolves_the_subscription_exception(self):
        subscription = self.subscribe(retry_schedule="1", max_in_flight=1)
        deliveries, exception = self.kill_deliveries(subscription, 2)
        # replayed from the deliveries (not from the exception): one is
        # delivered, the other fails again
        self.receiver.set_default(500)
        self.receiver.answer(200)
        with trap_jobs():
            deliveries.action_replay()
        self.drain(subscription)
        self.assertEqual(sorted(deliveries.mapped("state")), ["delivered", "pending"])
        self.assertEqual(
            exception.state, "new", "one of its deliveries is not delivered"
        )
        self.receiver.set_default(200)
        self.make_due(deliveries)
        self.drain(subscription)
        self.assertEqual(set(deliveries.mapped("state")), {"delivered"})
        self.assertEqual(exception.state, "resolved")
        self.assertIn("delivered", exception.resolution_note)

    def test_reprocess_resolves_only_once_delivered(self):
        subscription = self.subscribe(retry_schedule="1")
        deliveries, exception = self.kill_deliveries(subscription, 1)
        with trap_jobs() as trap:
            exception.action_reprocess()
        trap.assert_jobs_count(1, only=subscription._drain)
        self.assertEqual(deliveries.state, "pending")
        self.assertEqual(exception.state, "new", "queued is not delivered")
        # the replay fails: still open
        self.drain(subscription)
        self.assertEqual(deliveries.state, "pending")
        self.assertEqual(exception.state, "new")
        self.receiver.set_default(200)
        self.make_due(deliveries)
        self.drain(subscription)
        self.assertEqual(deliveries.state, "delivered")
        self.assertEqual(exception.state, "resolved")

    def test_dead_again_after_replay_counts_on_the_same_exception(self):
        subscription = self.subscribe(retry_schedule="1")
        deliveries, exception = self.kill_deliveries(subscription, 1)
        with trap_jobs():
            exception.action_reprocess()
        self.drain(subscription)
        self.make_due(deliveries)
        self.drain(subscription)
        self.assertEqual(deliveries.state, "dead")
        self.assertEqual(exception.state, "new")
        self.assertEqual(exception.count, 2)
        self.assertEqual(deliveries.dead_exception_id, exception)

    def test_reprocess_of_a_disabled_subscription_resolves_that_exception(self):
        subscription = self.subscribe()
        self.receiver.answer(410)
        with trap_jobs():
            self.emit()
        self.drain(subscription)
        self.assertEqual(subscription.state, "disabled")
        disabled = self.env["integration.exception"].search(
            [("fingerprint", "=", f"subscription-disabled:{subscription.id}")]
        )
        self.assertEqual(disabled.state, "new")
        with trap_jobs():
            disabled.action_reprocess()
        self.assertEqual(subscription.state, "active")
        self.assertEqual(disabled.state, "resolved", "resumed: that problem is gone")
