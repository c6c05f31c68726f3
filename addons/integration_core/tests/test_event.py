import json

from cloudevents.v1.http import from_dict, from_json

from odoo.tests import tagged

from .common import IntegrationCase


@tagged("post_install", "-at_install")
class TestEventOutbox(IntegrationCase):
    def emit(self, message="hi", **kwargs):
        return self.env["integration.event"]._emit(
            "integration.ping", {"message": message}, **kwargs
        )

    def test_emit_writes_a_cloudevent(self):
        event = self.emit(record=self.system, correlation_id="corr-1")
        self.assertEqual(event.state, "published")
        self.assertEqual(event.subject, f"integration.system/{self.system.id}")
        self.assertEqual(event.company_id, self.system.company_id)
        envelope = event.to_cloudevent()
        parsed = from_json(json.dumps(envelope).encode())
        self.assertEqual(parsed["id"], event.uuid)
        self.assertEqual(parsed["type"], "integration.ping")
        self.assertEqual(parsed["specversion"], "1.0")
        self.assertEqual(parsed["correlationid"], "corr-1")
        self.assertEqual(parsed.data, {"message": "hi"})
        self.assertEqual(from_dict(envelope)["subject"], event.subject)
        for attribute in envelope:
            self.assertRegex(attribute, r"^[a-z0-9]+$", "CloudEvents attribute names")

    def test_sequence_is_monotonic_per_subject(self):
        first = self.emit(subject="orders/A")
        second = self.emit(subject="orders/A")
        other = self.emit(subject="orders/B")
        batch = self.env["integration.event"]._emit_many(
            [
                {
                    "type": "integration.ping",
                    "data": {"message": "x"},
                    "subject": "orders/A",
                },
                {
                    "type": "integration.ping",
                    "data": {"message": "y"},
                    "subject": "orders/A",
                },
            ]
        )
        self.assertEqual(second.sequence, first.sequence + 1)
        self.assertEqual(other.sequence, 1)
        self.assertEqual(
            batch.mapped("sequence"), [first.sequence + 2, first.sequence + 3]
        )

    def test_invalid_data_is_kept_and_reported(self):
        event = self.env["integration.event"]._emit(
            "integration.ping", {"message": 42, "extra": True}
        )
        self.assertEqual(event.state, "invalid")
        exception = self.env["integration.exception"].search(
            [("source_model", "=", "integration.event"), ("source_id", "=", event.id)]
        )
        self.assertEqual(exception.kind, "invalid_payload")
        self.assertIn("/message", exception.detail)
        # the producer is fixed by hand: publish again validates again
        event.sudo().data = {"message": "fixed"}
        event.action_publish_again()
        self.assertEqual(event.state, "published")
        self.assertEqual(exception.state, "resolved")

    def test_unknown_type_refused(self):
        with self.assertRaisesRegex(Exception, "Unknown event type"):
            self.env["integration.event"]._emit("no.such.type", {})

    def test_emit_as_unprivileged_user(self):
        """Producers run as whoever confirmed the order: the outbox must accept it."""
        event = (
            self.env["integration.event"]
            .with_user(self.plain_user)
            ._emit("integration.ping", {"message": "hello"})
        )
        self.assertTrue(event.exists())

    def test_event_type_catalog(self):
        event_type = self.env.ref("integration_core.event_type_integration_ping")
        self.assertEqual(event_type.display_name, "integration.ping v1")
        self.assertIn("Hello from Odoo", event_type.sample_text)
        self.assertIn("2020-12", event_type.schema_text)

    def test_purge_keeps_recent_events(self):
        # a type nobody subscribes to: consumers may keep events they still need
        self.env["integration.event.type"].create(
            {"code": "test.purge", "version": 1, "name": "Purge test"}
        )
        Event = self.env["integration.event"]
        old = Event._emit("test.purge", {"n": 1})
        recent = Event._emit("test.purge", {"n": 2})
        self.env.cr.execute(
            "UPDATE integration_event SET time = now() - interval '200 days' WHERE id = %s",
            (old.id,),
        )
        old.invalidate_recordset()
        self.env["integration.event"]._cron_purge_old_events()
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())
