"""``GET /metrics`` over real HTTP: off by default, protected by a bearer
token or an address allowlist, parsed with ``prometheus_client``."""

from prometheus_client.parser import text_string_to_metric_families

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..models.integration_metrics import (
    PARAM_ALLOWLIST,
    PARAM_ENABLED,
    PARAM_TOKEN_DIGEST,
)
from ..tools import metrics_access
from .common import ApiHttpCase

TOKEN = "metrics-token-0123456789abcdef"


@tagged("-at_install", "post_install")
class TestMetricsEndpoint(ApiHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.params = cls.env["ir.config_parameter"].sudo()
        cls.params.set_param(PARAM_ENABLED, "True")
        cls.params.set_param(PARAM_TOKEN_DIGEST, metrics_access.token_digest(TOKEN))
        cls.params.set_param(PARAM_ALLOWLIST, False)

    def scrape(self, token=TOKEN, headers=None):
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.opener.get(
            self.base_url() + "/metrics", headers=headers, timeout=30
        )

    def families(self, response):
        self.assertEqual(response.status_code, 200, response.text)
        return {f.name: f for f in text_string_to_metric_families(response.text)}

    def samples(self, family, name, **labels):
        return [
            sample
            for sample in family.samples
            if sample.name == name
            and all(sample.labels.get(k) == v for k, v in labels.items())
        ]

    def test_off_unless_enabled(self):
        self.params.set_param(PARAM_ENABLED, False)
        self.assertEqual(self.scrape().status_code, 404)

    def test_bearer_token(self):
        self.assertEqual(self.scrape(token=None).status_code, 401)
        wrong = self.scrape(token="x" * 30)
        self.assertEqual(wrong.status_code, 401)
        self.assertEqual(wrong.headers["WWW-Authenticate"], 'Bearer realm="metrics"')
        self.assertNotIn("integration_", wrong.text)
        ok = self.scrape()
        self.assertTrue(
            ok.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        )
        self.assertIn("integration_events", self.families(ok))

    def test_allowlist_without_token(self):
        self.params.set_param(PARAM_TOKEN_DIGEST, False)
        self.assertEqual(self.scrape(token=None).status_code, 403, "nobody allowed yet")
        self.params.set_param(PARAM_ALLOWLIST, "10.0.0.0/8")
        self.assertEqual(self.scrape(token=None).status_code, 403)
        self.params.set_param(PARAM_ALLOWLIST, "10.0.0.0/8, 127.0.0.1")
        self.families(self.scrape(token=None))

    def test_api_requests_by_route_and_status_with_a_histogram(self):
        before = self.families(self.scrape())
        route = "POST /test/echo"

        def count(families, status):
            found = self.samples(
                families["integration_api_requests"],
                "integration_api_requests_total",
                route=route,
                status=status,
                system="api_shop",
            )
            return sum(s.value for s in found)

        for name in ("one", "two"):
            self.assertEqual(
                self.call("POST", "/test/echo", {"name": name}).status_code, 201
            )
        self.assertEqual(self.call("POST", "/test/echo", {"nom": "x"}).status_code, 422)
        after = self.families(self.scrape())
        self.assertEqual(count(after, "201") - count(before, "201"), 2)
        self.assertEqual(count(after, "422") - count(before, "422"), 1)
        histogram = after["integration_api_request_duration_seconds"]
        [total] = self.samples(
            histogram, "integration_api_request_duration_seconds_count", route=route
        )
        self.assertGreaterEqual(total.value, 3)
        buckets = self.samples(
            histogram, "integration_api_request_duration_seconds_bucket", route=route
        )
        values = [s.value for s in buckets]
        self.assertEqual(values, sorted(values), "cumulative")
        self.assertEqual(buckets[-1].labels["le"], "+Inf")
        self.assertEqual(buckets[-1].value, total.value)
        # the same figures once rolled up (two runs: note, then move)
        metrics = self.env["integration.metrics"]
        metrics._cron_rollup()
        metrics._cron_rollup()
        rolled = self.families(self.scrape())
        self.assertEqual(count(rolled, "201"), count(after, "201"))

    def test_settings_store_only_the_digest(self):
        settings = self.env["res.config.settings"].create(
            {"integration_metrics_token": "a-new-token-of-enough-length-42"}
        )
        settings.execute()
        digest = self.params.get_param(PARAM_TOKEN_DIGEST)
        self.assertEqual(
            digest, metrics_access.token_digest("a-new-token-of-enough-length-42")
        )
        self.assertFalse(
            self.env["ir.config_parameter"].search(
                [("value", "like", "a-new-token-of")]
            )
        )
        self.assertEqual(self.scrape().status_code, 401, "the old token is replaced")
        self.families(self.scrape(token="a-new-token-of-enough-length-42"))
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create(
                {"integration_metrics_allowed_addresses": "10.0.0.0/33"}
            )
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create(
                {"integration_metrics_token": "short"}
            )


@tagged("-at_install", "post_install")
class TestTraceOnMessages(ApiHttpCase):
    def test_traceparent_is_kept_on_the_message(self):
        traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        response = self.call(
            "POST",
            "/test/unmapped",
            {"sku": "NOPE-1"},
            headers={"traceparent": traceparent},
        )
        self.assertEqual(response.status_code, 202, response.text)
        message = self.env["integration.api.message"].browse(
            response.json()["message_id"]
        )
        self.assertEqual(message.trace_id, "0af7651916cd43dd8448eb211c80319c")
        log = self.env["integration.api.request.log"].search(
            [("message_id", "=", message.id)], limit=1
        )
        self.assertEqual(log.trace_id, message.trace_id)
        # reprocessing runs with the message's trace
        route = self.env["integration.api.router"]._api_route_table().get(message.route)
        self.assertEqual(message._api_request(route).trace_id, message.trace_id)

    def test_a_request_without_traceparent_starts_a_trace(self):
        bad = "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01"
        response = self.call(
            "POST", "/test/unmapped", {"sku": "NOPE-2"}, headers={"traceparent": bad}
        )
        message = self.env["integration.api.message"].browse(
            response.json()["message_id"]
        )
        self.assertRegex(message.trace_id, r"^[0-9a-f]{32}$")
        self.assertNotEqual(message.trace_id, "0af7651916cd43dd8448eb211c80319c")
