from odoo import models


class IntegrationException(models.Model):
    """Exceptions link to the record they concern: their own ``res_model``/
    ``res_id``, else the record of what raised them (a message that was
    reprocessed into an order, the event of a dead delivery)."""

    _name = "integration.exception"
    _inherit = ["integration.exception", "integration.record.link.mixin"]

    def _record_link_target(self):
        self.ensure_one()
        if self.res_model and self.res_id:
            return self.res_model, self.res_id
        source = self._source()
        if source is not None and hasattr(source, "_record_link_target"):
            return source._record_link_target()
        return False, False
