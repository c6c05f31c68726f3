"""The pure tools, without a database (plus their doctests)."""

import doctest

from openapi_spec_validator import validate

from odoo.tests import BaseCase, tagged

from ..tools import (
    api_keys,
    batching,
    docs_html,
    openapi,
    prefer,
    problems,
    query,
    rate_limit,
    redaction,
    routes,
    tracing,
)
from ..tools.request import ApiError
from ..tools.routes import ApiRoute, RouteTable

MODULES = (
    api_keys, batching, docs_html, prefer, problems, query, rate_limit, redaction, routes,
    tracing,
)


@tagged("-at_install", "post_install")
class TestDoctests(BaseCase):
    def test_doctests(self):
        for module in MODULES:
            result = doctest.testmod(module)
            self.assertEqual(result.failed, 0, f"doctest failures in {module.__name__}")
            self.assertGreater(result.attempted, 0, module.__name__)


@tagged("-at_install", "post_install")
class TestApiKeyTokens(BaseCase):
    def test_tokens_are_unique_and_long(self):
        tokens = {api_keys.generate_api_key()[2] for _i in range(200)}
        self.assertEqual(len(tokens), 200)
        public_id, secret, _token = api_keys.generate_api_key()
        self.assertGreaterEqual(len(secret), 43)  # 32 random bytes, base64url

    def test_malformed_tokens_are_refused(self):
        for token in ("", "odk_", "odk_ABCDEFGH_secretsecretsecretsecret", "xyz_abcdefgh_" + "s" * 43,
                      "odk_abcdefgh_short", "odk_abcdefgh_" + "s" * 43 + " extra"):
            self.assertIsNone(api_keys.split_api_key(token), token)

    def test_header_forms(self):
        self.assertEqual(api_keys.token_from_headers("Bearer abc", None), "abc")
        self.assertEqual(api_keys.token_from_headers("Basic abc", None), None)
        self.assertEqual(api_keys.token_from_headers("Bearer abc", "xyz"), "xyz")

    def test_check_accepts_only_the_secret_it_stored(self):
        # its speed is measured by benchmarks/bench_api_key_check.py
        public_id, secret, _token = api_keys.generate_api_key()
        stored = api_keys.hash_secret(public_id, secret)
        self.assertTrue(api_keys.secret_matches(public_id, secret, stored))
        self.assertFalse(api_keys.secret_matches(public_id, secret + "x", stored))
        other_id, _other_secret, _token = api_keys.generate_api_key()
        self.assertFalse(api_keys.secret_matches(other_id, secret, stored))

    def test_hash_depends_on_public_id(self):
        self.assertNotEqual(api_keys.hash_secret("aaaaaaaa", "s"), api_keys.hash_secret("bbbbbbbb", "s"))


@tagged("-at_install", "post_install")
class TestRouteTable(BaseCase):
    def test_routes_need_a_model_method_and_slash(self):
        with self.assertRaises(ValueError):
            ApiRoute("GET", "orders", "x", "sale.order._m")
        with self.assertRaises(ValueError):
            ApiRoute("GET", "/orders", "x", "handler")

    def test_a_batch_handler_needs_kept_messages(self):
        with self.assertRaises(ValueError):
            ApiRoute("POST", "/orders", "x", "s.o._c", batch_handler="s.o._many")
        with self.assertRaises(ValueError):
            ApiRoute("POST", "/orders", "x", "s.o._c", keep_message=True, batch_handler="many")
        route = ApiRoute("POST", "/orders", "x", "s.o._c", keep_message=True,
                         batch_handler="s.o._many")
        self.assertEqual(route.batch_handler, "s.o._many")

    def test_head_falls_back_to_get_and_trailing_slash(self):
        table = RouteTable([ApiRoute("GET", "/a/{x}", "", "m.o._h")])
        self.assertEqual(table.match("HEAD", "/a/1/")[1], {"x": "1"})

    def test_later_declaration_overrides(self):
        table = RouteTable([ApiRoute("GET", "/a", "", "m.o._one"), ApiRoute("get", "/a", "", "m.o._two")])
        self.assertEqual(table.match("GET", "/a")[0].handler, "m.o._two")
        self.assertEqual(table.get("GET /a").handler, "m.o._two")


@tagged("-at_install", "post_install")
class TestProblems(BaseCase):
    def test_errors_keep_pointers_and_headers(self):
        error = ApiError(422, "Unprocessable Content", "bad", errors=[{"pointer": "/a", "detail": "x"}],
                         problem_type="validation-failed", headers={"X": "1"})
        status, body, headers = problems.problem_for(error, "/api/v1/t", "https://e/")
        self.assertEqual(status, 422)
        self.assertEqual(body["errors"], [{"pointer": "/a", "detail": "x"}])
        self.assertEqual(headers, {"Content-Type": "application/problem+json", "X": "1"})

    def test_odoo_exceptions(self):
        from odoo.exceptions import (
            AccessError,
            MissingError,
            UserError,
            ValidationError,
        )

        from odoo.addons.integration_core.exceptions import UnmappedCodeError

        cases = {AccessError("no"): 403, MissingError("gone"): 404, UserError("u"): 422,
                 ValidationError("v"): 422, UnmappedCodeError("sku", "X", pointer="/sku"): 422,
                 ZeroDivisionError(): 500}
        for exc, status in cases.items():
            self.assertEqual(problems.problem_for(exc, "/i", "https://e")[0], status, exc)
        body = problems.problem_for(UnmappedCodeError("sku", "X", pointer="/sku"), "/i", "e")[1]
        self.assertEqual(body["errors"][0]["pointer"], "/sku")
        self.assertEqual(body["kind"], "unmapped_code")


@tagged("-at_install", "post_install")
class TestOpenApiBuilder(BaseCase):
    def test_document_validates(self):
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "x.json",
                  "type": "object", "properties": {"line": {"$ref": "#/$defs/line"}},
                  "$defs": {"line": {"type": "object"}}, "examples": [{"line": {}}]}
        route_list = [
            ApiRoute("POST", "/orders", "orders:write", "s.o._c", request_schema="m/schemas/order.create.json",
                     idempotent=True, keep_message=True, success_status=201),
            ApiRoute("GET", "/orders/{ref}", "orders:read", "s.o._g",
                     query_schema={"type": "object", "properties": {"full": {"type": "boolean"},
                                                                     "ids": {"type": "array"}}}),
            ApiRoute("GET", "/health", None, "r._h", public=True),
        ]
        doc = openapi.build_openapi(route_list, lambda ref: schema if isinstance(ref, str) else ref,
                                    event_types=[{"code": "order.accepted", "version": 1, "name": "A",
                                                  "schema": schema}],
                                    server_url="https://erp.example")
        validate(doc)
        self.assertEqual(doc["components"]["schemas"]["order.create"]["properties"]["line"]["$ref"],
                         "#/components/schemas/order.create/$defs/line")
        post = doc["paths"]["/api/v1/orders"]["post"]
        self.assertEqual(post["security"][0], {"ApiKey": ["orders:write"]})
        self.assertIn("202", post["responses"])
        self.assertIn("409", post["responses"])
        self.assertEqual(doc["paths"]["/api/v1/health"]["get"]["security"], [])
        self.assertIn("order.accepted", doc["webhooks"])
        page = docs_html.render_docs(doc)
        self.assertIn("/api/v1/orders/{ref}", page)
        self.assertNotIn("<script", page)
