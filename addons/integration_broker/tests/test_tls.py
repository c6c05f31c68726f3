"""``amqps://`` for real: a throw-away CA, a TLS-terminating proxy on
127.0.0.1 in front of the plain RabbitMQ port, what Odoo publishes over TLS
read back by a separate consumer on the plain port; untrusted
certificates, wrong host names and a missing client certificate refused
with a readable error that names no secret."""

import json
import logging

from odoo.exceptions import ValidationError

from ..tools import tls
from ..tools.consumer_loop import consume_once
from .common import BrokerCase
from .tls_proxy import Authority, TlsProxy

PASSWORD = "Tls-S3cret-Pw"  # never reaches the broker: TLS fails first


class _Capture(logging.Handler):
    """Everything logged, whatever the logger and level."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


class TestTls(BrokerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ca = Authority()
        cert, key = cls.ca.issue("localhost", ["localhost", "127.0.0.1"])
        cls.proxy = TlsProxy(cert, key)
        cls.addClassCleanup(cls.proxy.close)
        other_cert, other_key = cls.ca.issue("mq.example.com", ["mq.example.com"])
        cls.misnamed = TlsProxy(other_cert, other_key)
        cls.addClassCleanup(cls.misnamed.close)
        cls.mutual = TlsProxy(cert, key, client_ca_pem=cls.ca.pem)
        cls.addClassCleanup(cls.mutual.close)
        cls.client_cert, cls.client_key = cls.ca.issue("odoo-relay", client=True)

    def tls_connection(self, proxy, **values):
        vals = {
            "name": "TLS broker",
            "url": proxy.url(),
            "timeout": 5,
            "tls_ca_cert": self.ca.pem,
        }
        vals.update(values)
        return self.env["integration.broker.connection"].create(vals)

    def relay(self, connection, count=1):
        """Emit ``count`` events to a subscription on ``connection``, drain
        once, and return ``(subscription, events, everything logged)``."""
        subscription = self.subscribe(broker_connection_id=connection.id)
        events = self.env["integration.event"]
        for number in range(count):
            events |= self.emit(f"tls {number}", subject=f"integration.test/{number}")
        capture = _Capture()
        root = logging.getLogger()
        root.addHandler(capture)
        previous = root.level
        root.setLevel(logging.DEBUG)
        try:
            self.drain(subscription)
        finally:
            root.removeHandler(capture)
            root.setLevel(previous)
        return subscription, events, "\n".join(capture.lines)

    def assert_refused(self, connection, reason):
        sessions = self.proxy.sessions + self.misnamed.sessions
        subscription, _events, logged = self.relay(connection)
        delivery = subscription.delivery_ids
        self.assertEqual(delivery.state, "pending", "retried on its schedule")
        attempt = delivery.attempt_ids
        self.assertEqual(attempt.outcome, "retry")
        self.assertIn("cannot connect to the broker: TLS:", attempt.error)
        self.assertIn(reason, attempt.error)
        for text in (attempt.error, logged):
            self.assertNotIn(PASSWORD, text)
        self.assertEqual(self.rabbit.count(self.queue), 0)
        self.assertEqual(
            self.proxy.sessions + self.misnamed.sessions, sessions, "no TLS session"
        )
        return subscription, attempt

    def test_published_over_tls_with_the_ca_verified(self):
        connection = self.tls_connection(self.proxy)
        self.assertTrue(connection.uses_tls)
        self.assertIn("CN=Odoo test CA", connection.tls_summary)
        sessions = self.proxy.sessions
        subscription, events, _logged = self.relay(connection, count=3)
        self.assertEqual(self.proxy.sessions, sessions + 1, "one TLS session")
        self.assertEqual(set(subscription.delivery_ids.mapped("state")), {"delivered"})
        # read back on the plain port by a separate consumer
        messages = self.rabbit.take(self.queue)
        by_id = {props.message_id: (props, body) for props, body in messages}
        self.assertEqual(set(by_id), set(events.mapped("uuid")))
        for event in events:
            props, body = by_id[event.uuid]
            self.assertEqual(json.loads(body), event.data)
            self.assertEqual(props.headers["cloudEvents:subject"], event.subject)

    def test_an_untrusted_certificate_is_refused_then_dead(self):
        # no CA given: the public bundle does not know the test CA
        connection = self.tls_connection(
            self.proxy,
            url=self.proxy.url(password=PASSWORD),
            tls_ca_cert=False,
        )
        subscription, attempt = self.assert_refused(
            connection, "certificate was refused (unable to get local issuer"
        )
        self.assertIn("unknown ca", self.proxy.failures[-1])
        # the schedule runs out: a dead delivery and an exception that says why
        delivery = subscription.delivery_ids
        for _retry in range(2):
            self.make_due(delivery)
            self.drain(subscription)
        self.assertEqual(delivery.state, "dead")
        exception = delivery.dead_exception_id
        self.assertIn("certificate was refused", exception.detail)
        self.assertNotIn(PASSWORD, exception.detail)
        self.assertNotIn(PASSWORD, delivery.attempt_ids[-1].error)

    def test_a_wrong_host_name_is_refused_unless_not_checked(self):
        connection = self.tls_connection(
            self.misnamed, url=self.misnamed.url(password=PASSWORD)
        )
        self.assert_refused(connection, "Hostname mismatch")
        # the certificate is still verified without the host name check
        connection.write({"tls_check_hostname": False, "url": self.misnamed.url()})
        subscription, events, _logged = self.relay(connection)
        self.assertEqual(subscription.delivery_ids.state, "delivered")
        ((props, _body),) = self.rabbit.take(self.queue)
        self.assertEqual(props.message_id, events.uuid)

    def test_client_certificate_for_a_broker_that_requires_one(self):
        connection = self.tls_connection(self.mutual)
        subscription, _events, _logged = self.relay(connection)
        error = subscription.delivery_ids.attempt_ids.error
        self.assertIn("TLS: the broker closed the encrypted connection", error)
        self.assertIn("client certificate", error)
        connection.write(
            {"tls_client_cert": self.client_cert, "tls_client_key": self.client_key}
        )
        # the key is stored encrypted, never shown again
        self.assertTrue(connection.tls_client_key_set)
        self.assertFalse(connection.tls_client_key)
        stored = connection.sudo().tls_client_key_encrypted
        self.assertNotIn("PRIVATE KEY", stored)
        self.assertNotIn(self.client_key.splitlines()[1], stored)
        self.assertIn("CN=odoo-relay", connection.tls_summary)
        sessions = self.mutual.sessions
        subscription, events, _logged = self.relay(connection)
        self.assertEqual(subscription.delivery_ids.state, "delivered")
        self.assertEqual(self.mutual.sessions, sessions + 1)
        ((props, _body),) = self.rabbit.take(self.queue)
        self.assertEqual(props.message_id, events.uuid)
        # no client certificate any more: its key goes with it
        connection.tls_client_cert = False
        self.assertFalse(connection.tls_client_key_set)
        self.assertFalse(connection.sudo().tls_client_key_encrypted)

    def test_pem_texts_are_checked_when_saved(self):
        connection = self.tls_connection(self.proxy)
        with (
            self.assertRaisesRegex(ValidationError, "not in PEM format"),
            self.cr.savepoint(),
        ):
            connection.tls_ca_cert = "not a certificate"
        with (
            self.assertRaisesRegex(ValidationError, "Paste the client key"),
            self.cr.savepoint(),
        ):
            connection.tls_client_cert = self.client_cert
        other_cert, _other_key = self.ca.issue("someone-else", client=True)
        with (
            self.assertRaisesRegex(ValidationError, "does not belong"),
            self.cr.savepoint(),
        ):
            connection.write(
                {"tls_client_cert": other_cert, "tls_client_key": self.client_key}
            )
        with (
            self.assertRaisesRegex(ValidationError, "not a PEM private key"),
            self.cr.savepoint(),
        ):
            connection.write(
                {"tls_client_cert": self.client_cert, "tls_client_key": self.ca.pem}
            )

    def test_connection_button_says_why_in_words(self):
        untrusted = self.tls_connection(
            self.proxy, url=self.proxy.url(password=PASSWORD), tls_ca_cert=False
        )
        params = untrusted.action_test_connection()["params"]
        self.assertEqual(params["type"], "danger")
        self.assertIn("certificate was refused", params["message"])
        self.assertNotIn(PASSWORD, params["message"])
        params = self.tls_connection(self.proxy).action_test_connection()["params"]
        self.assertEqual((params["type"], params["title"]), ("success", "Connected"))
        self.assertNotIn("guest:guest", params["message"])

    def test_a_consumer_reads_over_tls(self):
        connection = self.tls_connection(self.proxy)
        queue = self.rabbit.queue()
        self.rabbit.publish(queue, b'{"n": 1}', "tls-1")
        received = []
        sessions = self.proxy.sessions
        acked = consume_once(
            connection._parameters(),
            queue,
            1,
            lambda body, props, _r: received.append((props.message_id, body)),
            lambda: False,
            idle_timeout=1,
        )
        self.assertEqual((acked, received), (1, [("tls-1", b'{"n": 1}')]))
        self.assertEqual(self.proxy.sessions, sessions + 1)
        self.assertEqual(self.rabbit.count(queue), 0)

    def test_tls_settings_build_the_context(self):
        import ssl  # noqa: PLC0415

        context = tls.client_context(tls.TlsSettings(ca_pem=self.ca.pem))
        self.assertEqual(
            (context.verify_mode, context.check_hostname), (ssl.CERT_REQUIRED, True)
        )
        context = tls.client_context(
            tls.TlsSettings(ca_pem=self.ca.pem, check_hostname=False)
        )
        self.assertEqual(
            (context.verify_mode, context.check_hostname), (ssl.CERT_REQUIRED, False)
        )
        context = tls.client_context(tls.TlsSettings(verify=False))
        self.assertEqual(context.verify_mode, ssl.CERT_NONE)
