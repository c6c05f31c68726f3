from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user

from odoo.addons.integration_distribution.tests.common import DistributionCase


class InventoryCase(DistributionCase):
    """Two warehouses, stocked products, a channel publishing availability."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Quant = cls.env["stock.quant"]
        cls.wh2 = cls.env["stock.warehouse"].create(
            {"name": "Second warehouse", "code": "WH2X"}
        )
        cls.system.write(
            {
                "state": "active",
                "availability_publish": True,
                "availability_warehouse_ids": [
                    fields.Command.set([cls.warehouse.id, cls.wh2.id])
                ],
            }
        )
        cls.lamp = cls.env["product.product"].create(
            {
                "name": "Test lamp",
                "default_code": "LAMP-1",
                "is_storable": True,
                "type": "consu",
                "list_price": 30.0,
            }
        )
        cls.stock_user = new_test_user(
            cls.env, login="stock_clerk", groups="stock.group_stock_user"
        )
        cls.supplier = cls.env["res.partner"].create({"name": "Lamp supplier"})

    @classmethod
    def put_in_stock(cls, product, quantity, warehouse=None, lot=None):
        location = (warehouse or cls.warehouse).lot_stock_id
        cls.Quant._update_available_quantity(product, location, quantity, lot_id=lot)

    @classmethod
    def picking(cls, kind, product, quantity, warehouse=None, days=0, confirm=True):
        """A receipt (``kind="incoming"``) or delivery (``"outgoing"``)."""
        warehouse = warehouse or cls.warehouse
        picking_type = (
            warehouse.in_type_id if kind == "incoming" else warehouse.out_type_id
        )
        if kind == "incoming":
            source = cls.env.ref("stock.stock_location_suppliers")
            dest = warehouse.lot_stock_id
        else:
            source = warehouse.lot_stock_id
            dest = cls.env.ref("stock.stock_location_customers")
        date = fields.Datetime.now() + timedelta(days=days)
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": source.id,
                "location_dest_id": dest.id,
                "partner_id": cls.supplier.id
                if kind == "incoming"
                else cls.customer.id,
                "scheduled_date": date,
                "move_ids": [
                    fields.Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "product_uom": product.uom_id.id,
                            "location_id": source.id,
                            "location_dest_id": dest.id,
                            "date": date,
                        }
                    )
                ],
            }
        )
        if confirm:
            picking.action_confirm()
            if kind == "outgoing":
                picking.action_assign()
        return picking
