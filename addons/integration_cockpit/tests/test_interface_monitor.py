"""The interface monitor: counts per system, interface and status, and the
drill-down to the delivery or message and then to the record."""

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import CockpitCase


@tagged("post_install", "-at_install")
class TestInterfaceMonitor(CockpitCase):
    def _rows(self, user=None, domain=()):
        Monitor = self.env["integration.interface.monitor"]
        if user:
            Monitor = Monitor.with_user(user)
        return Monitor.search([("system_id", "=", self.system.id), *domain])

    def test_counts_per_interface_and_status(self):
        self.receiver.set_default(200)
        self.confirmed_order()
        self.confirmed_order()
        with trap_jobs():
            self.subscription._drain()
        self.confirmed_order()  # still pending
        Message = self.env["integration.api.message"].sudo()
        Message.create(
            {
                "system_id": self.system.id,
                "company_id": self.system.company_id.id,
                "route": "POST /orders",
                "state": "needs_fix",
                "reference": "WEB-1001",
            }
        )
        groups = self.env["integration.interface.monitor"]._read_group(
            [("system_id", "=", self.system.id)],
            ["direction", "interface", "status"],
            ["__count"],
        )
        self.assertEqual(
            sorted(groups),
            [
                ("inbound", "POST /orders", "needs_fix", 1),
                ("outbound", "order.accepted", "delivered", 2),
                ("outbound", "order.accepted", "pending", 1),
            ],
        )

    def test_business_labels_and_drill_down(self):
        order = self.confirmed_order()
        row = self._rows(
            user=self.integration_user, domain=[("direction", "=", "outbound")]
        )
        self.assertEqual(len(row), 1)
        self.assertEqual(row.record_label, order.name)
        self.assertEqual(row.partner_label, self.customer.display_name)
        self.assertEqual(row.sku_label, "DESK-1, CHAIR-1")
        source = row.action_open_source()
        delivery = self.deliveries_of(order, "order.accepted")
        self.assertEqual(
            (source["res_model"], source["res_id"]),
            ("integration.delivery", delivery.id),
        )
        record = row.action_open_record()
        self.assertEqual(
            (record["res_model"], record["res_id"]), ("sale.order", order.id)
        )

    def test_message_without_record_says_so(self):
        message = (
            self.env["integration.api.message"]
            .sudo()
            .create(
                {
                    "system_id": self.system.id,
                    "company_id": self.system.company_id.id,
                    "route": "POST /orders",
                    "state": "needs_fix",
                    "reference": "WEB-1002",
                }
            )
        )
        row = self._rows(domain=[("message_id", "=", message.id)])
        self.assertEqual(row.reference, "WEB-1002")
        self.assertEqual(row.action_open_source()["res_id"], message.id)
        with self.assertRaises(UserError):
            row.action_open_record()

    def test_other_company_sees_no_rows(self):
        self.confirmed_order()
        company_b = self.env["res.company"].create({"name": "Monitor B"})
        clerk_b = new_test_user(
            self.env,
            login="monitor_b",
            company_id=company_b.id,
            company_ids=[(6, 0, company_b.ids)],
            groups="base.group_user,integration_core.group_integration_user",
        )
        self.assertTrue(self._rows(user=self.integration_user))
        self.assertFalse(
            self.env["integration.interface.monitor"].with_user(clerk_b).search([])
        )

    def test_plain_users_have_no_access(self):
        from odoo.exceptions import AccessError

        with self.assertRaises(AccessError):
            self.env["integration.interface.monitor"].with_user(self.plain_user).search(
                []
            )
