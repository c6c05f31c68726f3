from odoo import models

from .stock_picking_release import RELEASED


class IntegrationEvent(models.Model):
    _inherit = "integration.event"

    def _matching(self, subscription):
        """A release built for one system (in its codes, awaiting its
        acknowledgement) goes to that system's subscriptions only; one in
        Odoo's codes to subscriptions without a system."""
        return (
            super()
            ._matching(subscription)
            .filtered(
                lambda e: e.type != RELEASED or e.system_id == subscription.system_id
            )
        )
