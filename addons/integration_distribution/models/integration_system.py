from odoo import fields, models


class IntegrationSystem(models.Model):
    """How the system's orders are taken in by ``POST /api/v1/orders``."""

    _inherit = "integration.system"

    order_intake_mode = fields.Selection(
        [
            ("immediate", "Immediately: answer with the confirmed order"),
            ("queued", "Queued: answer at once, confirm in batches"),
        ],
        string="Order intake",
        required=True,
        default="immediate",
        help="Immediately: each request creates and confirms its order and "
        "answers 201 with it. Queued: the request is checked and kept, answered "
        "202 with a status link, and a background job creates and confirms the "
        "queued orders in batches: about twice the orders per second at peaks, "
        "and the partner learns the order number from the status link or the "
        "order.accepted webhook. A partner may ask for the queued answer on any "
        "request with the header 'Prefer: respond-async'.",
    )
    order_partner_policy = fields.Selection(
        [
            ("create", "Create them from the order's details"),
            ("existing", "Only existing ones: an unknown one waits for a mapping"),
        ],
        string="New customers and addresses",
        required=True,
        default="create",
        help="What an order with a customer or delivery address Odoo does not "
        "know does. Create: a web shop's new customer becomes a contact (its "
        "code is mapped to it) and a new delivery address a child address. "
        "Only existing ones: the order is kept with an exception until someone "
        "maps the code or creates the contact (a marketplace or EDI partner "
        "whose customers are set up by hand).",
    )
