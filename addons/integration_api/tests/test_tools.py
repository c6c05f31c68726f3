"""The pure tools, without a database (plus their doctests)."""

import doctest

from openapi_spec_validator import validate

from odoo.tests import BaseCase, tagged

from ..tools import (
    api_keys,
    batching,
    docs_html,
    json_body,
    markdown,
    metrics_access,
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
    api_keys,
    batching,
    docs_html,
    json_body,
    markdown,
    metrics_access,
    openapi,
    prefer,
    problems,
    query,
    rate_limit,
    redaction,
    routes,
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
        for token in (
            "",
            "odk_",
            "odk_ABCDEFGH_secretsecretsecretsecret",
            "xyz_abcdefgh_" + "s" * 43,
            "odk_abcdefgh_short",
            "odk_abcdefgh_" + "s" * 43 + " extra",
        ):
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
        self.assertNotEqual(
            api_keys.hash_secret("aaaaaaaa", "s"), api_keys.hash_secret("bbbbbbbb", "s")
        )


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
            ApiRoute(
                "POST",
                "/orders",
                "x",
                "s.o._c",
                keep_message=True,
                batch_handler="many",
            )
        route = ApiRoute(
            "POST",
            "/orders",
            "x",
            "s.o._c",
            keep_message=True,
            batch_handler="s.o._many",
        )
        self.assertEqual(route.batch_handler, "s.o._many")

    def test_a_reference_is_a_body_pointer_or_a_path_parameter(self):
        for wrong in ("external_ref", "{ref", "ref}"):
            with self.assertRaises(ValueError):
                ApiRoute("POST", "/orders", "x", "s.o._c", reference=wrong)
        route = ApiRoute("POST", "/orders", "x", "s.o._c", reference="/customer/code")
        self.assertEqual(route.reference_of({}, {"customer": {"code": "C-1"}}), "C-1")
        self.assertEqual(route.reference_of({}, {"customer": "C-1"}), None)
        self.assertEqual(route.reference_of({}, None), None)
        long_ref = route.reference_of({}, {"customer": {"code": "x" * 1000}})
        self.assertEqual(len(long_ref), 255, "an indexed column")
        self.assertIsNone(
            ApiRoute("GET", "/o", "x", "s.o._c").reference_of({}, {"a": 1})
        )

    def test_head_falls_back_to_get_and_trailing_slash(self):
        table = RouteTable([ApiRoute("GET", "/a/{x}", "", "m.o._h")])
        self.assertEqual(table.match("HEAD", "/a/1/")[1], {"x": "1"})

    def test_later_declaration_overrides(self):
        table = RouteTable(
            [
                ApiRoute("GET", "/a", "", "m.o._one"),
                ApiRoute("get", "/a", "", "m.o._two"),
            ]
        )
        self.assertEqual(table.match("GET", "/a")[0].handler, "m.o._two")
        self.assertEqual(table.get("GET /a").handler, "m.o._two")


@tagged("-at_install", "post_install")
class TestProblems(BaseCase):
    def test_errors_keep_pointers_and_headers(self):
        error = ApiError(
            422,
            "Unprocessable Content",
            "bad",
            errors=[{"pointer": "/a", "detail": "x"}],
            problem_type="validation-failed",
            headers={"X": "1"},
        )
        status, body, headers = problems.problem_for(error, "/api/v1/t", "https://e/")
        self.assertEqual(status, 422)
        self.assertEqual(body["errors"], [{"pointer": "/a", "detail": "x"}])
        self.assertEqual(
            headers, {"Content-Type": "application/problem+json", "X": "1"}
        )

    def test_odoo_exceptions(self):
        from odoo.exceptions import (
            AccessError,
            MissingError,
            UserError,
            ValidationError,
        )

        from odoo.addons.integration_core.exceptions import UnmappedCodeError

        cases = {
            AccessError("no"): 403,
            MissingError("gone"): 404,
            UserError("u"): 422,
            ValidationError("v"): 422,
            UnmappedCodeError("sku", "X", pointer="/sku"): 422,
            ZeroDivisionError(): 500,
        }
        for exc, status in cases.items():
            self.assertEqual(
                problems.problem_for(exc, "/i", "https://e")[0], status, exc
            )
        body = problems.problem_for(
            UnmappedCodeError("sku", "X", pointer="/sku"), "/i", "e"
        )[1]
        self.assertEqual(body["errors"][0]["pointer"], "/sku")
        self.assertEqual(body["kind"], "unmapped_code")


@tagged("-at_install", "post_install")
class TestOpenApiBuilder(BaseCase):
    def test_document_validates(self):
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "x.json",
            "type": "object",
            "properties": {"line": {"$ref": "#/$defs/line"}},
            "$defs": {"line": {"type": "object"}},
            "examples": [{"line": {}}],
        }
        route_list = [
            ApiRoute(
                "POST",
                "/orders",
                "orders:write",
                "s.o._c",
                request_schema="m/schemas/order.create.json",
                idempotent=True,
                keep_message=True,
                success_status=201,
            ),
            ApiRoute(
                "GET",
                "/orders/{ref}",
                "orders:read",
                "s.o._g",
                query_schema={
                    "type": "object",
                    "properties": {
                        "full": {"type": "boolean"},
                        "ids": {"type": "array"},
                    },
                },
            ),
            ApiRoute("GET", "/health", None, "r._h", public=True),
        ]
        doc = openapi.build_openapi(
            route_list,
            lambda ref: schema if isinstance(ref, str) else ref,
            event_types=[
                {"code": "order.accepted", "version": 1, "name": "A", "schema": schema}
            ],
            server_url="https://erp.example",
        )
        validate(doc)
        self.assertEqual(
            doc["components"]["schemas"]["order.create"]["properties"]["line"]["$ref"],
            "#/components/schemas/order.create/$defs/line",
        )
        post = doc["paths"]["/api/v1/orders"]["post"]
        self.assertEqual(post["security"][0], {"ApiKey": ["orders:write"]})
        self.assertIn("202", post["responses"])
        self.assertIn("409", post["responses"])
        self.assertEqual(doc["paths"]["/api/v1/health"]["get"]["security"], [])
        self.assertIn("order.accepted", doc["webhooks"])
        page = docs_html.render_docs(doc)
        self.assertIn("/api/v1/orders/{ref}", page)
        self.assertNotIn("<script", page)


@tagged("-at_install", "post_install")
class TestMarkdown(BaseCase):
    """The descriptions' Markdown renders without ever letting markup through."""

    def test_markup_is_escaped_everywhere(self):
        html = markdown.render_markdown(
            "<img src=x onerror=alert(1)> **<b>x</b>** `<i>` [<s>](/a) - <u>\n- <em>li</em>"
        )
        self.assertNotIn("<img", html)
        self.assertNotIn("<b>", html)
        self.assertNotIn("<i>", html)
        self.assertNotIn("<s>", html)
        self.assertNotIn("<u>", html)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;", html)
        self.assertIn("<code>&lt;i&gt;</code>", html)
        self.assertIn("<li>&lt;em&gt;li&lt;/em&gt;</li>", html)

    def test_links_keep_only_harmless_targets(self):
        html = markdown.render_markdown(
            '[a](https://x.example/?q=1&r="2") [b](javascript:void) [c](data:text/html,x) '
            "[d](#errors) [e](/api/v1/docs)"
        )
        self.assertIn(
            '<a href="https://x.example/?q=1&amp;r=&quot;2&quot;">a</a>', html
        )
        self.assertNotIn("javascript:", html.replace("b", ""))
        self.assertNotIn('href="javascript', html)
        self.assertNotIn('href="data', html)
        self.assertIn('<a href="#errors">d</a>', html)
        self.assertIn('<a href="/api/v1/docs">e</a>', html)

    def test_blocks(self):
        html = markdown.render_markdown(
            'First line\nsame paragraph.\n\n## Title\n\n1. one\n2. two\n\n```json\n{"a": 1}\n```'
        )
        self.assertEqual(
            html,
            "<p>First line same paragraph.</p><h5>Title</h5>"
            "<ol><li>one</li><li>two</li></ol>"
            '<pre><code>{"a": 1}</code></pre>',
        )
        self.assertEqual(
            markdown.render_markdown("snake_case_name and 2*3*4"),
            "<p>snake_case_name and 2*3*4</p>",
        )
        self.assertEqual(markdown.render_markdown(""), "")
        self.assertEqual(markdown.render_markdown(None), "")


@tagged("-at_install", "post_install")
class TestDocsPage(BaseCase):
    def _doc(self):
        route_list = [
            ApiRoute("GET", "/ping", "", "r._p", tags=("meta",), summary="Ping"),
            ApiRoute(
                "POST",
                "/orders",
                "orders:write",
                "s.o._c",
                tags=("orders",),
                request_schema={
                    "type": "object",
                    "examples": [{"external_ref": "W-1"}],
                },
                description="Codes are **the partner's**, see `status_url`.",
                idempotent=True,
                keep_message=True,
                success_status=201,
            ),
            ApiRoute("GET", "/widgets", "", "w._l", tags=("widgets",)),
            ApiRoute("GET", "/messages/{id}", "", "m._g", tags=("messages",)),
        ]
        return openapi.build_openapi(
            route_list, lambda ref: ref, server_url="https://erp.example"
        )

    def test_tags_are_declared_in_reading_order(self):
        doc = self._doc()
        validate(doc)
        self.assertEqual(
            [tag["name"] for tag in doc["tags"]],
            ["orders", "widgets", "messages", "meta"],
        )
        self.assertTrue(doc["tags"][0]["description"])
        accepted = doc["paths"]["/api/v1/orders"]["post"]["responses"]["202"]
        schema = doc["components"]["schemas"]["MessageAccepted"]
        self.assertEqual(
            accepted["content"]["application/json"]["schema"],
            {"$ref": "#/components/schemas/MessageAccepted"},
        )
        self.assertIn("status_url", schema["required"])
        self.assertIn("status_url", schema["examples"][0])

    def test_page_sections(self):
        page = docs_html.render_docs(self._doc())
        positions = [
            page.index(f"id='tag-{name}'")
            for name in ("orders", "widgets", "messages", "meta")
        ]
        self.assertEqual(positions, sorted(positions))
        self.assertIn("<nav class='toc'>", page)
        self.assertIn("<strong>the partner's</strong>", page)
        self.assertIn("<code>status_url</code>", page)
        # every response of the order route, the 202 with its body
        for status in ("201", "202", "401", "409", "422"):
            self.assertIn(
                f"id='orders_post-{status}'".replace("orders_post", self._op_id()), page
            )
        accepted = page[page.index(f"id='{self._op_id()}-202'") :]
        accepted = accepted[: accepted.index("</div>")]
        self.assertIn("MessageAccepted", accepted)
        self.assertIn("status_url", accepted)
        self.assertIn("<details", accepted)
        self.assertIn('id="signatures"', page)
        self.assertIn("/integration/webhooks/&lt;subscription uuid&gt;/keys.json", page)
        self.assertIn("from standardwebhooks.webhooks import Webhook", page)
        self.assertIn("<details id='schema-Problem'>", page)
        self.assertNotIn("<details open", page)
        self.assertNotIn("<script", page)

    def _op_id(self):
        return self._doc()["paths"]["/api/v1/orders"]["post"]["operationId"]
