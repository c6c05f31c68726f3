from odoo.tests import Form, tagged

from odoo.addons.integration_core.tools.json_schema import validation_errors

from .common import DistributionCase


@tagged("post_install", "-at_install")
class TestShipmentDispatched(DistributionCase):
    def confirmed_order(self, **vals):
        order = self.make_order(**vals)
        order.action_confirm()
        return order

    def test_validating_the_delivery_writes_one_valid_event(self):
        self.map("product", "SHOP-DESK", self.desk)
        order = self.confirmed_order(
            integration_system_id=self.system.id, integration_external_ref="SHOP-7"
        )
        picking = order.picking_ids
        self.assertEqual(picking.picking_type_code, "outgoing")
        self.assertFalse(self.events("shipment.dispatched", picking))
        self.ship_all(picking)
        self.assertEqual(picking.state, "done")
        event = self.events("shipment.dispatched", picking)
        self.assertEqual(len(event), 1)
        self.assertEqual(event.state, "published")
        self.assertEqual(event.subject, f"shipments/{picking.name}")
        self.assertEqual(event.system_id, self.system)
        self.assertEqual(
            validation_errors(event.event_type_id._get_schema(), event.data), []
        )
        data = event.data
        self.assertEqual(data["order_ref"], order.name)
        self.assertEqual(data["external_ref"], "SHOP-7")
        self.assertEqual(data["ship_to"]["id"], self.ship_to.id)
        self.assertEqual(data["warehouse"]["code"], self.warehouse.code)
        self.assertTrue(data["date_done"].endswith("Z"))
        lines = {line["product"]["default_code"]: line for line in data["lines"]}
        self.assertEqual(lines["DESK-1"]["quantity"], 2.0)
        self.assertEqual(lines["DESK-1"]["product"]["partner_sku"], "SHOP-DESK")
        self.assertEqual(lines["CHAIR-1"]["quantity"], 4.0)

    def test_a_delivery_without_a_contact_writes_a_valid_event(self):
        """Odoo lets a clerk validate a delivery with no contact: the event
        is still published (no ship-to party), not kept as invalid."""
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.out_type_id.id,
                "location_id": self.warehouse.lot_stock_id.id,
                "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "name": self.desk.name,
                            "product_id": self.desk.id,
                            "product_uom_qty": 1,
                            "product_uom": self.desk.uom_id.id,
                            "location_id": self.warehouse.lot_stock_id.id,
                            "location_dest_id": self.env.ref(
                                "stock.stock_location_customers"
                            ).id,
                        },
                    )
                ],
            }
        )
        self.assertFalse(picking.partner_id)
        picking.action_confirm()
        self.ship_all(picking)
        self.assertEqual(picking.state, "done")
        event = self.events("shipment.dispatched", picking)
        self.assertEqual(len(event), 1)
        self.assertEqual(
            validation_errors(event.event_type_id._get_schema(), event.data), []
        )
        self.assertEqual(event.state, "published")
        self.assertEqual(event.data["ship_to"]["name"], "")

    def test_the_event_carries_what_the_validation_did_after_done(self):
        """Written at commit time: what a module changes after ``_action_done``
        in the same validation (a carrier connector's tracking number; here
        the origin) is in the event, and it is written once."""
        order = self.confirmed_order()
        picking = order.picking_ids
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking.button_validate()
        picking.origin = "set after validation"
        picking._integration_emit_shipment_dispatched_at_commit()  # a second call
        event = self.events("shipment.dispatched", picking)
        self.assertEqual(len(event), 1)
        self.assertEqual(event.data["origin"], "set after validation")

    def test_partial_delivery_and_backorder_each_write_one_event(self):
        order = self.confirmed_order()
        picking = order.picking_ids
        desk_move = picking.move_ids.filtered(lambda m: m.product_id == self.desk)
        chair_move = picking.move_ids - desk_move
        desk_move.quantity = 1
        chair_move.quantity = 4
        picking.move_ids.picked = True
        action = picking.button_validate()
        wizard = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        ).save()
        wizard.process()
        backorder = order.picking_ids - picking
        self.assertEqual(len(backorder), 1)
        data = self.events("shipment.dispatched", picking).data
        quantities = {
            line["product"]["default_code"]: line["quantity"] for line in data["lines"]
        }
        self.assertEqual(quantities, {"DESK-1": 1.0, "CHAIR-1": 4.0})
        self.assertFalse(self.events("shipment.dispatched", backorder))
        self.ship_all(backorder)
        events = self.events("shipment.dispatched", picking | backorder)
        self.assertEqual(len(events), 2)
        backorder_data = self.events("shipment.dispatched", backorder).data
        self.assertEqual(
            [
                (line["product"]["default_code"], line["quantity"])
                for line in backorder_data["lines"]
            ],
            [("DESK-1", 1.0)],
        )

    def test_validating_several_deliveries_at_once(self):
        pickings = (
            self.confirmed_order().picking_ids | self.confirmed_order().picking_ids
        )
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
        pickings.move_ids.picked = True
        pickings.button_validate()
        events = self.events("shipment.dispatched", pickings)
        self.assertEqual(len(events), 2)
        self.assertEqual(set(events.mapped("res_id")), set(pickings.ids))

    def test_lot_numbers_are_shipped(self):
        lot = self.env["stock.lot"].create(
            {"name": "LOT-2026-01", "product_id": self.wine.id}
        )
        self.env["stock.quant"]._update_available_quantity(
            self.wine, self.stock_location, 10, lot_id=lot
        )
        order = self.confirmed_order(lines=[(self.wine, 3)])
        picking = order.picking_ids
        picking.action_assign()
        self.assertEqual(picking.move_line_ids.lot_id, lot)
        picking.move_ids.picked = True
        picking.button_validate()
        line = self.events("shipment.dispatched", picking).data["lines"][0]
        self.assertEqual(line["lots"], ["LOT-2026-01"])
        self.assertEqual(line["quantity"], 3.0)

    def test_receipts_write_nothing(self):
        vendor = self.env["res.partner"].create({"name": "Vendor"})
        purchase = self.env["purchase.order"].create(
            {
                "partner_id": vendor.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.desk.id,
                            "product_qty": 5,
                            "price_unit": 90,
                        },
                    )
                ],
            }
        )
        purchase.button_confirm()
        receipt = purchase.picking_ids
        self.assertEqual(receipt.picking_type_code, "incoming")
        self.ship_all(receipt)
        self.assertEqual(receipt.state, "done")
        self.assertFalse(self.events("shipment.dispatched", receipt))
        self.assertFalse(
            self.Event.search(
                [("type", "=", "shipment.dispatched"), ("res_id", "=", receipt.id)]
            )
        )
