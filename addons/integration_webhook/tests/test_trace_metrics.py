"""Deliveries continue the event's trace (``traceparent``) and count in
``/metrics`` (attempts, outcomes, backlog)."""

from prometheus_client.parser import text_string_to_metric_families

from odoo.tests import tagged

from odoo.addons.integration_core.tools import trace_context
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import WebhookCase

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


@tagged("post_install", "-at_install")
class TestDeliveryTrace(WebhookCase):
    def emit_traced(self, trace_id=TRACE):
        with trap_jobs():
            return (
                self.env["integration.event"]
                .with_context(integration_trace_id=trace_id)
                ._emit("integration.ping", {"message": "traced"})
            )

    def test_traceparent_continues_the_trace_with_a_new_span_per_attempt(self):
        subscription = self.subscribe()
        self.receiver.answer(503)
        event = self.emit_traced()
        self.assertEqual(event.trace_id, TRACE)
        delivery = subscription.delivery_ids
        self.drain(subscription)
        self.make_due(delivery)
        self.drain(subscription)
        self.assertEqual(delivery.state, "delivered")
        sent = [
            trace_context.parse(r.headers["traceparent"])
            for r in self.receiver.received
        ]
        self.assertEqual(len(sent), 2)
        self.assertEqual({tp.trace_id for tp in sent}, {TRACE})
        self.assertNotEqual(sent[0].span_id, sent[1].span_id)
        attempts = delivery.attempt_ids.sorted("number")
        self.assertEqual(attempts.mapped("trace_id"), [TRACE, TRACE])
        self.assertEqual(attempts.mapped("span_id"), [tp.span_id for tp in sent])
        self.assertEqual(
            attempts[1].traceparent, self.receiver.received[1].headers["traceparent"]
        )

    def test_an_event_without_a_request_traces_by_its_id(self):
        subscription = self.subscribe()
        with trap_jobs():
            event = self.emit()
        self.assertFalse(event.trace_id)
        self.drain(subscription)
        [request] = self.receiver.received
        parsed = trace_context.parse(request.headers["traceparent"])
        self.assertEqual(parsed.trace_id, event.uuid.replace("-", ""))
        self.assertEqual(
            subscription.delivery_ids.attempt_ids.trace_id, parsed.trace_id
        )

    def test_manual_send_carries_it_too(self):
        subscription = self.subscribe()
        self.emit_traced()
        subscription.delivery_ids._send_now()
        [request] = self.receiver.received
        self.assertEqual(
            trace_context.parse(request.headers["traceparent"]).trace_id, TRACE
        )


@tagged("post_install", "-at_install")
class TestDeliveryMetrics(WebhookCase):
    def families(self):
        text = self.env["integration.metrics"]._metrics_text()
        return {f.name: f for f in text_string_to_metric_families(text)}

    def value(self, families, family, name, **labels):
        return sum(
            s.value
            for s in families[family].samples
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
        )

    def test_attempts_outcomes_and_backlog(self):
        subscription = self.subscribe(name="Metrics endpoint")
        labels = {
            "subscription": "Metrics endpoint",
            "subscription_id": str(subscription.id),
        }
        self.receiver.answer(500)
        with trap_jobs():
            for index in range(3):
                self.emit(f"m{index}")
        self.env.flush_all()
        before = self.families()
        self.assertEqual(
            self.value(
                before,
                "integration_delivery_backlog",
                "integration_delivery_backlog",
                **labels,
            ),
            3,
        )
        self.drain(subscription)  # one 500 (retry later), two delivered
        self.env.flush_all()
        after = self.families()

        def attempts(outcome):
            return self.value(
                after,
                "integration_delivery_attempts",
                "integration_delivery_attempts_total",
                outcome=outcome,
                **labels,
            )

        self.assertEqual((attempts("success"), attempts("retry")), (2, 1))
        self.assertEqual(
            self.value(
                after,
                "integration_deliveries",
                "integration_deliveries_total",
                outcome="delivered",
                **labels,
            ),
            2,
        )
        self.assertEqual(
            self.value(
                after,
                "integration_delivery_backlog",
                "integration_delivery_backlog",
                **labels,
            ),
            1,
        )
        self.assertGreaterEqual(
            self.value(
                after,
                "integration_delivery_backlog_oldest_seconds",
                "integration_delivery_backlog_oldest_seconds",
                **labels,
            ),
            0,
        )
        # renaming keeps the series' id: no split by id
        subscription.name = "Renamed endpoint"
        renamed = self.families()
        self.assertEqual(
            self.value(
                renamed,
                "integration_delivery_attempts",
                "integration_delivery_attempts_total",
                subscription="Renamed endpoint",
                outcome="success",
            ),
            2,
        )
