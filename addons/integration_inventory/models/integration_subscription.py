from odoo import _, api, models
from odoo.exceptions import ValidationError

# event types built for one system (in its codes; availability after its
# allocation): a subscription hears those of its own system only
ADDRESSED_TYPES = (
    "availability.changed",
    "inventory.adjusted",
    "purchase.confirmed",
    "receipt.validated",
)
# built only for systems: a subscription to them must name one
SYSTEM_ONLY_TYPES = ("availability.changed",)


class IntegrationSubscription(models.Model):
    _inherit = "integration.subscription"

    @api.constrains("system_id", "event_type_ids")
    def _check_availability_system(self):
        for subscription in self:
            if not subscription.system_id and any(
                code in SYSTEM_ONLY_TYPES
                for code in subscription.event_type_ids.mapped("code")
            ):
                raise ValidationError(
                    _(
                        "availability.changed carries one channel's figures (after its "
                        "allocation, in its codes): choose the partner system this "
                        "subscription is for."
                    )
                )
