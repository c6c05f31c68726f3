import doctest
import json
import time

import standardwebhooks
from cloudevents.v1.http import from_http

from odoo.tests import BaseCase, tagged

from odoo.addons.integration_core.tools import signing

from ..tools import circuit, request_builder, retry, sender
from .receiver import WebhookReceiver

ENVELOPE = {
    "specversion": "1.0",
    "id": "4f1c",
    "source": "https://erp.example.com/integration",
    "type": "order.accepted",
    "subject": "sale.order/7",
    "time": "2026-11-27T10:00:00Z",
    "datacontenttype": "application/json",
    "sequence": 3,
    "data": {"order_ref": "S00007"},
}


@tagged("-at_install", "post_install")
class TestWebhookTools(BaseCase):
    def test_doctests(self):
        for module in (circuit, request_builder, retry, sender):
            result = doctest.testmod(module)
            self.assertEqual(result.failed, 0, module.__name__)

    def test_connections_go_to_the_vetted_address_not_to_dns(self):
        """DNS rebinding: the name may resolve elsewhere by the time the
        request goes out; the sender connects to the address that was
        checked. ``localhost`` resolves to 127.0.0.1, where nothing listens
        on this port; the receiver is on 127.0.0.3."""
        with WebhookReceiver(host="127.0.0.3") as receiver:
            url = f"http://localhost:{receiver.port}/hooks"
            headers = {"Content-Type": "application/json"}
            pinned = sender.new_connection(url, ["127.0.0.3"])
            try:
                result = sender.post(pinned, url, headers, b"{}", 5)
            finally:
                pinned.close()
            self.assertEqual(result.outcome, "success", result.error)
            self.assertEqual(
                receiver.received[0].headers["host"], f"localhost:{receiver.port}"
            )
            resolved = sender.new_connection(url)
            try:
                result = sender.post(resolved, url, headers, b"{}", 5)
            finally:
                resolved.close()
            self.assertEqual(result.outcome, "retry")
            self.assertIn("connection failed", result.error)
            self.assertEqual(len(receiver.received), 1)

    def test_pinned_addresses_are_tried_in_order(self):
        with WebhookReceiver(host="127.0.0.3") as receiver:
            url = f"http://hooks.example.com:{receiver.port}/hooks"
            # 127.0.0.2 refuses the connection: the next vetted address is used
            pool = sender.new_connection(url, ["127.0.0.2", "127.0.0.3"])
            try:
                result = sender.post(pool, url, {}, b"{}", 5)
            finally:
                pool.close()
            self.assertEqual(result.outcome, "success", result.error)
            self.assertEqual(
                receiver.received[0].headers["host"],
                f"hooks.example.com:{receiver.port}",
            )

    def test_default_schedule_is_the_leading_services(self):
        schedule = retry.parse_schedule(retry.DEFAULT_SCHEDULE)
        self.assertEqual(retry.max_attempts(schedule), 8)
        self.assertAlmostEqual(sum(schedule) / 3600, 27, delta=1)

    def test_jitter_stays_within_ten_percent(self):
        schedule = [300]
        low = retry.next_delay(schedule, 1, rand=lambda: 0.0)
        high = retry.next_delay(schedule, 1, rand=lambda: 1.0)
        self.assertEqual((low, high), (270.0, 330.0))

    def test_retry_after_http_date(self):
        self.assertEqual(
            retry.parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412500),
            10.0,
        )
        self.assertEqual(
            retry.next_delay([5], 1, retry_after=10**9, jitter=0), retry.MAX_RETRY_AFTER
        )

    def test_structured_request_verifies_and_parses(self):
        secret = signing.generate_hmac_secret()
        headers, body = request_builder.build_request(
            ENVELOPE, "cloudevents", "msg_4f1c", int(time.time()), [secret]
        )
        payload = standardwebhooks.Webhook(secret).verify(body, headers)
        self.assertEqual(payload["data"], {"order_ref": "S00007"})
        event = from_http(headers, body)
        self.assertEqual(event["type"], "order.accepted")
        self.assertEqual(event["sequence"], 3)

    def test_binary_request_parses(self):
        secret = signing.generate_hmac_secret()
        headers, body = request_builder.build_request(
            ENVELOPE, "cloudevents_binary", "msg_4f1c", 1, [secret]
        )
        event = from_http(headers, body)
        self.assertEqual(event["id"], "4f1c")
        self.assertEqual(event["subject"], "sale.order/7")
        self.assertEqual(event.data, {"order_ref": "S00007"})

    def test_standard_style(self):
        _headers, body = request_builder.build_request(
            ENVELOPE, "standard", "m", 1, [signing.generate_hmac_secret()]
        )
        self.assertEqual(
            json.loads(body),
            {
                "type": "order.accepted",
                "timestamp": ENVELOPE["time"],
                "data": ENVELOPE["data"],
            },
        )

    def test_extra_headers_cannot_replace_signature(self):
        headers, _body = request_builder.build_request(
            ENVELOPE,
            "cloudevents",
            "m",
            1,
            [signing.generate_hmac_secret()],
            extra={"Webhook-Signature": "v1,forged", "Authorization": "Bearer t"},
        )
        self.assertNotIn("forged", headers["webhook-signature"])
        self.assertEqual(headers["authorization"], "Bearer t")

    def test_circuit_probe_failure_backs_off_exponentially(self):
        state = circuit.Circuit()
        for now in (1, 2):
            state = circuit.after_result(state, False, now, threshold=2, cooldown=10)
        self.assertEqual((state.state, state.open_until), ("open", 12))
        self.assertEqual(circuit.allows(state, 5), 0)
        self.assertEqual(circuit.allows(state, 12), 1)
        state = circuit.after_result(state, False, 12, threshold=2, cooldown=10)
        self.assertEqual(state.open_until, 32)
        self.assertEqual(state.failing_since, 1)
