"""API keys, the issuing wizard, access rights and retention (no HTTP)."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.integration_core.tests.common import IntegrationCase

from ..tools.api_keys import hash_secret, split_api_key


@tagged("-at_install", "post_install")
class TestApiKeys(IntegrationCase):
    def issue(self, user=None):
        wizard = (
            self.env["integration.api.key.issue.wizard"]
            .with_user(user or self.integration_manager)
            .create(
                {
                    "system_id": self.system.id,
                    "name": "shop import",
                    "scope_ids": [
                        (6, 0, self.env.ref("integration_api.scope_orders_write").ids)
                    ],
                }
            )
        )
        return wizard, wizard.action_issue()

    def test_wizard_shows_the_token_once_and_stores_only_a_hash(self):
        wizard, action = self.issue()
        token = action["context"]["default_token"]
        key = self.env["integration.api.key"].browse(
            action["context"]["default_api_key_id"]
        )
        public_id, secret = split_api_key(token)
        self.assertEqual(key.public_id, public_id)
        self.assertEqual(key.sudo().secret_hash, hash_secret(public_id, secret))
        self.assertEqual(key.prefix, f"odk_{public_id}_…")
        self.assertFalse(wizard.token)
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT count(*) FROM integration_api_key_issue_wizard WHERE token IS NOT NULL"
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    def test_rotation_replaces_the_secret(self):
        _wizard, action = self.issue()
        key = self.env["integration.api.key"].browse(
            action["context"]["default_api_key_id"]
        )
        old_hash = key.sudo().secret_hash
        new_token = key.with_user(self.integration_manager).action_rotate()["context"][
            "default_token"
        ]
        self.assertNotEqual(key.sudo().secret_hash, old_hash)
        self.assertEqual(split_api_key(new_token)[0], key.public_id)

    def test_nobody_but_admins_reads_the_hash(self):
        _wizard, action = self.issue()
        key = self.env["integration.api.key"].browse(
            action["context"]["default_api_key_id"]
        )
        for user in (self.integration_manager, self.integration_user):
            with self.assertRaises(AccessError):
                key.with_user(user).read(["secret_hash"])
            self.assertNotIn("secret_hash", key.with_user(user).fields_get())
        self.assertTrue(key.with_user(self.integration_user).read(["prefix"]))

    def test_access_rights(self):
        with self.assertRaises(AccessError):
            self.issue(user=self.integration_user)
        with self.assertRaises(AccessError):
            self.env["integration.api.key"].with_user(self.plain_user).search([])
        logs = self.env["integration.api.request.log"]
        self.assertEqual(
            logs.with_user(self.integration_user).search([]), logs.search([])
        )
        with self.assertRaises(AccessError):
            logs.with_user(self.integration_user).create({"path": "/x"})

    def test_keys_of_other_companies_are_hidden(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        system = self.env["integration.system"].create(
            {"name": "Elsewhere", "code": "elsewhere", "company_id": other.id}
        )
        key = self.env["integration.api.key"].create(
            {"name": "k", "system_id": system.id}
        )
        self.assertEqual(key.company_id, other)
        visible = (
            self.env["integration.api.key"]
            .with_user(self.integration_manager)
            .search([])
        )
        self.assertNotIn(key, visible)

    def test_system_smart_button(self):
        self.issue()
        self.assertEqual(self.system.api_key_count, 1)
        action = self.system.action_view_api_keys()
        self.assertEqual(action["domain"], [("system_id", "=", self.system.id)])

    def test_request_log_retention(self):
        logs = self.env["integration.api.request.log"]
        logs._insert(
            {
                "date": "2000-01-01 00:00:00",
                "method": "GET",
                "path": "/old",
                "status": 200,
            }
        )
        logs._insert(
            {"method": "GET", "path": "/new", "status": 200, "date": self.env.cr.now()}
        )
        logs._cron_purge()
        self.assertEqual(
            logs.search([("path", "in", ("/old", "/new"))]).mapped("path"), ["/new"]
        )
