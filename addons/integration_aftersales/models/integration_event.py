from odoo import models

# built for the one system that owns the order, in its codes: a
# subscription hears those of its own system only
ADDRESSED_TYPES = ("invoice.posted", "return.received")


class IntegrationEvent(models.Model):
    _inherit = "integration.event"

    def _matching(self, subscription):
        """An invoice or a return goes to the subscriptions of the system
        whose order it is, never to another partner's."""
        return (
            super()
            ._matching(subscription)
            .filtered(
                lambda e: (
                    e.type not in ADDRESSED_TYPES
                    or e.system_id == subscription.system_id
                )
            )
        )
