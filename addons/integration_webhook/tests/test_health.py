from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import WebhookCase


@tagged("post_install", "-at_install")
class TestHealth(WebhookCase):
    def backlog(self):
        checks = self.env["integration.health"]._health_report()["checks"]
        return next(check for check in checks if check["name"] == "delivery_backlog")

    def test_delivery_backlog_counts_pending_and_flags_stale_due_ones(self):
        before = self.backlog()
        subscription = self.subscribe()
        with trap_jobs():
            self.emit()
            self.emit("again")
        deliveries = subscription.delivery_ids
        self.assertEqual(set(deliveries.mapped("state")), {"pending"})
        check = self.backlog()
        self.assertEqual(check["value"], before["value"] + 2)
        self.assertEqual(check["due"], before["due"] + 2)
        self.make_due(deliveries)  # due for an hour: the drains do not keep up
        check = self.backlog()
        self.assertEqual(check["status"], "warning")
        self.assertGreaterEqual(check["oldest_due_seconds"], 3600)
        # a paused endpoint's deliveries wait on purpose: counted, not stale
        subscription.state = "paused"
        check = self.backlog()
        self.assertEqual(
            (check["value"], check["due"]), (before["value"] + 2, before["due"])
        )
        self.assertEqual(check["status"], before["status"])
        subscription.state = "active"
        self.drain(subscription)
        self.assertEqual(set(deliveries.mapped("state")), {"delivered"})
        self.assertEqual(self.backlog()["value"], before["value"])
