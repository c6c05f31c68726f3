from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import config

from .common import IntegrationCase


@tagged("post_install", "-at_install")
class TestSecurity(IntegrationCase):
    def test_user_reads_but_does_not_configure(self):
        systems = self.env["integration.system"].with_user(self.integration_user)
        self.assertIn(self.system, systems.search([]))
        with self.assertRaises(AccessError):
            systems.create({"name": "x", "code": "x"})
        with self.assertRaises(AccessError):
            self.system.with_user(self.integration_user).write({"name": "y"})

    def test_plain_user_sees_nothing(self):
        with self.assertRaises(AccessError):
            self.env["integration.system"].with_user(self.plain_user).search([])
        with self.assertRaises(AccessError):
            self.env["integration.event"].with_user(self.plain_user).search([])

    def test_manager_configures(self):
        system = (
            self.env["integration.system"]
            .with_user(self.integration_manager)
            .create({"name": "3PL", "code": "3pl"})
        )
        system.action_activate()
        self.assertEqual(system.state, "active")

    def test_other_company_hidden(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        hidden = self.env["integration.system"].create(
            {"name": "Other shop", "code": "other", "company_id": other.id}
        )
        visible = (
            self.env["integration.system"]
            .with_user(self.integration_manager)
            .search([("code", "=", "other")])
        )
        self.assertNotIn(hidden, visible)

    def test_encryption_needs_a_key(self):
        mixin = self.env["integration.encryption.mixin"]
        token = mixin._encrypt_secret("whsec_abc")
        self.assertNotIn("abc", token)
        self.assertEqual(mixin._decrypt_secret(token), "whsec_abc")
        saved = config.get("integration_encryption_key")
        config["integration_encryption_key"] = ""
        try:
            settings = self.env["res.config.settings"].create({})
            self.assertFalse(settings.integration_encryption_key_configured)
            with self.assertRaisesRegex(UserError, "integration_encryption_key"):
                mixin._encrypt_secret("whsec_abc")
        finally:
            config["integration_encryption_key"] = saved
