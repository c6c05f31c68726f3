"""The first hour of an admin and a clerk (issue 10): no false alarm, no
way around a required reason, a stable event source, outcomes said."""

from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import config

from ..tools import secret_box
from .common import IntegrationCase


@tagged("post_install", "-at_install")
class TestStableEventSource(IntegrationCase):
    def setUp(self):
        super().setUp()
        self.params = self.env["ir.config_parameter"].sudo()

    def test_source_is_stored_at_installation(self):
        stored = self.params.get_param("integration.event_source")
        self.assertTrue(stored, "the data file stores it at installation")
        self.assertEqual(self.env["integration.event"]._event_source(), stored)

    def test_source_does_not_follow_the_base_url(self):
        self.params.set_param("integration.event_source", False)
        self.params.set_param("web.base.url", "https://erp.example.com")
        self.env["integration.event"]._init_event_source()
        # an admin logs in through another host name: Odoo rewrites web.base.url
        self.params.set_param("web.base.url", "http://10.0.0.7:8069")
        event = self.env["integration.event"]._emit(
            "integration.ping", {"message": "x"}
        )
        self.assertEqual(event.source, "https://erp.example.com/integration")
        self.env["integration.event"]._init_event_source()
        self.assertEqual(
            self.params.get_param("integration.event_source"),
            "https://erp.example.com/integration",
            "an update keeps the stored source",
        )

    def test_settings_change_it_and_an_empty_one_is_set_again(self):
        self.params.set_param("web.base.url", "https://erp.example.com")
        settings = self.env["res.config.settings"].create(
            {"integration_event_source": "https://events.example.com/odoo"}
        )
        settings.execute()
        self.assertEqual(
            self.env["integration.event"]._event_source(),
            "https://events.example.com/odoo",
        )
        settings = self.env["res.config.settings"].create(
            {"integration_event_source": False}
        )
        settings.execute()
        self.assertEqual(
            self.params.get_param("integration.event_source"),
            "https://erp.example.com/integration",
        )


@tagged("post_install", "-at_install")
class TestNoFalseAlarm(IntegrationCase):
    def test_settings_form_knows_the_key_is_configured(self):
        self.assertTrue((config.get(secret_box.CONFIG_KEY) or "").strip())
        values = self.env["res.config.settings"].onchange(
            {}, [], {"integration_encryption_key_configured": {}}
        )["value"]
        self.assertIs(values["integration_encryption_key_configured"], True)
        self.assertTrue(
            Form(self.env["res.config.settings"]).integration_encryption_key_configured
        )

    def test_settings_form_says_when_it_is_missing(self):
        saved = config.get(secret_box.CONFIG_KEY)
        config[secret_box.CONFIG_KEY] = ""
        try:
            values = self.env["res.config.settings"].onchange(
                {}, [], {"integration_encryption_key_configured": {}}
            )["value"]
        finally:
            config[secret_box.CONFIG_KEY] = saved
        self.assertIs(values["integration_encryption_key_configured"], False)


@tagged("post_install", "-at_install")
class TestIgnoreNeedsAReason(IntegrationCase):
    def setUp(self):
        super().setUp()
        self.exception = (
            self.env["integration.exception"]
            .report(
                kind="unmapped_code",
                title="Unknown SKU IGN-1",
                fingerprint="test_shop:sku:IGN-1",
                system=self.system,
            )
            .with_user(self.integration_user)
        )

    def test_a_plain_write_cannot_ignore(self):
        # what a kanban drop on "Ignored" sends
        with self.assertRaisesRegex(UserError, "ignoring needs a reason"):
            self.exception.write({"state": "ignored"})
        self.assertEqual(self.exception.state, "new")

    def test_the_button_asks_for_the_reason(self):
        action = self.exception.action_open_ignore_wizard()
        self.assertEqual(action["res_model"], "integration.exception.ignore")
        self.assertEqual(action["target"], "new")
        wizard_model = self.env["integration.exception.ignore"].with_user(
            self.integration_user
        )
        form = Form(wizard_model.with_context(**action["context"]))
        with self.assertRaises(AssertionError, msg="the reason is required"):
            form.save()
        form.reason = "Test product, never sold"
        form.save().action_ignore()
        self.assertEqual(self.exception.state, "ignored")
        self.assertEqual(self.exception.resolution_note, "Test product, never sold")
        bodies = self.exception.message_ids.mapped("body")
        self.assertTrue(
            any("Test product, never sold" in body for body in bodies), bodies
        )

    def test_the_wizard_proposes_the_written_note(self):
        self.exception.resolution_note = "Discontinued"
        wizard = Form(
            self.env["integration.exception.ignore"].with_context(
                active_model="integration.exception", active_ids=self.exception.ids
            )
        )
        self.assertEqual(wizard.reason, "Discontinued")

    def test_reprocess_says_what_happened(self):
        event = self.env["integration.event"]._emit("integration.ping", {"message": 1})
        exception = self.env["integration.exception"].search(
            [("source_model", "=", "integration.event"), ("source_id", "=", event.id)]
        )
        action = exception.action_reprocess()
        self.assertEqual(action["tag"], "display_notification")
        params = action["params"]
        # the data still breaks the schema: the event stays invalid, the exception open
        self.assertEqual(exception.state, "new")
        self.assertIn(event.display_name, params["message"])
        self.assertIn("the exception is new", params["message"])
        self.assertEqual(params["type"], "warning")
        self.assertEqual(params["title"], "Reprocessed, still open")
        self.assertEqual(params["next"]["tag"], "soft_reload")

    def test_system_button_opens_the_open_exceptions(self):
        self.exception.sudo().action_resolve("done")
        self.env["integration.exception"].report(
            kind="other",
            title="Still open",
            fingerprint="still-open",
            system=self.system,
        )
        action = self.system.action_view_exceptions()
        shown = self.env["integration.exception"].search(
            action["domain"] + [("state", "in", ("new", "in_progress"))]
        )
        self.assertEqual(action["context"].get("search_default_open"), 1)
        self.assertEqual(len(shown), self.system.exception_open_count)


@tagged("post_install", "-at_install")
class TestUserFormCategory(IntegrationCase):
    def test_integrations_groups_are_a_selection_under_their_app(self):
        for app, kind, groups, (_seq, header) in self.env[
            "res.groups"
        ].get_groups_by_application():
            if self.env.ref("integration_core.group_integration_user") in groups:
                self.assertEqual(kind, "selection")
                self.assertEqual(header, "Integrations")
                self.assertEqual(
                    app, self.env.ref("integration_core.module_category_integrations")
                )
                return
        self.fail("the integration groups are not on the user form")
