from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _integration_is_delivered(self):
        """Delivered when every done delivery of the order has a proof of
        delivery (a ``delivered`` milestone)."""
        self.ensure_one()
        shipped = self.sudo().picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state == "done"
        )
        return bool(shipped) and all(
            p.integration_tracking_status == "delivered" for p in shipped
        )
