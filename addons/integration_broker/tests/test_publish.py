import json
from unittest import mock

import pika

from odoo.exceptions import AccessError, ValidationError

from odoo.addons.integration_api.tools.tracing import parse_traceparent

from ..tools import publisher
from .common import BrokerCase, closed_port_url
from .rabbit import AMQP_URL


def counting_connections():
    """A ``Publisher.connection_class`` patch that keeps every connection
    opened (the list it returns)."""
    opened = []

    class Counting(pika.SelectConnection):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            opened.append(self)

    return mock.patch.object(publisher.Publisher, "connection_class", Counting), opened


class TestPublish(BrokerCase):
    def test_published_with_cloudevents_amqp_properties(self):
        subscription = self.subscribe()
        events = self.emit("one", subject="integration.test/1") | self.emit(
            "two", subject="integration.test/2"
        )
        # written in the transaction, sent by the job after commit: nothing yet
        self.assertEqual(self.rabbit.count(self.queue), 0)
        self.assertEqual(set(subscription.delivery_ids.mapped("state")), {"pending"})

        self.assertEqual(self.drain(subscription), "2 sent")

        messages = self.rabbit.take(self.queue)
        self.assertEqual(len(messages), 2)
        by_id = {props.message_id: (props, body) for props, body in messages}
        self.assertEqual(set(by_id), set(events.mapped("uuid")))
        for event in events:
            props, body = by_id[event.uuid]
            self.assertEqual(json.loads(body), event.data)
            self.assertEqual(props.content_type, "application/json")
            self.assertEqual(props.delivery_mode, 2)
            self.assertEqual(props.type, "integration.ping")
            headers = props.headers
            self.assertEqual(headers["cloudEvents:id"], event.uuid)
            self.assertEqual(headers["cloudEvents:specversion"], "1.0")
            self.assertEqual(headers["cloudEvents:type"], "integration.ping")
            self.assertEqual(headers["cloudEvents:source"], event.source)
            self.assertEqual(headers["cloudEvents:subject"], event.subject)
            self.assertEqual(headers["cloudEvents:partitionkey"], event.subject)
            self.assertEqual(headers["cloudEvents:sequence"], str(event.sequence))
            # the event's trace: derived from its id, a new span per publish
            self.assertEqual(
                parse_traceparent(headers["traceparent"]), event.uuid.replace("-", "")
            )
            self.assertEqual(headers["cloudEvents:traceparent"], headers["traceparent"])
            # the span sent is the one the attempt stored
            attempt = subscription.delivery_ids.filtered(
                lambda d, event=event: d.event_id == event
            ).attempt_ids
            self.assertEqual(
                headers["traceparent"], f"00-{attempt.trace_id}-{attempt.span_id}-01"
            )
        deliveries = subscription.delivery_ids
        self.assertEqual(set(deliveries.mapped("state")), {"delivered"})
        self.assertEqual(deliveries.attempt_ids.mapped("outcome"), ["success"] * 2)

    def test_routing_key_template_and_structured_mode(self):
        subscription = self.subscribe(
            broker_routing_key="integration.{type}.v{dataversion}",
            payload_style="cloudevents",
        )
        only_v1 = self.rabbit.queue(self.exchange, "integration.integration.ping.v1")
        event = self.emit()
        self.drain(subscription)
        ((props, body),) = self.rabbit.take(only_v1)
        self.assertEqual(props.content_type, "application/cloudevents+json")
        envelope = json.loads(body)
        self.assertEqual((envelope["id"], envelope["type"]), (event.uuid, event.type))
        self.assertEqual(props.message_id, event.uuid)
        with self.assertRaises(ValidationError):
            subscription.broker_routing_key = "{type.__class__}"

    def test_order_per_subject_with_one_queue(self):
        subscription = self.subscribe(broker_window=7)
        events = self.env["integration.event"]
        for number in range(30):
            events |= self.emit(f"n{number}", subject="integration.test/same")
        self.drain(subscription)
        messages = self.rabbit.take(self.queue)
        self.assertEqual(
            [props.message_id for props, _body in messages], events.mapped("uuid")
        )
        sequences = [int(p.headers["cloudEvents:sequence"]) for p, _b in messages]
        self.assertEqual(sequences, sorted(sequences))
        self.assertEqual(len(set(sequences)), 30)

    def test_one_connection_per_drain(self):
        subscription = self.subscribe(broker_window=2)
        for number in range(5):
            self.emit(f"n{number}")
        patch, opened = counting_connections()
        with patch:
            # three confirm windows (2, 2, 1) on one connection, closed at the end
            self.assertEqual(self.drain(subscription), "5 sent")
        self.assertEqual(len(opened), 1)
        self.assertTrue(opened[0].is_closed)
        self.assertEqual(set(subscription.delivery_ids.mapped("state")), {"delivered"})
        self.assertEqual(self.rabbit.count(self.queue), 5)

    def test_failed_window_retried_and_next_window_reconnects(self):
        def messages(*ids):
            return [
                ("integration.x", b"{}", {"message_id": i, "delivery_mode": 2})
                for i in ids
            ]

        patch, opened = counting_connections()
        parameters = pika.URLParameters(AMQP_URL)
        with patch, publisher.Publisher(parameters, self.exchange, 5, 10) as pub:
            first = pub.publish(messages("a", "b"))
            self.assertEqual([r.outcome for r in first], ["success"] * 2)
            # the exchange goes: the broker closes the channel, nothing confirmed
            self.rabbit.channel.exchange_delete(self.exchange)
            lost = pub.publish(messages("c", "d"))
            self.assertEqual([r.outcome for r in lost], ["retry"] * 2)
            self.assertIn("NOT_FOUND", lost[0].error)
            # back again: the next window opens a new connection
            self.rabbit.channel.exchange_declare(self.exchange, "topic", durable=False)
            self.rabbit.bind(self.queue, self.exchange, "integration.#")
            again = pub.publish(messages("c", "d"))
            self.assertEqual([r.outcome for r in again], ["success"] * 2)
        self.assertEqual(len(opened), 2)
        self.assertTrue(all(connection.is_closed for connection in opened))
        taken = self.rabbit.take(self.queue)
        self.assertEqual([p.message_id for p, _b in taken], ["a", "b", "c", "d"])

    def test_unroutable_is_an_exception_then_delivered_once_bound(self):
        # nothing bound for "integration.#" on this exchange
        lonely = self.rabbit.exchange()
        subscription = self.subscribe(broker_exchange=lonely)
        self.emit()
        self.drain(subscription)
        delivery = subscription.delivery_ids
        self.assertEqual(delivery.state, "pending")
        self.assertIn("unroutable", delivery.last_error)
        self.assertEqual(subscription.circuit_state, "closed")
        exception = self.env["integration.exception"].search(
            [("fingerprint", "=", f"broker-unroutable:{subscription.id}")]
        )
        self.assertEqual(exception.state, "new")

        queue = self.rabbit.queue(lonely, "#")
        self.make_due(delivery)
        self.drain(subscription)
        self.assertEqual(delivery.state, "delivered")
        self.assertEqual(exception.state, "resolved")
        self.assertEqual(self.rabbit.count(queue), 1)

    def test_broker_down_retries_then_dead_then_replay(self):
        down = self.env["integration.broker.connection"].create(
            {"name": "Down", "url": closed_port_url(), "timeout": 2}
        )
        subscription = self.subscribe(broker_connection_id=down.id, retry_schedule="1")
        self.emit()
        delivery = subscription.delivery_ids
        self.drain(subscription)
        self.assertEqual(delivery.state, "pending")
        self.assertIn("cannot connect", delivery.last_error)
        self.assertEqual(subscription.consecutive_failures, 1)
        self.make_due(delivery)
        self.drain(subscription)
        self.assertEqual(delivery.state, "dead")
        self.assertTrue(delivery.dead_exception_id)
        # the broker is back (here: another connection): replay delivers it
        subscription.broker_connection_id = self.connection
        delivery.action_replay()
        self.drain(subscription)
        self.assertEqual(delivery.state, "delivered")
        self.assertEqual(delivery.dead_exception_id.state, "resolved")
        self.assertEqual(self.rabbit.count(self.queue), 1)

    def test_broker_down_one_connection_attempt_per_window(self):
        down = self.env["integration.broker.connection"].create(
            {"name": "Down", "url": closed_port_url(), "timeout": 2}
        )
        subscription = self.subscribe(broker_connection_id=down.id, broker_window=2)
        for number in range(4):
            self.emit(f"n{number}")
        patch, opened = counting_connections()
        with patch:
            # the early open is the first window's attempt, not one more
            self.assertEqual(self.drain(subscription), "4 sent")
        self.assertEqual(len(opened), 2)
        deliveries = subscription.delivery_ids
        self.assertEqual(set(deliveries.mapped("state")), {"pending"})
        self.assertEqual(deliveries.attempt_ids.mapped("outcome"), ["retry"] * 4)
        self.assertTrue(all("cannot connect" in d.last_error for d in deliveries))

    def test_missing_exchange_is_retried(self):
        subscription = self.subscribe(broker_exchange=self.rabbit.unique("nope"))
        self.emit()
        self.drain(subscription)
        delivery = subscription.delivery_ids
        self.assertEqual(delivery.state, "pending")
        self.assertIn("NOT_FOUND", delivery.last_error)

    def test_circuit_opens_and_waits(self):
        down = self.env["integration.broker.connection"].create(
            {"name": "Down", "url": closed_port_url(), "timeout": 2}
        )
        subscription = self.subscribe(
            broker_connection_id=down.id, failure_threshold=2, retry_schedule="1,1,1"
        )
        self.emit("a")
        self.emit("b")
        self.drain(subscription)
        self.assertEqual(subscription.circuit_state, "open")
        self.assertEqual(self.drain(subscription), "circuit open: deliveries wait")

    def test_test_event_button_publishes(self):
        subscription = self.subscribe()
        action = subscription.with_user(
            self.integration_manager
        ).action_send_test_event()
        self.assertEqual(action["params"]["type"], "success")
        ((props, _body),) = self.rabbit.take(self.queue)
        self.assertEqual(props.type, "integration.ping")

    def test_connection_url_is_encrypted_and_redacted(self):
        connection = self.env["integration.broker.connection"].create(
            {"name": "Secret", "url": "amqps://odoo:pa55word@mq.example.com:5671/prod"}
        )
        self.assertNotIn("pa55word", connection.sudo().url_encrypted)
        self.assertEqual(connection.url, "amqps://odoo:***@mq.example.com:5671/prod")
        self.assertEqual(
            connection._plain_url(), "amqps://odoo:pa55word@mq.example.com:5671/prod"
        )
        parameters = connection._parameters()
        self.assertTrue(parameters.ssl_options)
        self.assertEqual(parameters.credentials.password, "pa55word")
        # the redacted value coming back from the form changes nothing
        connection.url = connection.url
        self.assertEqual(connection._plain_url().split("@")[0], "amqps://odoo:pa55word")
        with self.assertRaises(ValidationError):
            connection.url = "http://mq.example.com"
        self.assertFalse(
            connection.with_user(self.integration_user)
            .read(["url_display"])[0]
            .get("url_encrypted")
        )

    def test_webhook_subscriptions_still_need_an_url(self):
        with self.assertRaises(ValidationError):
            self.env["integration.subscription"].create(
                {"name": "No URL", "event_type_ids": [(6, 0, self.ping.ids)]}
            )
        with self.assertRaises(ValidationError):
            self.subscribe(broker_connection_id=False)


class TestAccess(BrokerCase):
    def test_least_privilege(self):
        connection = self.connection.with_user(self.integration_user)
        # users see the connection, not its credentials, and change nothing
        self.assertEqual(connection.url_display, self.connection.url_display)
        with self.assertRaises(AccessError):
            connection.read(["url_encrypted"])
        with self.assertRaises(AccessError):
            connection.write({"name": "renamed"})
        with self.assertRaises(AccessError):
            self.env["integration.broker.consumer"].with_user(
                self.integration_user
            ).create(
                {
                    "name": "x",
                    "connection_id": self.connection.id,
                    "system_id": self.system.id,
                    "queue": "q",
                    "route": "POST /orders",
                }
            )
        with self.assertRaises(AccessError):
            self.connection.with_user(self.plain_user).read(["name"])
        # managers configure connections (and never read the URL back)
        manager = self.env["integration.broker.connection"].with_user(
            self.integration_manager
        )
        created = manager.create({"name": "Mine", "url": "amqp://u:p@mq.example.com/"})
        self.assertEqual(created.url, "amqp://u:***@mq.example.com/")

    def test_other_company_connections_are_invisible(self):
        other = self.env["res.company"].create({"name": "Other distributor"})
        theirs = self.env["integration.broker.connection"].create(
            {
                "name": "Theirs",
                "url": "amqp://u:p@mq.example.com/",
                "company_id": other.id,
            }
        )
        self.integration_manager.write(
            {
                "company_ids": [(6, 0, self.env.company.ids)],
                "company_id": self.env.company.id,
            }
        )
        visible = (
            self.env["integration.broker.connection"]
            .with_user(self.integration_manager)
            .search([("name", "in", ("Theirs", "Test broker"))])
        )
        self.assertEqual(visible, self.connection)
        self.assertNotIn(theirs, visible)
