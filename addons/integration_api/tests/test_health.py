"""GET /api/v1/health reports what the suite's health hooks say."""

import json

from jsonschema import Draft202012Validator

from odoo.tests import tagged
from odoo.tools.misc import file_open

from .common import ApiHttpCase


@tagged("-at_install", "post_install")
class TestHealth(ApiHttpCase):
    def health(self):
        response = self.call("GET", "/health", token=False)
        self.assertEqual(response.status_code, 200)
        return response.json()

    def keep(self, state, **vals):
        return self.env["integration.api.message"].create(
            dict(system_id=self.system.id, route="POST /orders", state=state, **vals)
        )

    def test_body_follows_its_schema_and_names_every_check(self):
        body = self.health()
        with file_open("integration_api/schemas/api/health.response.json") as schema:
            Draft202012Validator(json.load(schema)).validate(body)
        names = [check["name"] for check in body["checks"]]
        for name in ("database", "open_exceptions", "queue_job", "message_backlog"):
            self.assertIn(name, names)
        for check in body["checks"]:
            self.assertEqual(body[check["name"]], check["value"])
        self.assertEqual(
            set(body["queue_job"]), {"pending", "oldest_pending_seconds", "runner"}
        )
        if "integration.delivery" in self.env:  # integration_webhook adds its backlog
            self.assertIn("delivery_backlog", names)

    def test_message_backlog_counts_queued_and_flags_stale_ones(self):
        before = next(
            c for c in self.health()["checks"] if c["name"] == "message_backlog"
        )
        queued = self.keep("queued")
        self.keep("needs_fix")
        self.keep("done")
        check = next(
            c for c in self.health()["checks"] if c["name"] == "message_backlog"
        )
        self.assertEqual(check["value"], before["value"] + 1)
        self.assertEqual(check["needs_fix"], before["needs_fix"] + 1)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE integration_api_message SET create_date = create_date - interval '1 hour' "
            "WHERE id = %s",
            (queued.id,),
        )
        check = next(
            c for c in self.health()["checks"] if c["name"] == "message_backlog"
        )
        self.assertEqual(check["status"], "warning")
        self.assertGreaterEqual(check["oldest_queued_seconds"], 3600)
        self.assertEqual(self.health()["status"], "ok")  # the API still answers
