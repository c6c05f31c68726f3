from odoo import models


class StockPicking(models.Model):
    """The picking's messages, events and deliveries."""

    _name = "stock.picking"
    _inherit = ["stock.picking", "integration.document.links.mixin"]
