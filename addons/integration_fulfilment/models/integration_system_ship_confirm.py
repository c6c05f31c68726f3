from odoo import fields, models


class IntegrationSystem(models.Model):
    """What a warehouse system's partial ship-confirm does to the rest."""

    _inherit = "integration.system"  # pylint: disable=consider-merging-classes-inherited

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
    shipment_confirm_intake = fields.Selection(
        [
            ("immediate", "Immediate: validate, answer 201"),
            ("queued", "Queued: answer 202, validate in batches"),
        ],
        string="Ship-confirm intake",
        required=True,
        default="immediate",
        help="Queued: each confirmation is kept and answered 202 at once; a job "
        "validates the kept confirmations of this system together, many "
        "deliveries per transaction (for a warehouse that confirms in volume). "
        "A partner may ask for it per request with Prefer: respond-async.",
    )
