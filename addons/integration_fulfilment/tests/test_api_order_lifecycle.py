"""``GET /api/v1/orders/{ref}`` over real HTTP through a whole order life:
reserved, released, partially shipped (packages, lots), carrier milestones
and ETA, shipped, delivered, invoiced, returned."""

import json

from odoo.tests import Form, HttpCase, new_test_user, tagged

from odoo.addons.integration_api.tests.common import issue_token


@tagged("post_install", "-at_install")
class TestOrderLifecycleApi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, no_reset_password=True)
        )
        bot = new_test_user(
            cls.env,
            login="lifecycle_bot",
            groups="sales_team.group_sale_salesman_all_leads,stock.group_stock_user",
        )
        System = cls.env["integration.system"]
        cls.shop = System.create(
            {
                "name": "Life shop",
                "code": "life_shop",
                "state": "active",
                "user_id": bot.id,
            }
        )
        cls.stranger = System.create(
            {
                "name": "Life stranger",
                "code": "life_stranger",
                "state": "active",
                "user_id": bot.id,
            }
        )
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        stock = warehouse.lot_stock_id
        cls.desk = cls.env["product.product"].create(
            {"name": "Life desk", "is_storable": True, "invoice_policy": "order"}
        )
        cls.wine = cls.env["product.product"].create(
            {
                "name": "Life wine",
                "is_storable": True,
                "tracking": "lot",
                "invoice_policy": "order",
            }
        )
        cls.lot = cls.env["stock.lot"].create(
            {"name": "LOT-A", "product_id": cls.wine.id}
        )
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.desk, stock, 10)
        Quant._update_available_quantity(cls.wine, stock, 10, lot_id=cls.lot)
        Mapping = cls.env["integration.mapping"]
        for code, product in (("SKU-DESK", cls.desk), ("SKU-WINE", cls.wine)):
            Mapping.create(
                {
                    "system_id": cls.shop.id,
                    "kind": "product",
                    "external_code": code,
                    "res_id": product.id,
                }
            )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.env["res.partner"]
                .create({"name": "Life customer"})
                .id,
                "integration_system_id": cls.shop.id,
                "integration_external_ref": "LIFE-1",
                "order_line": [
                    (0, 0, {"product_id": cls.desk.id, "product_uom_qty": 2}),
                    (0, 0, {"product_id": cls.wine.id, "product_uom_qty": 3}),
                ],
            }
        )
        cls.order.action_confirm()
        cls.token = cls.make_token(cls.shop, ["orders:read", "shipments:write"])
        cls.stranger_token = cls.make_token(cls.stranger, ["orders:read"])

    @classmethod
    def make_token(cls, system, scopes):
        return issue_token(cls.env, system, scopes, name="lifecycle")

    def get(self, token=None):
        response = self.opener.get(
            f"{self.base_url()}/api/v1/orders/LIFE-1",
            headers={"X-Api-Key": token or self.token},
            timeout=30,
        )
        return response

    def view(self):
        response = self.get()
        self.assertEqual(response.status_code, 200, response.text)
        return response.json()

    def milestone(self, picking, body):
        response = self.opener.post(
            f"{self.base_url()}/api/v1/shipments/{picking.id}/events",
            data=json.dumps(body),
            headers={"X-Api-Key": self.token, "Content-Type": "application/json"},
            timeout=30,
        )
        self.assertIn(response.status_code, (200, 201), response.text)

    @staticmethod
    def reached(view):
        return [stage["stage"] for stage in view["lifecycle"] if stage["reached"]]

    def ship(self, picking, quantities, packages=None):
        """Ship ``{product: quantity}``, each product in its package; the
        rest goes to a backorder, as the warehouse's wizard would do."""
        for move in picking.move_ids:
            quantity = quantities.get(move.product_id, 0)
            move_line = move.move_line_ids[:1]
            move_line.quantity = quantity
            (move.move_line_ids - move_line).unlink()
            if packages and move.product_id in packages:
                move_line.result_package_id = packages[move.product_id]
        picking.move_ids.picked = True
        action = picking.button_validate()
        if isinstance(action, dict) and action.get("res_model") == (
            "stock.backorder.confirmation"
        ):
            wizard = Form(
                self.env["stock.backorder.confirmation"].with_context(
                    **action["context"]
                )
            ).save()
            wizard.process()
        self.env.cr.flush()

    def test_the_whole_life_of_an_order(self):
        view = self.view()
        self.assertEqual(view["status"], "reserved")
        self.assertEqual(self.reached(view), ["accepted", "reserved"])
        accepted = view["lifecycle"][0]
        self.assertEqual(accepted["stage"], "accepted")
        self.assertTrue(accepted["at"])
        # no carrier yet: the ETA is the date Odoo expects
        self.assertEqual(view["eta"], self.order.expected_date.isoformat() + "Z")

        picking = self.order.picking_ids
        picking.printed = True  # the picking list went to the warehouse floor
        view = self.view()
        self.assertEqual(view["status"], "released")
        released = next(s for s in view["lifecycle"] if s["stage"] == "released")
        self.assertEqual((released["reached"], released["at"]), (True, None))
        # a shipment.released event, whoever writes it, gives the time
        EventType = self.env["integration.event.type"]
        released_type = EventType.search(
            [("code", "=", "shipment.released")], limit=1
        ) or EventType.create(
            {"code": "shipment.released", "name": "Shipment released (test)"}
        )
        event = self.env["integration.event"].create(
            {
                "event_type_id": released_type.id,
                "source": "test",
                "subject": f"shipments/{picking.name}",
                "sequence": 1,
                "time": "2026-12-01 07:30:00",
                "res_model": "stock.picking",
                "res_id": picking.id,
            }
        )
        released = next(s for s in self.view()["lifecycle"] if s["stage"] == "released")
        self.assertEqual(released["at"], "2026-12-01T07:30:00Z", event)

        Package = self.env["stock.quant.package"]
        box = Package.create({"name": "003540001234567895", "shipping_weight": 12.5})
        crate = Package.create({"name": "003540001234567901"})
        self.ship(
            picking, {self.desk: 2, self.wine: 1}, {self.desk: box, self.wine: crate}
        )
        backorder = self.order.picking_ids - picking
        self.assertEqual(len(backorder), 1)
        view = self.view()
        self.assertEqual(view["status"], "partially_shipped")
        shipped = next(s for s in view["shipments"] if s["picking_ref"] == picking.name)
        packages = {p["name"]: p for p in shipped["packages"]}
        self.assertEqual(set(packages), {box.name, crate.name})
        self.assertEqual(packages[box.name]["weight"], 12.5)
        self.assertEqual(
            packages[box.name]["lines"],
            [{"sku": "SKU-DESK", "quantity": 2.0, "lots": []}],
        )
        self.assertEqual(packages[crate.name]["lines"][0]["lots"], ["LOT-A"])
        self.assertIn("partially_shipped", self.reached(view))

        # a carrier milestone with a new ETA: the order's ETA follows it
        self.milestone(
            picking,
            {
                "status": "in_transit",
                "occurred_at": "2026-12-01T10:00:00+01:00",
                "eta": "2026-12-03T16:00:00+01:00",
            },
        )
        view = self.view()
        self.assertEqual(view["eta"], "2026-12-03T15:00:00Z")
        shipped = next(s for s in view["shipments"] if s["picking_ref"] == picking.name)
        self.assertEqual(shipped["tracking_status"], "in_transit")
        self.assertEqual([m["status"] for m in shipped["milestones"]], ["in_transit"])

        self.ship(backorder, {self.wine: 2})
        view = self.view()
        self.assertEqual(view["status"], "shipped")
        for delivery in (picking, backorder):
            self.milestone(
                delivery,
                {"status": "delivered", "occurred_at": "2026-12-03T12:00:00+01:00"},
            )
        view = self.view()
        self.assertEqual(view["status"], "delivered")
        delivered = next(s for s in view["lifecycle"] if s["stage"] == "delivered")
        self.assertEqual(delivered["at"], "2026-12-03T11:00:00Z")
        self.assertIsNone(view["eta"])

        invoice = self.order._create_invoices()
        invoice.action_post()
        view = self.view()
        self.assertEqual(view["status"], "invoiced")
        self.assertEqual([i["number"] for i in view["invoices"]], [invoice.name])

        wizard = Form(
            self.env["stock.return.picking"].with_context(
                active_id=picking.id, active_model="stock.picking"
            )
        ).save()
        for line in wizard.product_return_moves:
            line.quantity = 1 if line.product_id == self.desk else 0
        action = wizard.action_create_returns()
        returned = self.env["stock.picking"].browse(action["res_id"])
        self.assertEqual(self.view()["returns"][0]["state"], returned.state)
        returned.move_ids.quantity = 1
        returned.move_ids.picked = True
        returned.button_validate()
        view = self.view()
        self.assertEqual(view["status"], "returned")
        self.assertEqual(
            view["returns"][0]["lines"], [{"sku": "SKU-DESK", "quantity": 1.0}]
        )
        self.assertEqual(
            self.reached(view),
            [
                "accepted",
                "reserved",
                "released",
                "partially_shipped",
                "shipped",
                "delivered",
                "invoiced",
                "returned",
            ],
        )
        # another system's key does not see the order
        self.assertEqual(self.get(self.stranger_token).status_code, 404)
