from collections import defaultdict

from odoo import fields, models

from ..tools.availability import stock_figures

# Moves that bring stock into a warehouse and are not done yet (Odoo's own
# incoming_qty counts the same states).
OPEN_MOVE_STATES = ("waiting", "confirmed", "assigned", "partially_available")


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _integration_stock_figures(self, warehouses, system=None):
        """``{(product id, warehouse id): figures}`` from Odoo's own fields.

        One batch of Odoo's quantity computation per warehouse, whatever the
        number of products: ``qty_available``, ``free_qty``, ``incoming_qty``,
        ``outgoing_qty`` and ``virtual_available`` with the warehouse in the
        context, as Odoo's product form computes them.

        :param system: the channel whose allocation gives ``available_to_sell``
        """
        figures = {}
        products = self.sudo()
        for warehouse in warehouses:
            in_warehouse = products.with_context(warehouse_id=warehouse.id)
            quantities = in_warehouse._compute_quantities_dict(
                self.env.context.get("lot_id"),
                self.env.context.get("owner_id"),
                self.env.context.get("package_id"),
            )
            for product in products:
                row = quantities[product.id]
                free_qty = row["free_qty"]
                to_sell = (
                    system._available_to_sell(free_qty, product._integration_sell_rounding())
                    if system
                    else None
                )
                figures[(product.id, warehouse.id)] = stock_figures(
                    row["qty_available"],
                    free_qty,
                    row["incoming_qty"],
                    row["outgoing_qty"],
                    row["virtual_available"],
                    available_to_sell=to_sell,
                )
        return figures

    def _integration_event_values(self, codes=None):
        """``_integration_values`` with empty fields as ``null``, not ``false``."""
        return {
            key: (value if value is not False else None)
            for key, value in self._integration_values(codes).items()
        }

    def _integration_sell_rounding(self):
        """What a channel is offered is rounded down to this: whole units for
        products counted in units (a marketplace cannot sell 9.75 lamps),
        the unit's own rounding for the others (kilograms, metres)."""
        self.ensure_one()
        uom = self.uom_id
        if uom.category_id == self.env.ref("uom.product_uom_categ_unit", raise_if_not_found=False):
            return max(uom.rounding, 1.0)
        return uom.rounding

    def _integration_incoming(self, warehouses):
        """``{(product id, warehouse id): [(date, quantity), ...]}``: the
        receipts still to come into each warehouse, by scheduled day, in the
        product's unit: the moves Odoo counts in ``incoming_qty``."""
        incoming = defaultdict(list)
        Move = self.env["stock.move"].sudo().with_context(active_test=False)
        for warehouse in warehouses:
            in_warehouse = self.sudo().with_context(warehouse_id=warehouse.id)
            _quants, moves_in, _moves_out = in_warehouse._get_domain_locations()
            groups = Move._read_group(
                [("product_id", "in", self.ids), ("state", "in", OPEN_MOVE_STATES)]
                + moves_in,
                ["product_id", "date:day"],
                ["product_qty:sum"],
            )
            for product, day, quantity in groups:
                incoming[(product.id, warehouse.id)].append(
                    (fields.Date.to_date(day), quantity)
                )
        for rows in incoming.values():
            rows.sort()
        return dict(incoming)
