from odoo import api, models

from .sale_order_events import CHANGE_LINE_FIELDS


class SaleOrderLine(models.Model):
    """Lines added to or changed on a confirmed order feed ``order.changed``
    (``sale_order_events.py``). Odoo does not delete lines of a confirmed
    order: a line is cancelled by setting its quantity to 0."""

    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        for line in lines.filtered(
            lambda line: line.state == "sale" and not line.display_type
        ):
            line.order_id._integration_note_change(lines={line.id: None})
        return lines

    def write(self, vals):
        if any(name in vals for name in CHANGE_LINE_FIELDS):
            for line in self.filtered(
                lambda line: line.state == "sale" and not line.display_type
            ):
                line.order_id._integration_note_change(
                    lines={line.id: line._integration_change_snapshot()}
                )
        return super().write(vals)

    def _integration_change_snapshot(self):
        """What :func:`~..tools.order_changes.line_changes` compares."""
        self.ensure_one()
        return {
            "product_id": self.product_id.id,
            "quantity": self.product_uom_qty,
            "uom": self.product_uom.id,
        }
