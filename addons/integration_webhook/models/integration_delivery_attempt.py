from odoo import api, fields, models

from ..tools.pretty import pretty_json


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
        [
            ("success", "Success"),
            ("retry", "Failed, will retry"),
            ("failed", "Failed, final (no retry)"),
            ("gone", "Gone (410)"),
        ],
        readonly=True,
    )
    error = fields.Char(readonly=True)
    response_excerpt = fields.Text(readonly=True, help="The first 2 KiB of the answer.")
    response_text = fields.Text(string="Response", compute="_compute_response_text")

    @api.depends("response_excerpt")
    def _compute_response_text(self):
        for attempt in self:
            attempt.response_text = pretty_json(attempt.response_excerpt)
