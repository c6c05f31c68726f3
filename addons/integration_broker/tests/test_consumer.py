import json
import uuid
from contextlib import ExitStack
from unittest.mock import patch

from odoo.tests import new_test_user

from odoo.addons.integration_api.tests.common import (
    ECHO_SCHEMA,
    ROUTER,
    TEST_HANDLERS,
    TEST_ROUTES,
)
from odoo.addons.integration_api.tools.routes import ApiRoute
from odoo.addons.integration_core.tests.common import IntegrationCase

from ..tools.consumer_loop import consume_once
from .rabbit import AMQP_URL, Rabbit


def _api_test_ref(self, api_request):
    return {"ref": api_request.path_params["ref"], "path": api_request.path}


ROUTES = [
    *TEST_ROUTES,
    ApiRoute(
        "POST",
        "/test/things/{ref}/confirm",
        "orders:write",
        f"{ROUTER}._api_test_ref",
        request_schema=ECHO_SCHEMA,
    ),
]


class TestConsumer(IntegrationCase):
    """Messages of a queue through the API pipeline of a (test) route."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        stack = ExitStack()
        cls.addClassCleanup(stack.close)
        router_cls = type(cls.env[ROUTER])
        original = router_cls._api_routes
        stack.enter_context(
            patch.object(
                router_cls, "_api_routes", lambda self: original(self) + ROUTES
            )
        )
        handlers = dict(TEST_HANDLERS, _api_test_ref=_api_test_ref)
        for name, handler in handlers.items():
            stack.enter_context(patch.object(router_cls, name, handler, create=True))
        cls.env.registry.clear_cache()
        cls.addClassCleanup(cls.env.registry.clear_cache)
        cls.system.write(
            {
                "state": "active",
                "user_id": new_test_user(
                    cls.env, login="queue_bot", groups="base.group_user"
                ).id,
            }
        )
        cls.connection = cls.env["integration.broker.connection"].create(
            {"name": "Test broker", "url": AMQP_URL}
        )
        cls.rabbit = Rabbit()
        cls.addClassCleanup(cls.rabbit.close)

    def consumer(self, route="POST /test/echo", **values):
        vals = {
            "name": f"Queue {route}",
            "connection_id": self.connection.id,
            "system_id": self.system.id,
            "queue": "unused",
            "route": route,
        }
        vals.update(values)
        return self.env["integration.broker.consumer"].create(vals)

    def consume(self, consumer, body, message_id=None, headers=None):
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        return consumer._consume(body, message_id or str(uuid.uuid4()), headers)

    def messages(self, consumer):
        return self.env["integration.api.message"].search(
            [("broker_consumer_id", "=", consumer.id)], order="id"
        )

    def test_valid_then_duplicate(self):
        consumer = self.consumer()
        partners = self.env["res.partner"].search_count([])
        self.assertEqual(self.consume(consumer, {"name": "Queued Co"}, "m-1"), "done")
        self.assertEqual(self.env["res.partner"].search_count([]), partners + 1)
        partner = self.env["res.partner"].search([("name", "=", "Queued Co")])
        # as the system's technical user, like an API request
        self.assertEqual(partner.create_uid, self.system.user_id)
        message = self.messages(consumer)
        self.assertEqual(message.state, "done")
        self.assertEqual(message.idempotency_key, "amqp:m-1")
        self.assertEqual(message.result_status, 201)
        # the same message again (a redelivery, a publisher retry)
        self.assertEqual(
            self.consume(consumer, {"name": "Queued Co"}, "m-1"), "duplicate"
        )
        self.assertEqual(self.env["res.partner"].search_count([]), partners + 1)
        self.assertEqual(len(self.messages(consumer)), 1)

    def test_invalid_is_kept_with_an_exception(self):
        consumer = self.consumer()
        self.assertEqual(self.consume(consumer, {"name": ""}, "m-2"), "rejected")
        message = self.messages(consumer)
        self.assertEqual(message.state, "rejected")
        self.assertEqual(message.result_status, 422)
        self.assertIn("/name", message.error)
        self.assertEqual(message._raw_body(), b'{"name": ""}')
        self.assertEqual(message.exception_id.kind, "invalid_payload")
        self.assertEqual(
            message.exception_id.fingerprint, f"broker-refused:{consumer.id}"
        )

    def test_poison_is_kept_and_never_processed_twice(self):
        consumer = self.consumer()
        raw = b"\xff not json at all"
        self.assertEqual(consumer._consume(raw, "m-3"), "poison")
        message = self.messages(consumer)
        self.assertEqual((message.state, message._raw_body()), ("failed", raw))
        self.assertTrue(message.exception_id)
        self.assertEqual(consumer._consume(raw, "m-3"), "duplicate")
        self.assertEqual(consumer._consume(b"{}", None), "poison")
        # a handler that crashes: its work is rolled back, the message kept
        crashing = self.consumer("POST /test/fail")
        self.assertEqual(self.consume(crashing, {"x": 1}, "m-4"), "poison")
        self.assertEqual(self.messages(crashing).state, "failed")

    def test_unmapped_waits_for_a_fix_then_reprocess(self):
        consumer = self.consumer("POST /test/unmapped")
        self.assertEqual(self.consume(consumer, {"sku": "Q-1"}, "m-5"), "needs_fix")
        message = self.messages(consumer)
        self.assertEqual(message.state, "needs_fix")
        self.assertEqual(message.exception_id.kind, "unmapped_code")
        partner = self.env["res.partner"].create({"name": "Mapped", "ref": "Q-1"})
        message.exception_id.action_reprocess()
        self.assertEqual(message.state, "done")
        self.assertEqual(message.result_body, {"partner_id": partner.id})

    def test_path_parameters_come_from_headers(self):
        consumer = self.consumer("POST /test/things/{ref}/confirm")
        outcome = self.consume(consumer, {"name": "x"}, "m-6", {"ref": "WH-OUT-7"})
        self.assertEqual(outcome, "done")
        self.assertEqual(
            self.messages(consumer).result_body,
            {"ref": "WH-OUT-7", "path": "/test/things/WH-OUT-7/confirm"},
        )
        self.assertEqual(self.consume(consumer, {"name": "x"}, "m-7"), "rejected")
        self.assertIn("header 'ref'", self.messages(consumer)[-1].error)

    def test_real_queue_acknowledged_after_processing(self):
        queue = self.rabbit.queue()
        consumer = self.consumer(queue=queue)
        self.rabbit.publish(queue, b'{"name": "One"}', "r-1")
        self.rabbit.publish(queue, b'{"name": "One"}', "r-1")  # duplicate
        self.rabbit.publish(queue, b'{"name": 5}', "r-2")  # invalid
        self.rabbit.publish(queue, b"<xml/>", "r-3")  # poison
        outcomes = []

        def handle(body, properties, _redelivered):
            # the consumer process commits here; the test keeps its transaction
            with self.env.cr.savepoint():
                outcomes.append(
                    consumer._consume(body, properties.message_id, properties.headers)
                )

        acked = consume_once(
            consumer.connection_id._parameters(),
            queue,
            consumer.prefetch,
            handle,
            lambda: False,
            idle_timeout=1,
        )
        self.assertEqual(acked, 4)
        self.assertEqual(outcomes, ["done", "duplicate", "rejected", "poison"])
        self.assertEqual(self.rabbit.count(queue), 0)

    def test_failed_handler_requeues(self):
        queue = self.rabbit.queue()
        self.rabbit.publish(queue, b"{}", "x-1")
        calls = []

        def handle(body, properties, redelivered):
            calls.append(redelivered)
            if not redelivered:
                raise ConnectionError("database unreachable")

        with (
            patch("odoo.addons.integration_broker.tools.consumer_loop.time.sleep"),
            self.assertLogs(
                "odoo.addons.integration_broker.tools.consumer_loop", "ERROR"
            ),
        ):
            acked = consume_once(
                self.connection._parameters(),
                queue,
                1,
                handle,
                lambda: False,
                idle_timeout=1,
            )
        self.assertEqual(calls, [False, True])
        self.assertEqual(acked, 1)
        self.assertEqual(self.rabbit.count(queue), 0)
