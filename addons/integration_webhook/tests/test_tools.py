import doctest
import json
import time

import standardwebhooks
from cloudevents.v1.http import from_http

from odoo.tests import BaseCase, tagged

from odoo.addons.integration_core.tools import signing

from ..tools import circuit, request_builder, retry, sender

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
            retry.parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412500), 10.0
        )
        self.assertEqual(retry.next_delay([5], 1, retry_after=10**9, jitter=0), retry.MAX_RETRY_AFTER)

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
            {"type": "order.accepted", "timestamp": ENVELOPE["time"], "data": ENVELOPE["data"]},
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
