from collections import defaultdict

from odoo import models

from ..tools import payloads


class StockPicking(models.Model):
    """A delivery or a return as the order's partner system sees it, in
    ``GET /api/v1/orders/{ref}``: plain data from Odoo's own stock records
    (packages are ``stock.quant.package`` of the move lines), extended by
    the modules that know more (carrier tracking in ``integration_fulfilment``).
    """

    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    def _integration_channel_shipment_view(self, skus):
        """One shipment of the order view.

        :param skus: ``{product id: partner SKU}`` of the order's products
        """
        self.ensure_one()
        picking = self.sudo()
        carrier = picking._integration_carrier()
        done = picking.state == "done"
        return {
            "picking_ref": picking.name,
            "state": picking.state,
            "date_done": payloads.iso_date(picking.date_done),
            "scheduled_date": payloads.iso_date(picking.scheduled_date),
            "carrier": carrier.name if carrier else None,
            "tracking_ref": payloads.nullable(
                picking["carrier_tracking_ref"]
                if "carrier_tracking_ref" in picking._fields
                else None
            ),
            "lines": [
                {
                    "sku": skus.get(move.product_id.id),
                    "quantity": move.quantity if done else move.product_uom_qty,
                }
                for move in picking.move_ids
                if move.state != "cancel"
            ],
            "packages": picking._integration_channel_packages(skus),
        }

    def _integration_channel_packages(self, skus):
        """The packages the move lines were put in: name (an SSCC when the
        warehouse gave one), weight, and what each holds."""
        self.ensure_one()
        by_package = defaultdict(lambda: defaultdict(float))
        lots = defaultdict(dict)
        for move_line in self.sudo().move_line_ids:
            package = move_line.result_package_id
            if not package or not move_line.quantity:
                continue
            by_package[package][move_line.product_id] += move_line.quantity
            if move_line.lot_id:
                lots[(package, move_line.product_id)][move_line.lot_id.name] = None
        return [
            {
                "name": package.name,
                "weight": package.shipping_weight or None,
                "lines": [
                    {
                        "sku": skus.get(product.id),
                        "quantity": quantity,
                        "lots": list(lots[(package, product)]),
                    }
                    for product, quantity in contents.items()
                ],
            }
            for package, contents in by_package.items()
        ]

    def _integration_channel_return_view(self, skus):
        """One return of the order view: what came back (or is expected)."""
        self.ensure_one()
        picking = self.sudo()
        done = picking.state == "done"
        return {
            "picking_ref": picking.name,
            "state": picking.state,
            "date_done": payloads.iso_date(picking.date_done),
            "lines": [
                {
                    "sku": skus.get(move.product_id.id),
                    "quantity": move.quantity if done else move.product_uom_qty,
                }
                for move in picking.move_ids
                if move.state != "cancel"
            ],
        }
