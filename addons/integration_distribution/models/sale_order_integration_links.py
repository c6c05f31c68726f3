from odoo import models
from odoo.osv import expression


class SaleOrder(models.Model):
    """The order's messages, events and deliveries (its pickings' too)."""

    _name = "sale.order"
    _inherit = ["sale.order", "integration.document.links.mixin"]

    def _integration_linked_records(self):
        self.ensure_one()
        return [self, self.picking_ids]

    def _integration_message_domain(self):
        """Also the messages kept under the order's external reference (a
        queued order, one waiting for a fix) before the order existed."""
        domain = super()._integration_message_domain()
        if self.integration_system_id and self.integration_external_ref:
            domain = expression.OR(
                [
                    domain,
                    [
                        ("system_id", "=", self.integration_system_id.id),
                        ("reference", "=", self.integration_external_ref),
                    ],
                ]
            )
        return domain
