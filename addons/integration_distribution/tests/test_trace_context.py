"""Trace context end to end: a partner's ``traceparent`` on ``POST
/api/v1/orders`` reaches the ``order.accepted`` webhook it causes."""

from odoo.tests import tagged

from odoo.addons.integration_core.tools import trace_context
from odoo.addons.integration_webhook.tests.common import set_up_local_receiver
from odoo.addons.queue_job.tests.common import trap_jobs

from .test_api_orders import OrdersApiCase

INCOMING = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
TRACE = "0af7651916cd43dd8448eb211c80319c"


@tagged("post_install", "-at_install")
class TestTraceContext(OrdersApiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_up_local_receiver(cls)
        cls.subscription = cls.env["integration.subscription"].create(
            {
                "name": "Shop order feed",
                "target_url": cls.receiver.url,
                "event_type_ids": [
                    (
                        6,
                        0,
                        cls.env.ref(
                            "integration_distribution.event_type_order_accepted"
                        ).ids,
                    )
                ],
                "system_id": cls.system.id,
                "retry_schedule": "1",
            }
        )

    def setUp(self):
        super().setUp()
        self.receiver.server.received.clear()

    def test_inbound_trace_reaches_the_outbound_delivery(self):
        with trap_jobs():
            response = self.call(
                "POST",
                "/orders",
                self.order_body(external_ref="WEB-TRACE-1"),
                headers={"traceparent": INCOMING},
            )
        self.assertEqual(response.status_code, 201, response.text)
        order = self.env["sale.order"].browse(response.json()["id"])
        log = self.env["integration.api.request.log"].search(
            [("correlation_id", "=", response.headers["X-Request-Id"])]
        )
        self.assertEqual(log.trace_id, TRACE)
        event = self.env["integration.event"].search(
            [("type", "=", "order.accepted"), ("res_id", "=", order.id)]
        )
        self.assertEqual(event.trace_id, TRACE)
        with trap_jobs():
            self.subscription._drain()
        [request] = [r for r in self.receiver.received if b"WEB-TRACE-1" in r.body]
        sent = trace_context.parse(request.headers["traceparent"])
        self.assertEqual(sent.trace_id, TRACE, "the partner's trace continues")
        self.assertNotEqual(sent.span_id, "b7ad6b7169203331", "with a span of Odoo's")
        attempt = self.subscription.delivery_ids.filtered(
            lambda d: d.event_id == event
        ).attempt_ids
        self.assertEqual((attempt.trace_id, attempt.span_id), (TRACE, sent.span_id))
        # request log <-> attempts, both ways
        action = log.action_open_trace_attempts()
        self.assertEqual(
            self.env[action["res_model"]].search(action["domain"]), attempt
        )
        action = attempt.action_open_request_log()
        self.assertEqual(self.env[action["res_model"]].search(action["domain"]), log)
        action = log.action_open_trace_events()
        self.assertIn(event, self.env[action["res_model"]].search(action["domain"]))

    def test_kept_then_reprocessed_order_keeps_the_trace(self):
        response = self.call(
            "POST",
            "/orders",
            self.order_body(
                external_ref="WEB-TRACE-2", lines=[{"sku": "SKU-LATER", "qty": 1}]
            ),
            headers={"traceparent": INCOMING},
        )
        self.assertEqual(response.status_code, 202, response.text)
        message = self.env["integration.api.message"].browse(
            response.json()["message_id"]
        )
        self.assertEqual(message.trace_id, TRACE)
        self.env["integration.mapping"].create(
            {
                "system_id": self.system.id,
                "kind": "product",
                "external_code": "SKU-LATER",
                "res_id": self.desk.id,
            }
        )
        with trap_jobs():
            if message.state != "done":  # saving a mapping may reprocess already
                message.action_reprocess()
        order = self.env["sale.order"].search(
            [("integration_external_ref", "=", "WEB-TRACE-2")]
        )
        self.assertTrue(order)
        event = self.env["integration.event"].search(
            [("type", "=", "order.accepted"), ("res_id", "=", order.id)]
        )
        self.assertEqual(event.trace_id, TRACE)

    def test_queued_orders_confirmed_in_one_batch_keep_their_own_traces(self):
        other = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        for ref, parent in (("WEB-TRACE-Q1", INCOMING), ("WEB-TRACE-Q2", other)):
            response = self.call(
                "POST",
                "/orders",
                self.order_body(external_ref=ref),
                headers={"traceparent": parent, "Prefer": "respond-async"},
            )
            self.assertEqual(response.status_code, 202, response.text)
        with trap_jobs():
            self.env["integration.api.queue"]._drain(self.system.id)
        traces = {}
        for ref in ("WEB-TRACE-Q1", "WEB-TRACE-Q2"):
            order = self.env["sale.order"].search(
                [("integration_external_ref", "=", ref)]
            )
            event = self.env["integration.event"].search(
                [("type", "=", "order.accepted"), ("res_id", "=", order.id)]
            )
            traces[ref] = event.trace_id
        self.assertEqual(
            traces,
            {"WEB-TRACE-Q1": TRACE, "WEB-TRACE-Q2": "4bf92f3577b34da6a3ce929d0e0e4736"},
        )
