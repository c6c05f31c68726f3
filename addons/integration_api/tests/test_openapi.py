"""The OpenAPI document and the documentation page, served over HTTP."""

import re

from openapi_spec_validator import validate

from odoo.tests import tagged

from .common import ApiHttpCase


@tagged("-at_install", "post_install")
class TestOpenApi(ApiHttpCase):
    def test_document_validates_and_lists_every_route(self):
        response = self.call("GET", "/openapi.json", token=False)
        self.assertEqual(response.status_code, 200)
        doc = response.json()
        validate(doc)
        table = self.env["integration.api.router"]._api_route_table()
        for route in table.routes:
            self.assertIn(
                route.method.lower(), doc["paths"][f"/api/v1{route.path}"], route.key
            )
        self.assertIn("/api/v1/test/echo", doc["paths"])
        self.assertIn("integration.ping", doc["webhooks"])
        self.assertEqual(doc["info"]["x-idempotency-retention-hours"], 24)
        events = doc["paths"]["/api/v1/events"]["get"]
        self.assertEqual(
            {p.get("name") for p in events["parameters"]} - {None},
            {"after", "types", "limit"},
        )
        self.assertEqual(events["security"][0], {"ApiKey": ["events:read"]})

    def test_docs_page_is_self_contained(self):
        response = self.call("GET", "/docs", token=False)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith("text/html"))
        self.assertIn("/api/v1/test/echo", response.text)
        self.assertIn("validation-failed", response.text)
        self.assertNotIn("<script", response.text)
        self.assertFalse(re.findall(r"(?:src|href)=['\"]https?://", response.text))

    def test_health_and_problem_types(self):
        body = self.call("GET", "/health", token=False).json()
        self.assertEqual((body["status"], body["database"]), ("ok", "ok"))
        body = self.call("GET", "/problems/validation-failed", token=False).json()
        self.assertEqual(body["status"], 422)
        self.assertProblem(self.call("GET", "/problems/nope", token=False), 404)

    def test_docs_page_reads_like_a_manual(self):
        """Contents, tags in reading order, every response with its body, the signature
        section with the keys URL, collapsed schemas, nothing loaded from elsewhere."""
        doc = self.call("GET", "/openapi.json", token=False).json()
        names = [tag["name"] for tag in doc["tags"]]
        self.assertEqual(names[-3:], ["messages", "events", "meta"])
        self.assertIn("api", names)  # the test routes' default tag, before messages
        accepted = doc["paths"]["/api/v1/test/unmapped"]["post"]["responses"]["202"]
        self.assertEqual(
            accepted["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/MessageAccepted",
        )
        self.assertIn(
            "status_url", doc["components"]["schemas"]["MessageAccepted"]["required"]
        )

        page = self.call("GET", "/docs", token=False).text
        toc = page[page.index("<nav class='toc'>") : page.index("</nav>")]
        for anchor in (
            "#authentication",
            "#operations",
            "#tag-messages",
            "#tag-meta",
            "#errors",
            "#signatures",
            "#events",
            "#schemas",
        ):
            self.assertIn(f"href='{anchor}'", toc)
        operation_id = doc["paths"]["/api/v1/test/unmapped"]["post"]["operationId"]
        self.assertIn(f'href="#{operation_id}"', toc)
        sections = [page.index(f"<section id='tag-{name}'>") for name in names]
        self.assertEqual(sections, sorted(sections))
        # every response of an operation is shown, the 202 with its body
        for status in doc["paths"]["/api/v1/test/unmapped"]["post"]["responses"]:
            self.assertIn(f"id='{operation_id}-{status}'", page)
        accepted_html = page[page.index(f"id='{operation_id}-202'") :]
        accepted_html = accepted_html[: accepted_html.index("</div>")]
        self.assertIn("status_url", accepted_html)
        self.assertIn("#schema-MessageAccepted", accepted_html)
        # Markdown is rendered: the scope sentence's backticks become code
        self.assertIn("Requires an API key with scope <code>orders:write</code>.", page)
        signatures = page[page.index('id="signatures"') : page.index("id='events'")]
        for needle in (
            "whsec_",
            "v1,",
            "v1a,",
            "whpk_",
            "Ed25519",
            "standardwebhooks",
            "/integration/webhooks/&lt;subscription uuid&gt;/keys.json",
        ):
            self.assertIn(needle, signatures)
        self.assertIn("<details id='schema-Problem'>", page)
        self.assertNotIn("<details open", page)
        self.assertNotIn("<script", page)
        self.assertNotIn("<link", page)
        self.assertFalse(re.findall(r"(?:src|href)=['\"](?:https?:)?//", page))
        self.assertFalse(re.findall(r"cdn|unpkg|jsdelivr|googleapis", page, re.I))
