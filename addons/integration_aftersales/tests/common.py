import json

from odoo import fields
from odoo.tests import HttpCase, new_test_user

from odoo.addons.integration_api.tests.common import issue_token
from odoo.addons.integration_webhook.tests.common import set_up_local_receiver
from odoo.addons.queue_job.tests.common import trap_jobs


class AftersalesHttpCase(HttpCase):
    """A web shop with a delivered and invoiced order, a second system, a
    live receiver on 127.0.0.1, and helpers to call ``/api/v1``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, no_reset_password=True)
        )
        set_up_local_receiver(cls)
        bot = new_test_user(
            cls.env, login="aftersales_bot", groups="stock.group_stock_user"
        )
        System = cls.env["integration.system"]
        cls.shop = System.create(
            {
                "name": "Returns shop",
                "code": "ret_shop",
                "state": "active",
                "user_id": bot.id,
            }
        )
        cls.stranger = System.create(
            {
                "name": "Other shop",
                "code": "ret_other",
                "state": "active",
                "user_id": bot.id,
            }
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Return customer", "ref": "C-RET", "vat": "BE0477472701"}
        )
        cls.tax = cls.env["account.tax"].create(
            {"name": "Test VAT 21%", "amount": 21, "type_tax_use": "sale"}
        )
        Product = cls.env["product.product"]
        cls.desk = Product.create(
            {
                "name": "Return desk",
                "default_code": "RDESK",
                "is_storable": True,
                "list_price": 100.0,
                "taxes_id": [fields.Command.set(cls.tax.ids)],
            }
        )
        cls.chair = Product.create(
            {
                "name": "Return chair",
                "default_code": "RCHAIR",
                "is_storable": True,
                "list_price": 40.0,
                "taxes_id": [fields.Command.set(cls.tax.ids)],
            }
        )
        cls.lamp = Product.create(
            {"name": "Return lamp", "default_code": "RLAMP", "is_storable": True}
        )
        for product in (cls.desk, cls.chair, cls.lamp):
            cls.env["stock.quant"]._update_available_quantity(
                product, cls.warehouse.lot_stock_id, 50
            )
        Mapping = cls.env["integration.mapping"]
        for system in (cls.shop, cls.stranger):
            Mapping.create(
                {
                    "system_id": system.id,
                    "kind": "product",
                    "external_code": "SKU-DESK",
                    "res_id": cls.desk.id,
                }
            )
        Mapping.create(
            {
                "system_id": cls.shop.id,
                "kind": "product",
                "external_code": "SKU-CHAIR",
                "res_id": cls.chair.id,
            }
        )
        cls.damaged = cls.env["integration.return.reason"].create(
            {"code": "test_damaged", "name": "Damaged in transit"}
        )
        Mapping.create(
            {
                "system_id": cls.shop.id,
                "kind": "return_reason",
                "external_code": "DMG",
                "res_id": cls.damaged.id,
            }
        )
        cls.order = cls.make_delivered_order(
            cls.shop, "RET-1", [(cls.desk, 2), (cls.chair, 3)]
        )
        cls.token = cls.make_token(cls.shop)
        cls.stranger_token = cls.make_token(cls.stranger)

    def setUp(self):
        super().setUp()
        self.receiver.server.received.clear()
        self.receiver.server.script.clear()
        self.receiver.set_default(200)

    @classmethod
    def make_delivered_order(cls, system, ref, lines):
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "integration_system_id": system.id,
                "integration_external_ref": ref,
                "order_line": [
                    fields.Command.create(
                        {"product_id": product.id, "product_uom_qty": qty}
                    )
                    for product, qty in lines
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking.button_validate()
        return order

    @classmethod
    def make_token(cls, system):
        return issue_token(
            cls.env,
            system,
            ("returns:write", "invoices:read"),
            name=f"{system.code} key",
        )

    def api(self, method, path, body=None, token=None, headers=None):
        return self.opener.request(
            method,
            f"{self.base_url()}/api/v1{path}",
            data=json.dumps(body) if body is not None else None,
            headers={
                "X-Api-Key": token or self.token,
                "Content-Type": "application/json",
                **(headers or {}),
            },
            timeout=60,
        )

    def subscribe(self, system, *type_codes):
        types = self.env["integration.event.type"].search([("code", "in", type_codes)])
        return self.env["integration.subscription"].create(
            {
                "name": f"{system.code} endpoint",
                "target_url": self.receiver.url,
                "event_type_ids": [fields.Command.set(types.ids)],
                "system_id": system.id,
                "retry_schedule": "1,1",
            }
        )

    def drain(self, subscription):
        self.env.flush_all()
        with trap_jobs():
            return subscription._drain()

    def received(self, type_code):
        return [
            json.loads(request.body)
            for request in self.receiver.received
            if json.loads(request.body)["type"] == type_code
        ]

    def assertProblem(self, response, status, pointer=None):
        self.assertEqual(response.status_code, status, response.text)
        self.assertEqual(
            response.headers["Content-Type"].split(";")[0], "application/problem+json"
        )
        problem = response.json()
        if pointer:
            self.assertIn(pointer, [e["pointer"] for e in problem.get("errors", [])])
        return problem
