from odoo import api, fields, models

from odoo.addons.integration_core.tools.trace_context import is_trace_id

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
    trace_id = fields.Char(
        readonly=True,
        index="btree_not_null",
        help="W3C trace id sent in this attempt's traceparent: the trace of the "
        "API request that caused the event, or the event's own.",
    )
    span_id = fields.Char(
        readonly=True, help="The span id this attempt sent (new for every attempt)."
    )
    traceparent = fields.Char(compute="_compute_traceparent")

    @api.depends("trace_id", "span_id")
    def _compute_traceparent(self):
        for attempt in self:
            attempt.traceparent = (
                f"00-{attempt.trace_id}-{attempt.span_id}-01"
                if attempt.trace_id and attempt.span_id
                else False
            )

    def action_open_request_log(self):
        """The API requests of this attempt's trace.

        The request log belongs to ``integration_api``, which this module
        does not depend on: the link exists when that module is installed.
        """
        self.ensure_one()
        model = "integration.api.request.log"
        if model not in self.env or not is_trace_id(self.trace_id):
            return False
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Requests of trace %s", self.trace_id),
            "res_model": model,
            "view_mode": "list,form",
            "domain": [("trace_id", "=", self.trace_id)],
        }

    @api.depends("response_excerpt")
    def _compute_response_text(self):
        for attempt in self:
            attempt.response_text = pretty_json(attempt.response_excerpt)
