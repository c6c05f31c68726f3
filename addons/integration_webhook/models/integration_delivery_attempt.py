from odoo import fields, models


class IntegrationDeliveryAttempt(models.Model):
    """One HTTP try of a delivery. Holds no secret: the request is not stored."""

    _name = "integration.delivery.attempt"
    _description = "Webhook Delivery Attempt"
    _order = "id desc"

    delivery_id = fields.Many2one(
        "integration.delivery", required=True, ondelete="cascade", index=True
    )
    number = fields.Integer(readonly=True)
    status_code = fields.Integer(string="HTTP status", readonly=True)
    duration_ms = fields.Integer(string="Duration (ms)", readonly=True)
    outcome = fields.Selection(
        [("success", "Success"), ("retry", "Failed, will retry"), ("gone", "Gone (410)")],
        readonly=True,
    )
    error = fields.Char(readonly=True)
    response_excerpt = fields.Text(readonly=True, help="The first 2 KiB of the answer.")
