from odoo import fields, models


class IntegrationSystem(models.Model):
    """What a warehouse system's partial ship-confirm does to the rest."""

    _inherit = "integration.system"

    shipment_partial_policy = fields.Selection(
        [
            ("backorder", "Keep the rest as a backorder"),
            ("cancel", "Cancel the rest"),
        ],
        string="Partial ship-confirm",
        required=True,
        default="backorder",
        help="When this system confirms less than a delivery asks for "
        "(POST /api/v1/shipments/{ref}/confirm): keep what was not shipped in "
        "a backorder that waits for its own confirmation, or cancel it (the "
        "sale order line then shows less delivered). Odoo decides this without "
        "the backorder wizard; an operation type set to always or never create "
        "backorders keeps its own rule.",
    )
