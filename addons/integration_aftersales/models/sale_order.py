from collections import defaultdict

from odoo import models
from odoo.tools.float_utils import float_compare


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _integration_returnable_moves(self):
        """What of this order may still come back, per product:
        ``{product: [(delivery move, quantity)]}``, oldest delivery first,
        in the product's unit.

        A delivered move gives its done quantity less what its returns take
        (done, or announced and not cancelled: an announced return counts
        already, so the same goods cannot be announced twice).
        """
        self.ensure_one()
        moves = (
            self.sudo()
            .order_line.move_ids.filtered(
                lambda m: (
                    m.state == "done"
                    and m.picking_code == "outgoing"
                    and m.location_dest_id.usage == "customer"
                    and not m.scrapped
                )
            )
            .sorted(lambda m: (m.date, m.id))
        )
        returnable = defaultdict(list)
        for move in moves:
            unit = move.product_id.uom_id
            quantity = move.product_uom._compute_quantity(move.quantity, unit)
            for returned in move.returned_move_ids.filtered(
                lambda m: m.state != "cancel"
            ):
                quantity -= returned.product_uom._compute_quantity(
                    returned.quantity
                    if returned.state == "done"
                    else returned.product_uom_qty,
                    unit,
                )
            if float_compare(quantity, 0, precision_rounding=unit.rounding) > 0:
                returnable[move.product_id].append((move, quantity))
        return dict(returnable)
