from odoo import models


class IntegrationEvent(models.Model):
    """Events link to the record they are about (``res_model``/``res_id``)."""

    _name = "integration.event"
    _inherit = ["integration.event", "integration.record.link.mixin"]
