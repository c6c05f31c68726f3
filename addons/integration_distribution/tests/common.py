from odoo.tests import new_test_user

from odoo.addons.integration_core.tests.common import IntegrationCase


class DistributionCase(IntegrationCase):
    """A web shop system, its mappings, products and a customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Mapping = cls.env["integration.mapping"]
        cls.Event = cls.env["integration.event"]
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.uom_unit = cls.env.ref("uom.product_uom_unit")
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Deco Retail",
                "ref": "C-DECO",
                "street": "1 Dock Road",
                "city": "Antwerp",
                "zip": "2000",
                "country_id": cls.env.ref("base.be").id,
            }
        )
        cls.ship_to = cls.env["res.partner"].create(
            {
                "name": "Deco depot",
                "type": "delivery",
                "parent_id": cls.customer.id,
                "city": "Ghent",
            }
        )
        cls.desk = cls.env["product.product"].create(
            {
                "name": "Test desk",
                "default_code": "DESK-1",
                "barcode": "5400000000017",
                "type": "consu",
                "list_price": 150.0,
            }
        )
        cls.chair = cls.env["product.product"].create(
            {
                "name": "Test chair",
                "default_code": "CHAIR-1",
                "type": "consu",
                "list_price": 40.0,
            }
        )
        cls.wine = cls.env["product.product"].create(
            {
                "name": "Test wine",
                "default_code": "WINE-1",
                "type": "consu",
                "is_storable": True,
                "tracking": "lot",
                "list_price": 12.0,
            }
        )
        cls.salesman = new_test_user(
            cls.env,
            login="salesman",
            groups="sales_team.group_sale_salesman,stock.group_stock_user",
        )

    def map(self, kind, code, record=None, system=None, **vals):
        vals.update(system_id=(system or self.system).id, kind=kind, external_code=code)
        if record is not None:
            vals["res_id"] = record.id
        return self.Mapping.create(vals)

    def make_order(self, lines=None, **vals):
        lines = lines or [(self.desk, 2), (self.chair, 4)]
        vals.setdefault("partner_id", self.customer.id)
        vals.setdefault("partner_shipping_id", self.ship_to.id)
        vals["order_line"] = [
            (0, 0, {"product_id": product.id, "product_uom_qty": qty})
            for product, qty in lines
        ]
        return self.env["sale.order"].create(vals)

    def events(self, type_code, records):
        """The events about ``records``, as a commit would leave them: the
        commit-time hooks run first (``shipment.dispatched`` is written there)."""
        self.env.cr.flush()
        return self.Event.search(
            [
                ("type", "=", type_code),
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
            ]
        )

    @staticmethod
    def ship_all(picking):
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        action = picking.button_validate()
        picking.env.cr.flush()  # what the commit runs: shipment.dispatched is written
        return action
