from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import IntegrationCase


@tagged("post_install", "-at_install")
class TestExceptionQueue(IntegrationCase):
    def report(self, **kwargs):
        values = {
            "kind": "unmapped_code",
            "title": "Unknown SKU ABC-1",
            "fingerprint": "test_shop:sku:ABC-1",
            "system": self.system,
        }
        values.update(kwargs)
        return self.env["integration.exception"].report(**values)

    def test_repeats_increment_the_counter(self):
        first = self.report()
        again = self.report(detail="seen again")
        self.assertEqual(first, again)
        self.assertEqual(first.count, 2)
        self.assertEqual(first.detail, "seen again")
        first.action_resolve("mapped")
        fresh = self.report()
        self.assertNotEqual(fresh, first, "a resolved exception is not reopened")

    def test_ignore_needs_a_reason(self):
        exception = self.report()
        with self.assertRaises(UserError):
            exception.action_ignore()
        exception.resolution_note = "Test product, never sold"
        exception.action_ignore()
        self.assertEqual(exception.state, "ignored")

    def test_reprocess_without_source(self):
        exception = self.report()
        with self.assertRaises(UserError):
            exception.action_reprocess()

    def test_reprocess_invalid_event_source(self):
        event = self.env["integration.event"]._emit("integration.ping", {"message": 1})
        exception = self.env["integration.exception"].search(
            [("source_model", "=", "integration.event"), ("source_id", "=", event.id)]
        )
        self.assertEqual(exception.source_label, event.display_name)
        self.assertEqual(exception.company_id, self.env.company)

    def test_take_assigns_me(self):
        exception = self.report().with_user(self.integration_user)
        exception.action_take()
        self.assertEqual(exception.user_id, self.integration_user)
        self.assertEqual(exception.state, "in_progress")
