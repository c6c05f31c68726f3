"""The cockpit in a real browser (Odoo's web client in headless Chromium)."""

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from ..tools.sla import day_floor


@tagged("post_install", "-at_install")
class TestCockpitTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.system = cls.env["integration.system"].create(
            {
                "name": "Tour shop",
                "code": "tour_shop",
                "kind": "web_shop",
                "state": "active",
            }
        )

    def test_clerk_overview_card_to_filtered_list(self):
        new_test_user(
            self.env,
            login="cockpit_clerk",
            groups="base.group_user,integration_core.group_integration_user",
        )
        report = self.env["integration.exception"].report
        old = report(
            "business_rule",
            "Credit hold TOUR-OLD",
            fingerprint="tour:old",
            system=self.system,
        )
        report(
            "unmapped_code",
            "Unknown SKU TOUR-FRESH",
            fingerprint="tour:fresh",
            system=self.system,
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE integration_exception SET first_seen = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(days=2), old.id],
        )
        self.start_tour(
            "/odoo/action-integration_cockpit.integration_cockpit_overview_action",
            "integration_cockpit_clerk_tour",
            login="cockpit_clerk",
        )

    def test_manager_reads_the_sla_views(self):
        new_test_user(
            self.env,
            login="cockpit_manager",
            groups="base.group_user,integration_core.group_integration_manager",
        )
        self.env["integration.sla.measure"].create(
            {
                "system_id": self.system.id,
                "company_id": self.system.company_id.id,
                "measure": "order_acceptance",
                "granularity": "day",
                "bucket_start": day_floor(fields.Datetime.now()),
                "samples": 20,
                "within": 17,
                "attainment": 85.0,
            }
        )
        self.start_tour(
            "/odoo/action-integration_cockpit.integration_sla_measure_action",
            "integration_cockpit_manager_sla_tour",
            login="cockpit_manager",
        )
