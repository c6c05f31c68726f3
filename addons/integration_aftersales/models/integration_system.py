from odoo import fields, models


class IntegrationSystem(models.Model):
    """What a return of this system's customers does to the invoice."""

    _inherit = "integration.system"

    return_refund_policy = fields.Selection(
        [
            ("none", "No credit note: accounting refunds by hand"),
            ("draft", "Draft credit note, checked by accounting"),
            ("posted", "Posted credit note"),
        ],
        string="Refund on return",
        required=True,
        default="none",
        help="When a return announced by this system (POST /api/v1/returns) is "
        "received, Odoo credits the received quantities that were invoiced: "
        "with Odoo's own invoicing values (prices, taxes, fiscal position) of "
        "the order lines. Draft leaves the credit note for accounting to post; "
        "Posted posts it, and the system gets it as an invoice.posted event.",
    )
    return_ids = fields.One2many("integration.return", "system_id", string="Returns")
