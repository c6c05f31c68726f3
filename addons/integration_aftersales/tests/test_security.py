from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestReturnAccess(TransactionCase):
    """Returns are seen in their company only; nobody edits them by hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Returns B"})
        cls.clerk = new_test_user(
            cls.env,
            login="returns_clerk",
            groups="base.group_user,integration_core.group_integration_user",
            company_id=cls.company_a.id,
            company_ids=[(6, 0, (cls.company_a | cls.company_b).ids)],
        )
        partner = cls.env["res.partner"].create({"name": "Returner"})
        cls.returns = cls.env["integration.return"]
        for company in (cls.company_a, cls.company_b):
            system = cls.env["integration.system"].create(
                {
                    "name": f"Shop {company.name}",
                    "code": f"sec_{company.id}",
                    "company_id": company.id,
                }
            )
            order = (
                cls.env["sale.order"]
                .with_company(company)
                .create({"partner_id": partner.id, "company_id": company.id})
            )
            cls.returns |= cls.returns.create(
                {
                    "name": "RMA-SEC",
                    "system_id": system.id,
                    "company_id": company.id,
                    "order_id": order.id,
                }
            )

    def test_a_user_sees_the_returns_of_his_allowed_companies(self):
        Return = self.env["integration.return"].with_user(self.clerk)
        self.assertEqual(
            Return.with_context(allowed_company_ids=self.company_a.ids).search(
                [("name", "=", "RMA-SEC")]
            ),
            self.returns.filtered(lambda r: r.company_id == self.company_a),
        )
        both = (self.company_a | self.company_b).ids
        self.assertEqual(
            Return.with_context(allowed_company_ids=both).search(
                [("name", "=", "RMA-SEC")]
            ),
            self.returns,
        )

    def test_returns_are_read_only_for_users_and_reasons_for_managers(self):
        rma = self.returns[:1].with_user(self.clerk)
        with self.assertRaises(AccessError):
            rma.write({"note": "edited"})
        with self.assertRaises(AccessError):
            self.env["integration.return.reason"].with_user(self.clerk).create(
                {"code": "x", "name": "X"}
            )
        stock_user = new_test_user(
            self.env, login="returns_stock", groups="stock.group_stock_user"
        )
        self.assertTrue(rma.with_user(stock_user).read(["name"]))
