"""Odd but legal input over real HTTP: a 400/404 problem document, nothing
written to business tables, the exchange logged with the body byte-exact."""

import base64
import json
import os

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..tools.json_body import MAX_DEPTH
from .common import ApiHttpCase

PROBLEM = "application/problem+json"


@tagged("-at_install", "post_install")
class TestRefusedBodies(ApiHttpCase):
    """Each class of body Python parses but Odoo must not take."""

    CASES = {
        "NaN": (b'{"sku": "A", "qty": NaN}', "/qty"),
        "Infinity": (b'{"sku": "A", "qty": Infinity}', "/qty"),
        "-Infinity": (b'{"sku": "A", "qty": -Infinity}', "/qty"),
        "1e999": (b'{"sku": "A", "qty": 1e999}', "/qty"),
        "huge integer": (
            b'{"sku": "A", "qty": 123456789012345678901234567890}',
            "/qty",
        ),
        "deep nesting": (
            b'{"sku": "A", "x": ' + b"[" * 10000 + b"]" * 10000 + b"}",
            "/x" + "/0" * (MAX_DEPTH - 1),
        ),
        "U+0000 in a string": (b'{"sku": "A\\u0000B"}', "/sku"),
        "U+0000 in a key": (b'{"sku": "A", "no\\u0000te": 1}', "/no\x00te"),
        "lone surrogate": (b'{"sku": "\\ud800"}', "/sku"),
        "duplicate keys": (b'{"sku": "A", "sku": "B"}', "/sku"),
        "not UTF-8": (b'{"sku": "caf\xe9"}', ""),
        "syntax": (b'{"sku": "A",}', ""),
    }

    def counts(self):
        env = self.env
        return (
            env["integration.api.message"].search_count([]),
            env["integration.api.idempotency"].search_count([]),
            env["integration.exception"].search_count([]),
            env["res.partner"].search_count([]),
        )

    def test_each_class_is_refused_before_anything_is_written(self):
        # /test/unmapped keeps its messages and honours Idempotency-Key: the
        # body must be refused before either is written
        for case, (raw, pointer) in self.CASES.items():
            with self.subTest(case):
                before = self.counts()
                response = self.call(
                    "POST",
                    "/test/unmapped",
                    raw=raw,
                    headers={"Idempotency-Key": f"robust-{case}"},
                )
                problem = self.assertProblem(response, 400, "malformed-request")
                self.assertEqual(problem["in"], "body")
                self.assertIn(
                    pointer, [error["pointer"] for error in problem["errors"]]
                )
                self.assertEqual(self.counts(), before, "nothing may be written")
                log = self.last_log()
                self.assertEqual(log.status, 400)
                self.assertEqual(log.correlation_id, response.headers["X-Request-Id"])
                self.assertEqual(base64.b64decode(log.body_raw), raw, "kept byte-exact")
                self.assertEqual(json.loads(log.errors), problem["errors"])
                self.assertIn(pointer or "(the whole body)", log.error_lines)
                self.assertNotIn("\x00", log.body_excerpt)

    def test_raw_nul_and_binary_bytes_are_logged(self):
        raw = b"\x00\xff\xfe binary \x00"
        response = self.call("POST", "/test/echo", raw=raw)
        self.assertProblem(response, 400, "malformed-request")
        log = self.last_log()
        self.assertEqual(base64.b64decode(log.body_raw), raw)
        self.assertIn("binary", log.body_excerpt)

    def test_a_body_of_another_media_type_is_kept_too(self):
        response = self.call(
            "POST", "/test/echo", raw=b"\x00<xml/>", content_type="text/xml"
        )
        self.assertProblem(response, 415, "unsupported-media-type")
        self.assertEqual(base64.b64decode(self.last_log().body_raw), b"\x00<xml/>")

    def test_a_huge_string_within_the_size_limit(self):
        # incompressible, so that PostgreSQL's index on the partner name
        # cannot hold it: valid JSON that Odoo cannot store is a 422, not a 500
        name = os.urandom(450 * 1024).hex()
        with mute_logger("odoo.sql_db"):  # the refused INSERT, 900 kB of it
            response = self.call("POST", "/test/echo", {"name": name})
        if response.status_code != 201:
            problem = self.assertProblem(response, 422, "unstorable-value")
            self.assertEqual(problem["errors"][0]["pointer"], "")
        self.assertEqual(self.last_log().status, response.status_code)

    def test_idempotency_key_that_postgresql_cannot_hold(self):
        for key in ("a\x00b", "caf\u00e9", "tab\tkey"):
            with self.subTest(key=key):
                response = self.call(
                    "POST",
                    "/test/echo",
                    {"name": "x"},
                    headers={"Idempotency-Key": key.encode("utf-8")},
                )
                self.assertProblem(response, 400, "malformed-request")


@tagged("-at_install", "post_install")
class TestValidationErrorsInTheLog(ApiHttpCase):
    def test_a_422_shows_the_pointers_the_partner_got(self):
        response = self.call(
            "POST", "/test/echo", {"name": "", "lines": [{"sku": 5, "qty": 0}]}
        )
        problem = self.assertProblem(response, 422, "validation-failed")
        log = self.last_log()
        self.assertEqual(json.loads(log.errors), problem["errors"])
        self.assertEqual(json.loads(base64.b64decode(log.body_raw))["name"], "")
        pointers = {error["pointer"] for error in problem["errors"]}
        self.assertTrue({"/name", "/lines/0/sku", "/lines/0/qty"} <= pointers, pointers)
        for pointer in pointers:
            self.assertIn(f"{pointer}: ", log.error_lines)
        # and the form shows them
        arch = self.env["integration.api.request.log"].get_view(view_type="form")[
            "arch"
        ]
        self.assertIn('name="error_lines"', arch)

    def test_a_business_rule_pointer_is_logged_too(self):
        problem = self.assertProblem(
            self.call("POST", "/test/business", {}), 422, "business-rule"
        )
        self.assertEqual(json.loads(self.last_log().errors), problem["errors"])

    def test_successes_log_no_errors(self):
        self.assertEqual(
            self.call("POST", "/test/echo", {"name": "fine"}).status_code, 201
        )
        self.assertFalse(self.last_log().errors)
        self.assertFalse(self.last_log().body_raw, "an accepted body became records")


@tagged("-at_install", "post_install")
class TestKeptBodiesAreByteExact(ApiHttpCase):
    def test_message_keeps_the_bytes_and_reprocessing_reads_them(self):
        # spaces, key order, 1.0 and an escaped slash: jsonb would normalise all of them
        raw = b'{ "sku" : "RAW-1",  "z": 1.0, "a": "\\/x" }'
        response = self.call("POST", "/test/unmapped", raw=raw)
        self.assertEqual(response.status_code, 202, response.text)
        message = self.env["integration.api.message"].browse(
            response.json()["message_id"]
        )
        self.assertEqual(base64.b64decode(message.body_raw), raw)
        self.assertFalse(self.last_log().body_raw, "the kept message holds the body")
        route = self.env["integration.api.router"]._api_route_table().get(message.route)
        rebuilt = message._api_request(route)
        self.assertEqual(rebuilt.raw_body, raw)
        self.assertEqual(rebuilt.body, {"sku": "RAW-1", "z": 1.0, "a": "/x"})
        self.env["res.partner"].create({"name": "Raw", "ref": "RAW-1"})
        message.action_reprocess()
        self.assertEqual(message.state, "done")

    def test_idempotency_replays_the_bytes_it_stored(self):
        headers = {"Idempotency-Key": "bytes-1"}
        first = self.call(
            "POST", "/test/echo", {"name": "é€😀 \\u0000"}, headers=headers
        )
        self.assertEqual(first.status_code, 201, first.text)
        record = self.env["integration.api.idempotency"].search(
            [("idempotency_key", "=", "bytes-1"), ("state", "=", "done")]
        )
        self.assertEqual(base64.b64decode(record.response_body_raw), first.content)
        again = self.call(
            "POST", "/test/echo", {"name": "é€😀 \\u0000"}, headers=headers
        )
        self.assertEqual(again.headers.get("Idempotent-Replayed"), "true")
        self.assertEqual(again.content, first.content)

    def test_messages_kept_before_raw_bodies_still_reprocess(self):
        response = self.call("POST", "/test/unmapped", {"sku": "OLD-1"})
        message = self.env["integration.api.message"].browse(
            response.json()["message_id"]
        )
        message.sudo().write({"body_raw": False})
        route = self.env["integration.api.router"]._api_route_table().get(message.route)
        self.assertEqual(message._api_request(route).body, {"sku": "OLD-1"})


@tagged("-at_install", "post_install")
class TestEveryPathGetsAProblem(ApiHttpCase):
    def test_odd_paths_are_answered_by_the_api(self):
        for path in (
            "/%0A",
            "/a%0Ab",
            "/orders%0A",
            "/%00",
            "/x%00y",
            "/caf%C3%A9",
            "/%E2%80%AE",
            "/%ED%A0%80",
            "/%FF",
            "//double",
            "/a//b",
            "/..%2F..%2Fetc",
            "/ping%0A",
            "/messages/%00",
            "/messages/1%0A",
            "/problems/%00",
            "/" + "x" * 3000,
        ):
            with self.subTest(path=path):
                response = self.opener.get(
                    self.base_url() + "/api/v1" + path,
                    headers={"X-Api-Key": self.token},
                    timeout=30,
                    allow_redirects=False,
                )
                self.assertEqual(
                    response.headers.get("Content-Type"), PROBLEM, response.text[:300]
                )
                self.assertEqual(response.status_code, 404, response.text[:300])
                self.assertEqual(response.json()["status"], 404)
                log = self.last_log()
                self.assertEqual(log.status, 404)
                self.assertEqual(log.correlation_id, response.headers["X-Request-Id"])

    def test_the_root_is_answered_too(self):
        for path in ("/api/v1", "/api/v1/"):
            response = self.opener.get(
                self.base_url() + path, timeout=30, allow_redirects=False
            )
            self.assertEqual(response.headers.get("Content-Type"), PROBLEM, path)


@tagged("-at_install", "post_install")
class TestBodyRulesArePublished(ApiHttpCase):
    def test_the_openapi_document_states_the_limits(self):
        self.env["ir.config_parameter"].set_param("integration_api.max_json_depth", 12)
        info = self.call("GET", "/openapi.json", token=False).json()["info"]
        self.assertIn("nested at most 12 levels", info["description"])
        self.assertEqual(info["x-body-limits"]["max_depth"], 12)
        # and the limit holds
        problem = self.assertProblem(
            self.call("POST", "/test/echo", raw=b"[" * 13 + b"]" * 13),
            400,
            "malformed-request",
        )
        self.assertEqual(problem["errors"][0]["pointer"], "/0" * 12)
