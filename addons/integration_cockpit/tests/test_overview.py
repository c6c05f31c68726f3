"""The overview card of a partner system: figures and the lists it opens."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from ..tools.sla import hour_floor
from .common import CockpitCase


@tagged("post_install", "-at_install")
class TestOverview(CockpitCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.env["integration.system"].create(
            {"name": "Other shop", "code": "other_shop", "state": "active"}
        )

    def _exceptions(self):
        report = self.Exception.report
        now = fields.Datetime.now()
        made = {}
        for code, kind, age in (
            ("A", "unmapped_code", timedelta(minutes=5)),
            ("B", "unmapped_code", timedelta(hours=3)),
            ("C", "business_rule", timedelta(days=3)),
            ("D", "invalid_payload", timedelta(days=2)),
        ):
            made[code] = report(
                kind, f"Problem {code}", fingerprint=f"ov:{code}", system=self.system
            )
            self.set_times("integration_exception", made[code], first_seen=now - age)
        report("unmapped_code", "Other's", fingerprint="ov:other", system=self.other)
        resolved = report(
            "unmapped_code", "Done", fingerprint="ov:done", system=self.system
        )
        resolved.action_resolve("fixed")
        return made

    def test_card_counts_open_exceptions_by_kind_and_age(self):
        self._exceptions()
        system = self.system.with_user(self.integration_user)
        self.assertEqual(
            (
                system.cockpit_exception_fresh_count,
                system.cockpit_exception_today_count,
                system.cockpit_exception_old_count,
            ),
            (1, 1, 2),
        )
        self.assertEqual(
            system.cockpit_exception_kinds,
            [["Value / mapping", 2], ["Business rule", 1], ["Invalid message", 1]],
        )
        self.assertEqual(self.other.cockpit_exception_kinds, [["Value / mapping", 1]])

    def test_age_buttons_open_the_filtered_list(self):
        made = self._exceptions()
        system = self.system.with_user(self.integration_user)
        for age, codes in (
            (None, "ABCD"),
            ("fresh", "A"),
            ("today", "B"),
            ("old", "CD"),
        ):
            action = system.with_context(
                cockpit_age=age
            ).action_cockpit_open_exceptions()
            found = self.env["integration.exception"].search(action["domain"])
            self.assertEqual(
                found, self.Exception.browse([made[c].id for c in codes]), age
            )
        self.assertEqual(action["context"]["group_by"], ["kind"])
        self.assertIn("Test shop", action["display_name"])

    def test_backlog_pending_deliveries_and_waiting_messages(self):
        self.confirmed_order()
        self.confirmed_order()
        Message = self.env["integration.api.message"].sudo()
        for state in ("needs_fix", "queued", "done"):
            Message.create(
                {
                    "system_id": self.system.id,
                    "company_id": self.system.company_id.id,
                    "route": "POST /orders",
                    "state": state,
                }
            )
        self.assertEqual(self.system.cockpit_delivery_pending_count, 2)
        self.assertEqual(self.system.cockpit_message_waiting_count, 2)
        self.assertEqual(self.other.cockpit_delivery_pending_count, 0)
        deliveries = self.env["integration.delivery"].search(
            self.system.action_cockpit_open_deliveries()["domain"]
            + [("state", "=", "pending")]
        )
        self.assertEqual(len(deliveries), 2)
        messages = Message.search(self.system.action_cockpit_open_messages()["domain"])
        self.assertEqual(sorted(messages.mapped("state")), ["needs_fix", "queued"])
        # delivered: out of the backlog
        with trap_jobs():
            self.subscription._drain()
        self.system.invalidate_recordset()
        self.assertEqual(self.system.cockpit_delivery_pending_count, 0)
        self.assertEqual(len(self.receiver.server.received), 2)

    def test_sla_attainment_today_from_the_hourly_series(self):
        self.assertFalse(self.system.cockpit_sla_has_data)
        hour = hour_floor(fields.Datetime.now())
        self.Measure.create(
            [
                {
                    "system_id": self.system.id,
                    "company_id": self.system.company_id.id,
                    "measure": measure,
                    "granularity": "hour",
                    "bucket_start": hour,
                    "samples": samples,
                    "within": within,
                }
                for measure, samples, within in (
                    ("order_acceptance", 10, 9),
                    ("partner_ack", 30, 30),
                )
            ]
        )
        self.system.invalidate_recordset()
        self.assertTrue(self.system.cockpit_sla_has_data)
        self.assertAlmostEqual(self.system.cockpit_sla_attainment_today, 97.5)
        self.assertTrue(self.system.cockpit_sla_met)
        self.system.sla_attainment_target = 99
        self.system.invalidate_recordset()
        self.assertFalse(self.system.cockpit_sla_met)

    def test_app_opens_on_the_overview(self):
        root = self.env.ref("integration_core.integration_menu_root")
        self.assertEqual(
            root.action,
            self.env.ref("integration_cockpit.integration_cockpit_overview_action"),
        )
        action = self.system.action_cockpit_open_sla()
        self.assertEqual(action["res_model"], "integration.sla.measure")

    def test_a_clerk_of_another_company_sees_neither_card_nor_series(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        clerk_b = new_test_user(
            self.env,
            login="clerk_b",
            company_id=company_b.id,
            company_ids=[(6, 0, company_b.ids)],
            groups="base.group_user,integration_core.group_integration_user",
        )
        self._exceptions()
        self.Measure.create(
            {
                "system_id": self.system.id,
                "company_id": self.system.company_id.id,
                "measure": "partner_ack",
                "granularity": "hour",
                "bucket_start": hour_floor(fields.Datetime.now()),
                "samples": 1,
                "within": 1,
            }
        )
        System = self.env["integration.system"].with_user(clerk_b)
        self.assertFalse(System.search([("id", "in", (self.system | self.other).ids)]))
        self.assertFalse(self.Measure.with_user(clerk_b).search([]))
        self.assertTrue(self.Measure.with_user(self.integration_user).search([]))

    def test_targets_are_for_managers(self):
        with self.assertRaises(AccessError):
            self.system.with_user(
                self.integration_user
            ).sla_order_acceptance_minutes = 1
        self.system.with_user(self.integration_manager).sla_order_acceptance_minutes = 1
        with self.assertRaises(AccessError):
            self.Measure.with_user(self.integration_manager).create(
                {
                    "system_id": self.system.id,
                    "company_id": self.system.company_id.id,
                    "measure": "partner_ack",
                    "granularity": "hour",
                    "bucket_start": fields.Datetime.now(),
                }
            )
