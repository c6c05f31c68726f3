from odoo import models

from odoo.addons.integration_distribution.tools import payloads


class SaleOrder(models.Model):
    """What carrier tracking adds to an order's lifecycle
    (``integration_distribution``'s ``sale_order_channel_view.py``): the
    delivered stage with its time, and the carrier's ETA."""

    _inherit = "sale.order"

    def _integration_is_delivered(self):
        """Delivered when every done delivery of the order has a proof of
        delivery (a ``delivered`` milestone)."""
        self.ensure_one()
        shipped = self._integration_shipped_pickings()
        return bool(shipped) and all(
            p.integration_tracking_status == "delivered" for p in shipped
        )

    def _integration_shipped_pickings(self):
        return self.sudo().picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state == "done"
        )

    def _integration_lifecycle_facts(self):
        facts = super()._integration_lifecycle_facts()
        if facts["delivered"]:
            facts["times"]["delivered"] = (
                max(
                    self._integration_shipped_pickings().mapped(
                        "integration_delivered_at"
                    ),
                    default=None,
                )
                or None
            )
        return facts

    def _integration_channel_eta(self, facts):
        """The latest ETA a carrier gave for a shipment still on its way."""
        eta = super()._integration_channel_eta(facts)
        if facts["delivered"] or self.state != "sale":
            return eta
        on_the_way = self._integration_shipped_pickings().filtered(
            lambda p: p.integration_tracking_status != "delivered" and p.integration_eta
        )
        if on_the_way:
            return payloads.iso_date(max(on_the_way.mapped("integration_eta")))
        return eta
