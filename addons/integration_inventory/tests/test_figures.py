"""Figures per warehouse against Odoo's own quantity fields."""

from odoo.tests import tagged

from .common import InventoryCase

ODOO_FIELDS = {
    "on_hand": "qty_available",
    "available": "free_qty",
    "incoming": "incoming_qty",
    "outgoing": "outgoing_qty",
    "forecast": "virtual_available",
}


@tagged("-at_install", "post_install")
class TestFigures(InventoryCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.put_in_stock(cls.lamp, 20)
        cls.put_in_stock(cls.lamp, 5, warehouse=cls.wh2)
        cls.delivery = cls.picking("outgoing", cls.lamp, 7)  # reserves 7 in WH
        cls.receipt = cls.picking("incoming", cls.lamp, 12, days=3)
        cls.late_receipt = cls.picking("incoming", cls.lamp, 4, days=9)
        cls.lot_a = cls.env["stock.lot"].create(
            {"name": "LOT-A", "product_id": cls.wine.id}
        )
        cls.put_in_stock(cls.wine, 6, lot=cls.lot_a)

    def test_figures_equal_odoos_fields_per_warehouse(self):
        products = self.lamp | self.wine
        warehouses = self.warehouse | self.wh2
        figures = products._integration_stock_figures(warehouses)
        for product in products:
            for warehouse in warehouses:
                odoo = product.with_context(warehouse_id=warehouse.id)
                row = figures[(product.id, warehouse.id)]
                for ours, theirs in ODOO_FIELDS.items():
                    self.assertAlmostEqual(
                        row[ours],
                        odoo[theirs],
                        msg=f"{product.name} {warehouse.code} {ours}",
                    )
                self.assertAlmostEqual(
                    row["reserved"], odoo.qty_available - odoo.free_qty
                )
        lamp_wh = figures[(self.lamp.id, self.warehouse.id)]
        self.assertEqual(
            (lamp_wh["on_hand"], lamp_wh["reserved"], lamp_wh["available"]),
            (20.0, 7.0, 13.0),
        )
        self.assertEqual((lamp_wh["incoming"], lamp_wh["forecast"]), (16.0, 29.0))
        self.assertEqual(figures[(self.lamp.id, self.wh2.id)]["available"], 5.0)
        self.assertEqual(figures[(self.wine.id, self.warehouse.id)]["on_hand"], 6.0)

    def test_allocation_buffer_and_cap(self):
        self.system.write(
            {"availability_buffer_kind": "percent", "availability_buffer": 25}
        )
        figures = self.lamp._integration_stock_figures(
            self.warehouse, system=self.system
        )
        self.assertEqual(
            figures[(self.lamp.id, self.warehouse.id)]["available_to_sell"], 9.0
        )  # 13*0.75=9.75
        self.system.write(
            {
                "availability_buffer_kind": "absolute",
                "availability_buffer": 3,
                "availability_cap": 8,
            }
        )
        figures = self.lamp._integration_stock_figures(
            self.warehouse | self.wh2, system=self.system
        )
        self.assertEqual(
            figures[(self.lamp.id, self.warehouse.id)]["available_to_sell"], 8.0
        )  # 10, cap 8
        self.assertEqual(
            figures[(self.lamp.id, self.wh2.id)]["available_to_sell"], 2.0
        )  # 5-3

    def test_incoming_receipts_by_day(self):
        incoming = self.lamp._integration_incoming(self.warehouse | self.wh2)
        rows = incoming[(self.lamp.id, self.warehouse.id)]
        self.assertEqual([qty for _day, qty in rows], [12.0, 4.0])
        self.assertEqual(rows[0][0], self.receipt.scheduled_date.date())
        self.assertNotIn((self.lamp.id, self.wh2.id), incoming)

    def test_negative_buffer_refused(self):
        from odoo.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            self.system.availability_buffer = -1
