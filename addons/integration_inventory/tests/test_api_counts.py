"""``POST /api/v1/inventory/counts`` over real HTTP: applied as Odoo's own
inventory adjustments, held for approval beyond the threshold, unknown codes
kept and reprocessed."""

import json

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCountsApi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.bot = new_test_user(
            cls.env, login="wms_bot", groups="stock.group_stock_user"
        )
        cls.manager = new_test_user(
            cls.env,
            login="count_manager",
            groups="stock.group_stock_manager,integration_core.group_integration_manager",
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.stock = cls.warehouse.lot_stock_id
        cls.shelf = cls.env["stock.location"].create(
            {"name": "Shelf C3", "location_id": cls.stock.id, "usage": "internal"}
        )
        cls.system = cls.env["integration.system"].create(
            {
                "name": "Count WMS",
                "code": "count_wms",
                "kind": "wms",
                "state": "active",
                "user_id": cls.bot.id,
                "count_threshold_kind": "absolute",
                "count_threshold": 5,
            }
        )
        Product = cls.env["product.product"]
        cls.bolt = Product.create(
            {"name": "Count bolt", "default_code": "C-BOLT", "is_storable": True}
        )
        cls.wine = Product.create(
            {
                "name": "Count wine",
                "default_code": "C-WINE",
                "is_storable": True,
                "tracking": "lot",
            }
        )
        cls.lot = cls.env["stock.lot"].create(
            {"name": "L-2026", "product_id": cls.wine.id}
        )
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.bolt, cls.shelf, 10)
        Quant._update_available_quantity(cls.wine, cls.stock, 4, lot_id=cls.lot)
        cls.env["integration.mapping"].create(
            [
                {
                    "system_id": cls.system.id,
                    "kind": "location",
                    "external_code": "C3",
                    "res_id": cls.shelf.id,
                },
                {
                    "system_id": cls.system.id,
                    "kind": "product",
                    "external_code": "WMS-BOLT",
                    "res_id": cls.bolt.id,
                },
            ]
        )
        scopes = cls.env["integration.api.scope"].search(
            [("code", "=", "inventory:write")]
        )
        key = cls.env["integration.api.key"].create(
            {
                "name": "count key",
                "system_id": cls.system.id,
                "scope_ids": [fields.Command.set(scopes.ids)],
            }
        )
        cls.token = key._issue_secret()

    def post(self, body):
        return self.opener.post(
            self.base_url() + "/api/v1/inventory/counts",
            data=json.dumps(body),
            headers={"X-Api-Key": self.token, "Content-Type": "application/json"},
            timeout=30,
        )

    def on_hand(self, product, location, lot=None):
        return sum(
            self.env["stock.quant"]
            ._gather(product, location, lot_id=lot, strict=True)
            .mapped("quantity")
        )

    def message(self, count_id):
        messages = self.env["integration.api.message"].search(
            [
                ("system_id", "=", self.system.id),
                ("route", "=", "POST /inventory/counts"),
            ],
            order="id desc",
        )
        return messages.filtered(lambda m: (m.body or {}).get("count_id") == count_id)[
            :1
        ]

    def test_count_applied_as_an_inventory_adjustment_once(self):
        body = {
            "count_id": "CNT-1",
            "lines": [
                {"sku": "WMS-BOLT", "location": "C3", "quantity": 8},
                {
                    "sku": "C-WINE",
                    "warehouse": self.warehouse.code,
                    "lot": "L-2026",
                    "quantity": 4,
                },
            ],
        }
        response = self.post(body)
        self.assertEqual(response.status_code, 201, response.text)
        result = response.json()
        self.assertEqual(result["lines"][0]["quantity_before"], 10.0)
        self.assertEqual(result["lines"][0]["difference"], -2.0)
        self.assertEqual(result["lines"][1]["difference"], 0.0)
        self.assertEqual(self.on_hand(self.bolt, self.shelf), 8.0)
        move = self.env["stock.move"].search(
            [("product_id", "=", self.bolt.id), ("is_inventory", "=", True)],
            order="id desc",
            limit=1,
        )
        self.assertEqual(move.state, "done")
        self.assertIn("CNT-1", move.reference or move.name)
        again = self.post(body)
        self.assertEqual(again.status_code, 200, again.text)
        self.assertEqual(again.json()["lines"], result["lines"])
        self.assertEqual(self.on_hand(self.bolt, self.shelf), 8.0, "applied once")

    def test_difference_beyond_threshold_waits_for_approval(self):
        response = self.post(
            {
                "count_id": "CNT-2",
                "lines": [{"sku": "WMS-BOLT", "location": "C3", "quantity": 30}],
            }
        )
        self.assertEqual(response.status_code, 202, response.text)
        self.assertEqual(self.on_hand(self.bolt, self.shelf), 10.0, "not applied")
        message = self.message("CNT-2")
        self.assertEqual(message.state, "needs_fix")
        self.assertEqual(message.exception_id.kind, "business_rule")
        self.assertIn(
            "10 on the books, 30 counted",
            message.exception_id.name + (message.exception_id.detail or ""),
        )
        message.with_user(self.manager).action_approve_count()
        self.assertEqual(message.state, "done")
        self.assertEqual(message.count_approved_by_id, self.manager)
        self.assertEqual(self.on_hand(self.bolt, self.shelf), 30.0)
        self.assertEqual(message.exception_id.state, "resolved")

    def test_rejected_count_leaves_the_books(self):
        self.post(
            {
                "count_id": "CNT-3",
                "lines": [{"sku": "WMS-BOLT", "location": "C3", "quantity": 0}],
            }
        )
        message = self.message("CNT-3")
        message.with_user(self.manager).action_reject_count()
        self.assertEqual(message.state, "rejected")
        self.assertEqual(message.exception_id.state, "ignored")
        self.assertEqual(self.on_hand(self.bolt, self.shelf), 10.0)

    def test_unknown_sku_and_lot_are_kept_then_reprocessed(self):
        response = self.post(
            {
                "count_id": "CNT-4",
                "lines": [
                    {"sku": "WMS-NUT", "location": "C3", "quantity": 3},
                ],
            }
        )
        self.assertEqual(response.status_code, 202, response.text)
        message = self.message("CNT-4")
        self.assertEqual(message.exception_id.kind, "unmapped_code")
        nut = self.env["product.product"].create(
            {"name": "Count nut", "is_storable": True}
        )
        self.env["integration.mapping"].create(
            {
                "system_id": self.system.id,
                "kind": "product",
                "external_code": "WMS-NUT",
                "res_id": nut.id,
            }
        )
        message._integration_reprocess()
        self.assertEqual(message.state, "done")
        self.assertEqual(self.on_hand(nut, self.shelf), 3.0)
        response = self.post(
            {
                "count_id": "CNT-5",
                "lines": [
                    {"sku": "C-WINE", "lot": "L-NEW", "quantity": 2},
                ],
            }
        )
        self.assertEqual(response.status_code, 202, response.text)
        message = self.message("CNT-5")
        self.assertIn("L-NEW", message.exception_id.name)
        new_lot = self.env["stock.lot"].create(
            {"name": "L-NEW", "product_id": self.wine.id}
        )
        message._integration_reprocess()
        self.assertEqual(self.on_hand(self.wine, self.stock, new_lot), 2.0)

    def test_bad_counts_are_problem_documents(self):
        for body in (
            {"count_id": "X", "lines": [{"sku": "WMS-BOLT", "quantity": -1}]},
            {"count_id": "X", "lines": []},
            {"lines": [{"sku": "WMS-BOLT", "quantity": 1}]},
        ):
            response = self.post(body)
            self.assertEqual(response.status_code, 422, response.text)
            self.assertEqual(
                response.headers["Content-Type"], "application/problem+json"
            )
