"""The broker screens in a real browser (Odoo's web client in headless
Chromium): a new admin connects Odoo to the real RabbitMQ through the
menus alone."""

import json

from odoo.tests import new_test_user, tagged

from odoo.addons.integration_api.tests.common import ApiHttpCase

from .rabbit import AMQP_URL, Rabbit

# the tour types these (a tour's steps are static)
TOUR_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"
EXCHANGE, EXCHANGE_QUEUE = "odoo-test.tour.events", "odoo-test.tour.events.all"
ORDERS_QUEUE = "odoo-test.tour.orders"


@tagged("post_install", "-at_install")
class TestBrokerTour(ApiHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if AMQP_URL != TOUR_URL:
            cls.skipTest(cls, "the tour types the default broker URL")
        cls.rabbit = Rabbit()
        cls.addClassCleanup(cls.rabbit.close)
        channel = cls.rabbit.channel
        channel.exchange_declare(EXCHANGE, "topic", auto_delete=False)
        cls.rabbit.exchanges.append(EXCHANGE)
        for queue in (EXCHANGE_QUEUE, ORDERS_QUEUE):
            channel.queue_declare(queue)
            channel.queue_purge(queue)
            cls.rabbit.queues.append(queue)
        channel.queue_bind(EXCHANGE_QUEUE, EXCHANGE, "#")
        # a partner already published an order
        cls.rabbit.publish(ORDERS_QUEUE, b'{"name": "Waiting"}', "tour-1")
        # a new admin of the integrations, nothing more (no Settings rights)
        cls.admin = new_test_user(
            cls.env,
            login="broker_admin",
            groups="base.group_user,integration_core.group_integration_manager",
        )

    def test_new_admin_configures_the_broker_in_the_ui(self):
        self.start_tour("/odoo", "integration_broker_tour", login="broker_admin")
        connection = self.env["integration.broker.connection"].search(
            [("name", "=", "Event backbone")]
        )
        self.assertEqual(connection.url_display, "amqp://guest:***@127.0.0.1:5672/%2F")
        self.assertNotIn("guest:guest", connection.sudo().url_encrypted)
        self.assertEqual(connection._plain_url(), TOUR_URL)
        self.assertEqual(connection.create_uid, self.admin)
        self.assertTrue(connection.tls_verify and connection.tls_check_hostname)

        subscription = self.env["integration.subscription"].search(
            [("name", "=", "Backbone events")]
        )
        self.assertEqual(
            (subscription.transport, subscription.broker_connection_id),
            ("rabbitmq", connection),
        )
        self.assertEqual(subscription.broker_exchange, EXCHANGE)
        self.assertEqual(subscription.broker_routing_key, "{type}")
        self.assertEqual(subscription.payload_style, "cloudevents_binary")
        # the test event, read by a separate consumer from the bound queue
        ((props, body),) = self.rabbit.take(EXCHANGE_QUEUE)
        self.assertEqual(props.headers["cloudEvents:type"], "integration.ping")
        self.assertEqual(json.loads(body)["message"], "Test event from Odoo")
        self.assertEqual(
            subscription.delivery_ids.attempt_ids.mapped("outcome"), ["success"]
        )

        consumer = self.env["integration.broker.consumer"].search(
            [("name", "=", "Shop orders queue")]
        )
        self.assertEqual(
            (
                consumer.system_id,
                consumer.connection_id,
                consumer.queue,
                consumer.route,
                consumer.concurrency,
            ),
            (self.system, connection, ORDERS_QUEUE, "POST /test/echo", 2),
        )
        # checked, not consumed
        self.assertEqual(self.rabbit.count(ORDERS_QUEUE), 1)
