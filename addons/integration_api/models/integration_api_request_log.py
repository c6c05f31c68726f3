import json

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.integration_core.tools.params import config_param

LOG_COLUMNS = (
    "date",
    "method",
    "path",
    "route",
    "status",
    "duration_ms",
    "system_id",
    "api_key_id",
    "company_id",
    "remote_addr",
    "request_headers",
    "body_excerpt",
    "correlation_id",
    "trace_id",
    "idempotency_key",
    "res_model",
    "res_ids",
    "error_title",
    "error_detail",
    "message_id",
    "errors",
    "body_raw",
)


class IntegrationApiRequestLog(models.Model):
    """One row per API request: who, what, how it ended, what it touched.

    Written with a single INSERT in the request's transaction. Headers are
    redacted and the body is shown as an excerpt; secrets never get here. The
    bytes of a refused body are kept exactly as received (``body_raw``)
    unless a kept message holds them, so a refused request (malformed JSON,
    U+0000, anything PostgreSQL text cannot hold) loses nothing either.
    """

    _name = "integration.api.request.log"
    _description = "Integration API Request Log"
    _order = "date desc, id desc"
    _log_access = False
    _rec_name = "path"

    date = fields.Datetime(
        required=True, readonly=True, index=True, default=fields.Datetime.now
    )
    method = fields.Char(readonly=True)
    path = fields.Char(readonly=True)
    route = fields.Char(readonly=True, help="The matched route, e.g. 'POST /orders'.")
    status = fields.Integer(readonly=True, index=True)
    duration_ms = fields.Float(string="Duration (ms)", readonly=True, digits=(16, 2))
    system_id = fields.Many2one(
        "integration.system", readonly=True, index=True, ondelete="set null"
    )
    api_key_id = fields.Many2one(
        "integration.api.key", readonly=True, index=True, ondelete="set null"
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    remote_addr = fields.Char(readonly=True)
    request_headers = fields.Text(
        readonly=True, help="Redacted: secrets are shown as ***."
    )
    body_excerpt = fields.Text(
        readonly=True,
        help="The start of the body as text; bytes "
        "text cannot hold are shown as \N{REPLACEMENT CHARACTER}.",
    )
    body_raw = fields.Binary(
        string="Body (as received)",
        attachment=False,
        readonly=True,
        help="A refused body byte for byte, when no kept message holds it.",
    )
    body_filename = fields.Char(compute="_compute_body_filename")
    correlation_id = fields.Char(string="Request ID", readonly=True, index=True)
    trace_id = fields.Char(readonly=True, index=True, help="W3C traceparent trace id.")
    idempotency_key = fields.Char(readonly=True)
    res_model = fields.Char(string="Records model", readonly=True)
    res_ids = fields.Char(string="Record IDs", readonly=True)
    error_title = fields.Char(readonly=True)
    error_detail = fields.Text(readonly=True)
    errors = fields.Text(
        string="Errors answered",
        readonly=True,
        help="The errors[] of the problem document the partner got: the JSON pointer "
        "of each value it got wrong and what is wrong with it.",
    )
    error_lines = fields.Text(string="Fields to fix", compute="_compute_error_lines")
    message_id = fields.Many2one(
        "integration.api.message", readonly=True, ondelete="set null"
    )
    is_error = fields.Boolean(compute="_compute_is_error", search="_search_is_error")

    @api.depends("correlation_id")
    def _compute_body_filename(self):
        for log in self:
            log.body_filename = f"request-{log.correlation_id or log.id}.json"

    @api.depends("errors")
    def _compute_error_lines(self):
        for log in self:
            try:
                items = json.loads(log.errors) if log.errors else []
            except ValueError:
                items = []
            log.error_lines = (
                "\n".join(
                    f"{item.get('pointer') or '(the whole body)'}: {item.get('detail', '')}"
                    for item in items
                    if isinstance(item, dict)
                )
                or False
            )

    @api.depends("status")
    def _compute_is_error(self):
        for log in self:
            log.is_error = log.status >= 400

    def _search_is_error(self, operator, value):
        positive = (operator == "=") == bool(value)
        return [("status", ">=" if positive else "<", 400)]

    @api.model
    def _insert(self, values):
        """Write one log row with one INSERT (no ORM overhead on the hot path)."""
        columns = [column for column in LOG_COLUMNS if column in values]
        self.env.cr.execute(
            SQL(
                "INSERT INTO integration_api_request_log (%s) VALUES (%s)",
                SQL(", ").join(SQL.identifier(column) for column in columns),
                SQL(", ").join(SQL("%s", values[column]) for column in columns),
            )
        )

    trace_attempts_available = fields.Boolean(
        compute="_compute_trace_attempts_available"
    )

    def _compute_trace_attempts_available(self):
        # delivery attempts belong to integration_webhook, not a dependency
        available = "integration.delivery.attempt" in self.env
        for log in self:
            log.trace_attempts_available = available

    def action_open_trace_events(self):
        """The events the traced request caused (they carry its trace id)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "integration.event",
            "view_mode": "list,form",
            "domain": [("trace_id", "=", self.trace_id)],
            "name": self.env._("Events of trace %(trace)s", trace=self.trace_id),
        }

    def action_open_trace_attempts(self):
        """The webhook delivery attempts that continued this request's trace."""
        self.ensure_one()
        if "integration.delivery.attempt" not in self.env:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": "integration.delivery.attempt",
            "view_mode": "list,form",
            "domain": [("trace_id", "=", self.trace_id)],
            "name": self.env._(
                "Delivery attempts of trace %(trace)s", trace=self.trace_id
            ),
        }

    def action_open_records(self):
        self.ensure_one()
        ids = [int(i) for i in (self.res_ids or "").split(",") if i.strip().isdigit()]
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "view_mode": "list,form",
            "domain": [("id", "in", ids)],
            "name": self.env._("Records of request %(id)s", id=self.correlation_id),
        }

    @api.model
    def _cron_purge(self, batch_size=50000):
        days = config_param(self.env, "integration_api.request_log_retention_days", 30)
        if days <= 0:
            return 0
        self.env.cr.execute(
            SQL(
                "DELETE FROM integration_api_request_log WHERE id IN ("
                "SELECT id FROM integration_api_request_log "
                "WHERE date < (now() AT TIME ZONE 'UTC') - make_interval(days => %s) LIMIT %s)",
                days,
                batch_size,
            )
        )
        return self.env.cr.rowcount
