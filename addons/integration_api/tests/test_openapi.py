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
            self.assertIn(route.method.lower(), doc["paths"][f"/api/v1{route.path}"], route.key)
        self.assertIn("/api/v1/test/echo", doc["paths"])
        self.assertIn("integration.ping", doc["webhooks"])
        self.assertEqual(doc["info"]["x-idempotency-retention-hours"], 24)
        events = doc["paths"]["/api/v1/events"]["get"]
        self.assertEqual({p.get("name") for p in events["parameters"]} - {None},
                         {"after", "types", "limit"})
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
