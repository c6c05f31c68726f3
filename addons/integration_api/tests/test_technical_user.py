"""Setting up a partner system: its technical user, the Activate warning, the code."""

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged


@tagged("-at_install", "post_install")
class TestTechnicalUser(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, no_reset_password=True)
        )
        cls.manager = new_test_user(
            cls.env,
            login="integration_setup_manager",
            groups="base.group_user,integration_core.group_integration_manager",
        )
        cls.system = cls.env["integration.system"].create(
            {"name": "Setup shop", "code": "setup_shop", "kind": "web_shop"}
        )
        Scope = cls.env["integration.api.scope"]
        cls.orders_write = Scope.search([("code", "=", "orders:write")])
        cls.events_read = Scope.search([("code", "=", "events:read")])
        # A scope that (wrongly) asks for administration: never given.
        cls.partner_manager = cls.env.ref("base.group_partner_manager")
        cls.orders_write.group_ids = cls.partner_manager | cls.env.ref(
            "base.group_system"
        )
        cls.env["integration.api.key"].create(
            {
                "name": "orders",
                "system_id": cls.system.id,
                "scope_ids": [fields.Command.set(cls.orders_write.ids)],
            }
        )

    def _wizard(self, system=None):
        Wizard = self.env["integration.system.user.wizard"].with_user(self.manager)
        return Form(Wizard.with_context(default_system_id=(system or self.system).id))

    def test_wizard_creates_a_least_privilege_user(self):
        form = self._wizard()
        self.assertEqual(form.login, "integration_setup_shop")
        self.assertEqual(form.name, "Setup shop (integration)")
        self.assertEqual(
            form.scope_ids[:], self.orders_write, "proposed from the active keys"
        )
        self.assertEqual(
            set(form.group_ids[:].ids),
            {self.env.ref("base.group_user").id, self.partner_manager.id},
        )
        form.scope_ids.add(self.events_read)
        wizard = form.save()
        wizard.action_create_user()
        user = self.system.user_id
        self.assertEqual(user.login, "integration_setup_shop")
        self.assertFalse(user.share)
        self.assertTrue(user.has_group("base.group_partner_manager"))
        self.assertFalse(user._is_system())
        self.assertFalse(user.has_group("base.group_erp_manager"))
        self.assertEqual(user.company_id, self.system.company_id)
        self.assertIn("Technical user", self.system.message_ids[0].body)

    def test_wizard_refuses_a_second_user_and_a_taken_login(self):
        new_test_user(self.env, login="integration_setup_shop")
        wizard = self._wizard().save()
        with self.assertRaisesRegex(UserError, "exists already"):
            wizard.action_create_user()
        self.system.user_id = new_test_user(self.env, login="setup_bot")
        with self.assertRaisesRegex(UserError, "already has a technical user"):
            self._wizard().save().action_create_user()

    def test_administrator_is_never_the_technical_user(self):
        with self.assertRaisesRegex(ValidationError, "administrator"):
            self.system.user_id = self.env.ref("base.user_admin")
        settings_user = new_test_user(
            self.env, login="setup_admin", groups="base.group_system"
        )
        with self.assertRaises(ValidationError):
            self.system.user_id = settings_user
        # and the field does not offer them
        domain = (
            self.env["integration.system"]
            ._fields["user_id"]
            .get_domain_list(self.system)
        )
        offered = self.env["res.users"].search(domain)
        self.assertNotIn(settings_user, offered)
        self.assertNotIn(self.env.ref("base.user_admin"), offered)
        self.assertIn(self.manager, offered)

    def test_activate_warns_without_technical_user(self):
        action = self.system.with_user(self.manager).action_activate()
        self.assertEqual(self.system.state, "active")
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("Setup shop", action["params"]["message"])
        self.system.action_suspend()
        self.system.user_id = new_test_user(self.env, login="setup_bot2")
        self.assertIs(self.system.with_user(self.manager).action_activate(), True)
        self.assertEqual(self.system.state, "active")

    def test_code_is_proposed_from_the_name(self):
        form = Form(self.env["integration.system"].with_user(self.manager))
        form.name = "Shopify EU Store"
        self.assertEqual(form.code, "shopify_eu_store")
        form.code = "shop_eu"
        form.name = "Shopify Europe"
        self.assertEqual(form.code, "shop_eu", "a code typed by hand is kept")
        self.assertEqual(form.save().code, "shop_eu")

    def test_scopes_have_descriptions(self):
        scopes = self.env["integration.api.scope"].search([])
        self.assertTrue(scopes)
        for scope in scopes.filtered(
            lambda s: s.get_external_id()[s.id].startswith("integration_api.")
        ):
            self.assertTrue(scope.description, scope.code)
        arch = self.env["integration.api.key.issue.wizard"].get_view(
            self.env.ref(
                "integration_api.integration_api_key_issue_wizard_view_form"
            ).id
        )["arch"]
        self.assertIn('name="description"', arch)
