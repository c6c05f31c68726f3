from odoo import api, fields, models
from odoo.tools import sql

from odoo.addons.integration_core.tools.trace_context import is_trace_id

from ..tools.pretty import pretty_json


class IntegrationDeliveryAttempt(models.Model):
    """One HTTP try of a delivery. Holds no secret: the request is not stored."""

    _name = "integration.delivery.attempt"
    _description = "Webhook Delivery Attempt"
    _order = "id desc"

    # Who wrote an attempt is always the drain's user, and the drains insert
    # attempts in bulk SQL on their hot path (``_write_recorded``). As Odoo's
    # own ``ir.logging`` does, the two users are plain ids, not foreign keys
    # to ``res.users``: their check and row lock per inserted attempt made up
    # almost half of the database's time recording it.
    create_uid = fields.Integer(string="Created by", readonly=True)
    write_uid = fields.Integer(string="Last Updated by", readonly=True)

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

    def init(self):
        # databases made before the users became plain ids keep the foreign
        # keys Odoo created for them until they are dropped here (looked up
        # first: DROP CONSTRAINT locks the table even when there is none)
        for column in ("create_uid", "write_uid"):
            name = f"{self._table}_{column}_fkey"
            if sql.constraint_definition(self.env.cr, self._table, name):
                sql.drop_constraint(self.env.cr, self._table, name)

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
