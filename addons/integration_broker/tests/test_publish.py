import json

from odoo.exceptions import AccessError, ValidationError

from odoo.addons.integration_api.tools.tracing import parse_traceparent

from .common import BrokerCase, closed_port_url


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
