"""Buttons called over XML-RPC: a method that returns nothing makes the
caller see a fault although the change was committed."""

import ast
import pathlib
import xmlrpc.client

from odoo.tests import HttpCase, tagged

ADDONS = pathlib.Path(__file__).resolve().parents[2]


@tagged("post_install", "-at_install")
class TestActionsOverXmlRpc(HttpCase):
    def test_pause_and_resume_over_xmlrpc(self):
        subscription = self.env["integration.subscription"].create(
            {
                "name": "XML-RPC",
                "target_url": "https://hooks.example.com/x",
                "event_type_ids": [
                    (
                        6,
                        0,
                        self.env.ref(
                            "integration_core.event_type_integration_ping"
                        ).ids,
                    )
                ],
            }
        )
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, "admin", "admin", {})
        for method, state in (("action_pause", "paused"), ("action_resume", "active")):
            try:
                result = self.xmlrpc_object.execute_kw(
                    self.env.cr.dbname,
                    uid,
                    "admin",
                    "integration.subscription",
                    method,
                    [[subscription.id]],
                )
            except xmlrpc.client.Fault as fault:  # the bug: None cannot be marshalled
                self.fail(f"{method} over XML-RPC: {fault.faultString[-300:]}")
            self.assertTrue(result)
            subscription.invalidate_recordset()
            self.assertEqual(subscription.state, state)

    def test_every_action_method_returns_something(self):
        """The same rule for every ``action_*`` of the suite, read from the source."""
        silent = []
        for path in sorted(ADDONS.glob("integration_*/**/*.py")):
            if "/tests/" in str(path):
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.FunctionDef) and node.name.startswith(
                    "action_"
                ):
                    if not any(
                        isinstance(n, ast.Return) and n.value is not None
                        for n in ast.walk(node)
                    ):
                        silent.append(
                            f"{path.relative_to(ADDONS)}:{node.lineno} {node.name}"
                        )
        self.assertEqual(silent, [])
