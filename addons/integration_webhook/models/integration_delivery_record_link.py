from odoo import models


class IntegrationDelivery(models.Model):
    """A delivery links to the record its event is about."""

    _name = "integration.delivery"
    _inherit = ["integration.delivery", "integration.record.link.mixin"]

    def _record_link_target(self):
        self.ensure_one()
        return self.event_id.res_model, self.event_id.res_id
