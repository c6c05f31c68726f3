"""A consumer worker's counters and heartbeat, in ``GET /metrics`` over
real HTTP: the worker of ``odoo integration_broker_consume`` (its real
loop, on a real queue) counts each outcome in the transaction that
processed the message, then the acknowledgements and requeues."""

from unittest.mock import patch

from prometheus_client.parser import text_string_to_metric_families

from odoo.tests import tagged

from odoo.addons.integration_api.models.integration_metrics import (
    PARAM_ALLOWLIST,
    PARAM_ENABLED,
    PARAM_TOKEN_DIGEST,
)
from odoo.addons.integration_api.tests.common import ApiHttpCase
from odoo.addons.integration_api.tools import metrics_access

from ..cli import consume
from .rabbit import AMQP_URL, Rabbit

TOKEN = "broker-metrics-token-0123456789"


@tagged("-at_install", "post_install")
class TestConsumerMetrics(ApiHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param(PARAM_ENABLED, "True")
        params.set_param(PARAM_TOKEN_DIGEST, metrics_access.token_digest(TOKEN))
        params.set_param(PARAM_ALLOWLIST, False)
        cls.rabbit = Rabbit()
        cls.addClassCleanup(cls.rabbit.close)
        cls.connection = cls.env["integration.broker.connection"].create(
            {"name": "Metrics broker", "url": AMQP_URL, "timeout": 5}
        )

    def setUp(self):
        super().setUp()
        self.queue = self.rabbit.queue()
        self.consumer = self.env["integration.broker.consumer"].create(
            {
                "name": "Shop queue",
                "connection_id": self.connection.id,
                "system_id": self.system.id,
                "queue": self.queue,
                "route": "POST /test/echo",
            }
        )

    def scrape(self):
        response = self.opener.get(
            self.base_url() + "/metrics",
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=30,
        )
        self.assertEqual(response.status_code, 200, response.text)
        return {f.name: f for f in text_string_to_metric_families(response.text)}

    def value(self, families, family, name, **labels):
        labels = {"consumer": "Shop queue", "consumer_id": str(self.consumer.id)} | (
            labels
        )
        found = [
            sample.value
            for sample in families[family].samples
            if sample.name == name
            and all(sample.labels.get(k) == v for k, v in labels.items())
        ]
        self.assertEqual(len(found), 1, f"{name} {labels}: {found}")
        return found[0]

    def run_worker(self, name="host-a/0"):
        """The command's worker, synchronously, until the queue is idle."""
        worker = consume.Worker(self.registry, self.consumer.id, name, interval=0.2)
        parameters = self.connection._parameters()
        consume.run_worker(
            worker, parameters, self.queue, 10, lambda: False, idle_timeout=1.5
        )
        self.env.invalidate_all()
        return worker

    def messages(self, families, outcome):
        return self.value(
            families,
            "integration_broker_consumer_messages",
            "integration_broker_consumer_messages_total",
            outcome=outcome,
        )

    def test_counts_by_outcome_acknowledgements_and_heartbeat(self):
        # configured, never run: zero counts, no heartbeat
        families = self.scrape()
        self.assertEqual(self.messages(families, "processed"), 0)
        self.assertFalse(
            [
                s
                for s in families[
                    "integration_broker_consumer_heartbeat_age_seconds"
                ].samples
                if s.labels["consumer_id"] == str(self.consumer.id)
            ]
        )
        self.rabbit.publish(self.queue, b'{"name": "One"}', "c-1")
        self.rabbit.publish(self.queue, b'{"name": "One"}', "c-1")  # duplicate
        self.rabbit.publish(self.queue, b'{"name": 5}', "c-2")  # invalid
        self.rabbit.publish(self.queue, b"<xml/>", "c-3")  # poison
        self.rabbit.publish(self.queue, b'{"name": "Two"}', "c-4")
        model = type(self.consumer)
        original = model._consume
        calls = []

        def flaky(consumer, body, message_id, headers=None, redelivered=False):
            calls.append(message_id)
            if message_id == "c-4" and not redelivered:
                raise ConnectionError("database unreachable")
            return original(consumer, body, message_id, headers, redelivered)

        with (
            patch.object(model, "_consume", flaky),
            patch("odoo.addons.integration_broker.tools.consumer_loop.time.sleep"),
            self.assertLogs(
                "odoo.addons.integration_broker.tools.consumer_loop", "ERROR"
            ),
        ):
            worker = self.run_worker()
        self.assertEqual(calls.count("c-4"), 2, "requeued, then processed")
        self.assertEqual(self.rabbit.count(self.queue), 0)
        self.assertEqual((worker.acked, worker.requeued), (0, 0), "all written")

        families = self.scrape()
        self.assertEqual(self.messages(families, "processed"), 2)
        self.assertEqual(self.messages(families, "duplicate"), 1)
        self.assertEqual(self.messages(families, "rejected"), 1)
        self.assertEqual(self.messages(families, "poison"), 1)
        self.assertEqual(self.messages(families, "needs_fix"), 0)
        self.assertEqual(
            self.value(
                families,
                "integration_broker_consumer_acknowledged",
                "integration_broker_consumer_acknowledged_total",
            ),
            5,
        )
        self.assertEqual(
            self.value(
                families,
                "integration_broker_consumer_requeued",
                "integration_broker_consumer_requeued_total",
            ),
            1,
        )
        age = self.value(
            families,
            "integration_broker_consumer_heartbeat_age_seconds",
            "integration_broker_consumer_heartbeat_age_seconds",
        )
        self.assertGreaterEqual(age, 0)
        self.assertLess(age, 60)
        # the form shows the same
        (row,) = self.consumer.worker_ids
        self.assertEqual(
            (row.name, row.processed_count, row.acknowledged_count),
            ("host-a/0", 2, 5),
        )
        self.assertTrue(self.consumer.last_seen_at)

        # a restarted process continues the same row: counters never go back
        self.rabbit.publish(self.queue, b'{"name": "Three"}', "c-5")
        self.run_worker()
        families = self.scrape()
        self.assertEqual(self.messages(families, "processed"), 3)
        self.assertEqual(len(self.consumer.worker_ids), 1)
        # a second worker adds up
        self.rabbit.publish(self.queue, b'{"name": "Four"}', "c-6")
        self.run_worker("host-b/0")
        families = self.scrape()
        self.assertEqual(self.messages(families, "processed"), 4)
        self.assertEqual(
            self.value(
                families,
                "integration_broker_consumer_acknowledged",
                "integration_broker_consumer_acknowledged_total",
            ),
            7,
        )

    def test_heartbeat_of_an_idle_worker(self):
        worker = consume.Worker(self.registry, self.consumer.id, "idle/0", 0.0)
        worker.register()
        self.env.cr.execute(
            "UPDATE integration_broker_consumer_worker "
            "SET last_seen_at = now() at time zone 'UTC' - interval '1 hour' "
            "WHERE id = %s",
            (worker.worker_id,),
        )
        families = self.scrape()
        age = self.value(
            families,
            "integration_broker_consumer_heartbeat_age_seconds",
            "integration_broker_consumer_heartbeat_age_seconds",
        )
        self.assertGreater(age, 3500, "a stopped consumer shows a growing age")
        worker.on_ack()
        worker.beat()
        families = self.scrape()
        self.assertLess(
            self.value(
                families,
                "integration_broker_consumer_heartbeat_age_seconds",
                "integration_broker_consumer_heartbeat_age_seconds",
            ),
            60,
        )
        self.assertEqual(
            self.value(
                families,
                "integration_broker_consumer_acknowledged",
                "integration_broker_consumer_acknowledged_total",
            ),
            1,
        )
