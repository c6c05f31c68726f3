from odoo import fields, models

DISPOSITIONS = [
    ("restock", "Restock"),
    ("inspect", "Inspect"),
    ("scrap", "Scrap"),
    ("repair", "Repair"),
    ("return_to_vendor", "Return to vendor"),
]


class IntegrationReturnLine(models.Model):
    """One line of a partner's return: what, how many, why, what then."""

    _name = "integration.return.line"
    _description = "Partner return line"
    _order = "return_id, sequence, id"

    return_id = fields.Many2one(
        "integration.return", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="return_id.company_id", store=True)
    sequence = fields.Integer()
    product_id = fields.Many2one("product.product", required=True)
    sale_line_id = fields.Many2one("sale.order.line", string="Order line")
    quantity = fields.Float(digits="Product Unit of Measure", required=True)
    received_quantity = fields.Float(
        digits="Product Unit of Measure", compute="_compute_received_quantity"
    )
    reason_id = fields.Many2one("integration.return.reason")
    disposition = fields.Selection(
        DISPOSITIONS,
        string="Expected disposition",
        required=True,
        default="restock",
        help="What the partner expects to become of the goods; the warehouse "
        "decides when they arrive.",
    )
    note = fields.Char()

    def _compute_received_quantity(self):
        for rma in self.return_id:
            received = rma._integration_received_by_line()
            for line in self.filtered(lambda x, rma=rma: x.return_id == rma):
                line.received_quantity = received.get(line, 0.0)
