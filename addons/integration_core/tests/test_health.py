from unittest.mock import patch

from odoo.tests import tagged

from .common import IntegrationCase


@tagged("post_install", "-at_install")
class TestHealth(IntegrationCase):
    def test_core_checks_and_the_worst_status(self):
        Health = self.env["integration.health"]
        report = Health._health_report()
        self.assertEqual(
            report["checks"][0], {"name": "database", "status": "ok", "value": "ok"}
        )
        exceptions = next(c for c in report["checks"] if c["name"] == "open_exceptions")
        self.env["integration.exception"].report(
            kind="business_rule", title="Credit limit", fingerprint="x:health:1"
        )
        report = Health._health_report()
        opened = next(c for c in report["checks"] if c["name"] == "open_exceptions")
        self.assertEqual(opened["value"], exceptions["value"] + 1)

        # a module's hook adds its checks; the worst status is the report's
        original = type(Health)._health_checks
        extra = [
            {"name": "a", "status": "warning", "value": 1},
            {"name": "b", "status": "ok", "value": 2},
        ]
        with patch.object(
            type(Health), "_health_checks", lambda model: original(model) + extra
        ):
            report = Health._health_report()
        self.assertEqual(report["status"], "warning")
        self.assertEqual(report["checks"][-2:], extra)
