"""Real HTTP requests to the test server: auth, errors, limits, log, messages."""

import json
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import ApiHttpCase


@tagged("-at_install", "post_install")
class TestAuthentication(ApiHttpCase):
    def test_ping_with_header_or_bearer(self):
        for headers, token in (
            ({}, None),
            ({"Authorization": f"Bearer {self.token}"}, False),
        ):
            response = self.call("GET", "/ping", token=token, headers=headers)
            self.assertEqual(response.status_code, 200, response.text)
            body = response.json()
            self.assertEqual(body["system"], "api_shop")
            self.assertEqual(body["scopes"], ["events:read", "orders:write"])
            self.assertTrue(self.key.last_used_at)

    def test_every_bad_key_gets_the_same_401(self):
        expired, expired_token = self.make_key(
            ["orders:write"], expires_at=fields.Datetime.now() - timedelta(minutes=1)
        )
        revoked, revoked_token = self.make_key(["orders:write"])
        revoked.action_revoke()
        public_id = self.key.public_id
        cases = {
            "missing": False,
            "garbage": "hello",
            "wrong secret": f"odk_{public_id}_{'x' * 43}",
            "unknown id": f"odk_zzzzzzzz_{'x' * 43}",
            "expired": expired_token,
            "revoked": revoked_token,
        }
        details = set()
        for case, token in cases.items():
            with self.subTest(case):
                problem = self.assertProblem(
                    self.call("GET", "/ping", token=token), 401, "unauthorized"
                )
                details.add(problem["detail"])
                self.assertNotIn(public_id, json.dumps(problem))
        self.assertEqual(len(details), 1, "401s must not tell which check failed")

    def test_inactive_system_refuses_its_keys(self):
        self.system.action_suspend()
        self.assertProblem(self.call("GET", "/ping"), 401)
        self.system.action_activate()
        self.assertEqual(self.call("GET", "/ping").status_code, 200)

    def test_missing_scope_is_403(self):
        _key, token = self.make_key(["orders:read"])
        problem = self.assertProblem(
            self.call("POST", "/test/echo", {"name": "x"}, token=token),
            403,
            "forbidden",
        )
        self.assertEqual(problem["required_scope"], "orders:write")

    def test_repeated_failures_are_throttled(self):
        self.env["ir.config_parameter"].set_param(
            "integration_api.auth_failures_per_minute", 3
        )
        bad = f"odk_{self.key.public_id}_{'x' * 43}"
        statuses = [self.call("GET", "/ping", token=bad).status_code for _i in range(5)]
        self.assertEqual(statuses[:3], [401, 401, 401])
        response = self.call("GET", "/ping", token=bad)
        self.assertProblem(response, 429, "rate-limited")
        self.assertTrue(int(response.headers["Retry-After"]) >= 1)
        # the real key still works: failures do not lock out its owner
        self.assertEqual(self.call("GET", "/ping").status_code, 200)

    def test_handlers_run_as_the_technical_user(self):
        response = self.call("POST", "/test/echo", {"name": "Who am I"})
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(response.json()["user"], "api_shop_bot")


@tagged("-at_install", "post_install")
class TestErrors(ApiHttpCase):
    def test_404_and_405(self):
        self.assertProblem(self.call("GET", "/nothing/here"), 404, "not-found")
        response = self.call("DELETE", "/ping")
        self.assertProblem(response, 405, "method-not-allowed")
        self.assertEqual(response.headers["Allow"], "GET")

    def test_413_on_content_length(self):
        self.env["ir.config_parameter"].set_param("integration_api.max_body_bytes", 100)
        response = self.call("POST", "/test/echo", {"name": "x" * 200})
        self.assertProblem(response, 413, "payload-too-large")

    def test_415_and_400(self):
        response = self.call(
            "POST", "/test/echo", raw="name=x", content_type="text/plain"
        )
        self.assertProblem(response, 415, "unsupported-media-type")
        problem = self.assertProblem(
            self.call("POST", "/test/echo", raw='{"name": '), 400, "malformed-request"
        )
        self.assertIn("not valid JSON", problem["detail"])

    def test_422_lists_json_pointers(self):
        body = {
            "name": "",
            "lines": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 0}],
            "extra": 1,
        }
        problem = self.assertProblem(
            self.call("POST", "/test/echo", body), 422, "validation-failed"
        )
        pointers = {error["pointer"] for error in problem["errors"]}
        self.assertEqual(pointers, {"", "/lines/1/qty", "/name"})
        self.assertFalse(self.env["res.partner"].search([("name", "=", "")]))

    def test_query_is_coerced_and_validated(self):
        problem = self.assertProblem(self.call("GET", "/events?limit=ten&bogus=1"), 422)
        self.assertEqual({e["pointer"] for e in problem["errors"]}, {"", "/limit"})
        self.assertEqual(self.call("GET", "/events?limit=5").status_code, 200)

    def test_business_rule_is_422_and_rolled_back(self):
        problem = self.assertProblem(
            self.call("POST", "/test/business", {}), 422, "business-rule"
        )
        self.assertEqual(
            problem["errors"], [{"pointer": "/name", "detail": "Credit limit exceeded"}]
        )

    def test_500_leaks_nothing_but_is_logged(self):
        with self.assertLogs(
            "odoo.addons.integration_api.models.integration_api_dispatcher",
            level="ERROR",
        ) as logs:
            response = self.call(
                "POST", "/test/fail", {}, headers={"X-Request-Id": "req-500"}
            )
        problem = self.assertProblem(response, 500, "internal-error")
        self.assertNotIn("boom", response.text)
        self.assertNotIn("Traceback", response.text)
        self.assertEqual(problem["request_id"], "req-500")
        self.assertIn("req-500", logs.output[0])
        log = self.last_log()
        self.assertEqual((log.status, log.correlation_id), (500, "req-500"))
        self.assertIn("boom", log.error_detail)


@tagged("-at_install", "post_install")
class TestRateLimit(ApiHttpCase):
    def test_limit_per_key_with_headers(self):
        self.key.rate_limit_per_minute = 3
        responses = [self.call("GET", "/ping") for _i in range(3)]
        self.assertEqual([r.status_code for r in responses], [200, 200, 200])
        self.assertEqual(responses[0].headers["RateLimit-Policy"], '"default";q=3;w=60')
        self.assertRegex(responses[2].headers["RateLimit"], r'^"default";r=0;t=\d+$')
        response = self.call("GET", "/ping")
        self.assertProblem(response, 429, "rate-limited")
        self.assertGreaterEqual(int(response.headers["Retry-After"]), 1)
        self.assertIn("RateLimit", response.headers)
        # other keys have their own budget
        _key, token = self.make_key(["orders:write"])
        self.assertEqual(self.call("GET", "/ping", token=token).status_code, 200)

    def test_refused_requests_use_no_quota(self):
        """A wrong secret or a missing scope must not eat the key's budget."""
        self.key.rate_limit_per_minute = 2
        bad = f"odk_{self.key.public_id}_{'x' * 43}"
        self.assertEqual(self.call("GET", "/ping", token=bad).status_code, 401)
        _key, read_only = self.make_key(["orders:read"])
        self.env["integration.api.key"].browse(_key.id).rate_limit_per_minute = 2
        for _i in range(3):
            self.assertEqual(
                self.call(
                    "POST", "/test/echo", {"name": "x"}, token=read_only
                ).status_code,
                403,
            )
        self.assertEqual(self.call("GET", "/ping", token=read_only).status_code, 200)
        response = self.call("GET", "/ping")
        self.assertEqual(response.status_code, 200)
        self.assertRegex(response.headers["RateLimit"], r'^"default";r=1;t=\d+$')


@tagged("-at_install", "post_install")
class TestRequestLog(ApiHttpCase):
    def test_log_is_redacted_and_linked(self):
        traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        response = self.call(
            "POST",
            "/test/echo",
            {"name": "Logged", "lines": []},
            headers={
                "X-Request-Id": "abc-1",
                "traceparent": traceparent,
                "Authorization": f"Bearer {self.token}",
            },
        )
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(response.headers["X-Request-Id"], "abc-1")
        log = self.last_log()
        self.assertEqual(
            (log.method, log.path, log.status, log.route),
            ("POST", "/api/v1/test/echo", 201, "POST /test/echo"),
        )
        self.assertEqual(
            (log.correlation_id, log.trace_id),
            ("abc-1", "4bf92f3577b34da6a3ce929d0e0e4736"),
        )
        self.assertEqual((log.system_id, log.api_key_id), (self.system, self.key))
        headers = json.loads(log.request_headers)
        self.assertEqual(headers["X-Api-Key"], "***")
        self.assertEqual(headers["Authorization"], "***")
        self.assertIn('"Logged"', log.body_excerpt)
        partner = self.env["res.partner"].browse(response.json()["id"])
        self.assertEqual((log.res_model, log.res_ids), ("res.partner", str(partner.id)))
        self.assertGreater(log.duration_ms, 0)

    def test_generated_request_id_and_bounded_excerpt(self):
        response = self.call("POST", "/test/echo", {"name": "y" * 10000})
        self.assertRegex(response.headers["X-Request-Id"], r"^[0-9a-f]{32}$")
        self.assertLessEqual(len(self.last_log().body_excerpt), 4097)

    def test_secrets_are_stored_nowhere(self):
        self.call("POST", "/test/echo", {"name": "secret check", "note": self.token})
        self.call("GET", "/ping", headers={"Authorization": f"Bearer {self.token}"})
        secret = self.token.split("_", 2)[2]
        for table in (
            "integration_api_key",
            "integration_api_request_log",
            "integration_api_message",
            "integration_api_idempotency",
            "mail_message",
            "mail_tracking_value",
        ):
            self.env.cr.execute(
                f"SELECT count(*) FROM {table} t WHERE t::text LIKE %s",  # noqa: S608
                (f"%{secret}%",),
            )
            self.assertEqual(self.env.cr.fetchone()[0], 0, f"secret found in {table}")

    def test_public_routes_are_not_logged_when_fine(self):
        before = self.env["integration.api.request.log"].search_count([])
        self.assertEqual(self.call("GET", "/health", token=False).status_code, 200)
        self.assertEqual(
            self.env["integration.api.request.log"].search_count([]), before
        )


@tagged("-at_install", "post_install")
class TestKeptMessages(ApiHttpCase):
    def test_unmapped_code_is_kept_fixed_and_reprocessed(self):
        response = self.call("POST", "/test/unmapped", {"sku": "SKU-404"})
        self.assertEqual(response.status_code, 202, response.text)
        answer = response.json()
        self.assertEqual(answer["status"], "needs_fix")
        self.assertTrue(
            answer["status_url"].endswith(f"/api/v1/messages/{answer['message_id']}")
        )
        message = self.env["integration.api.message"].browse(answer["message_id"])
        exception = self.env["integration.exception"].browse(answer["exception_id"])
        self.assertEqual(message.state, "needs_fix")
        self.assertEqual(
            (exception.kind, exception.system_id), ("unmapped_code", self.system)
        )
        self.assertEqual(exception._source(), message)
        self.assertIn("mapping", exception.suggested_fix)

        status = self.call("GET", f"/messages/{message.id}").json()
        self.assertEqual(status["status"], "needs_fix")

        # a person adds the missing "mapping" and reprocesses from the dashboard
        partner = self.env["res.partner"].create({"name": "Mapped", "ref": "SKU-404"})
        exception.action_reprocess()
        self.assertEqual(message.state, "done")
        self.assertEqual(exception.state, "resolved")
        self.assertEqual(message.result_body, {"partner_id": partner.id})
        status = self.call("GET", f"/messages/{message.id}").json()
        self.assertEqual(
            (status["status"], status["result"]), ("done", {"partner_id": partner.id})
        )

    def test_successful_message_is_done_and_others_cannot_read_it(self):
        self.env["res.partner"].create({"name": "Known", "ref": "SKU-1"})
        response = self.call("POST", "/test/unmapped", {"sku": "SKU-1"})
        self.assertEqual(response.status_code, 201, response.text)
        message = self.env["integration.api.message"].search(
            [], limit=1, order="id desc"
        )
        self.assertEqual(message.state, "done")
        other_system = self.env["integration.system"].create(
            {"name": "Other", "code": "other", "state": "active"}
        )
        _key, token = self.make_key([], system=other_system)
        self.assertProblem(
            self.call("GET", f"/messages/{message.id}", token=token), 404
        )
        self.assertProblem(self.call("GET", "/messages/abc"), 404)

    def test_invalid_body_is_not_kept(self):
        self.assertEqual(
            self.call("POST", "/test/unmapped", {"sku": 5}).status_code, 422
        )
        self.assertFalse(
            self.env["integration.api.message"].search(
                [("path", "=", "/test/unmapped")]
            ),
            "invalid bodies are refused before anything is kept",
        )
