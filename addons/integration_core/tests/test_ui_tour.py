"""The exception dashboard in a real browser (Odoo's web client in headless
Chromium), as a clerk works it."""

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestExceptionIgnoreTour(HttpCase):
    def test_clerk_ignores_by_button_and_by_drag_always_with_a_reason(self):
        new_test_user(
            self.env,
            login="tour_clerk",
            groups="base.group_user,integration_core.group_integration_user",
        )
        report = self.env["integration.exception"].report
        by_button, by_drag = (
            report(
                kind="unmapped_code",
                title=f"Unknown SKU {code}",
                fingerprint=f"tour:{code}",
            )
            for code in ("TOUR-BUTTON", "TOUR-DRAG")
        )
        self.start_tour(
            "/odoo/action-integration_core.integration_exception_action",
            "integration_exception_ignore_tour",
            login="tour_clerk",
        )
        self.assertEqual(by_button.state, "ignored")
        self.assertEqual(by_button.resolution_note, "Sample SKU from the onboarding")
        self.assertEqual(by_drag.state, "ignored")
        self.assertEqual(by_drag.resolution_note, "Duplicate of an order already fixed")
        self.assertIn(
            "Duplicate of an order already fixed",
            " ".join(by_drag.message_ids.mapped("body")),
        )
