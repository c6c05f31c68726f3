import base64
import json

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.integration_core.exceptions import IntegrationError
from odoo.addons.integration_core.tools.params import config_param

from ..tools.json_body import MAX_DEPTH, parse_json_body
from ..tools.request import ApiRequest


class IntegrationApiMessage(models.Model):
    """An inbound request kept so that nothing a partner sent is lost.

    Routes declared with ``keep_message=True`` keep every request here. When
    the handler raises an ``IntegrationError`` (unmapped code, business rule)
    the message waits in ``needs_fix`` with an exception; once a person fixed
    the cause, reprocessing runs the handler again on the stored body. A
    handler that answers ``ApiResult(defer=True)`` leaves the message
    ``queued`` for ``integration.api.queue`` to process in bulk.
    """

    _name = "integration.api.message"
    _inherit = ["integration.reprocess.mixin"]
    _description = "Integration API Message"
    _order = "id desc"

    # precomputed: written with the row, not by an UPDATE after it
    name = fields.Char(compute="_compute_name", store=True, precompute=True)
    system_id = fields.Many2one(
        "integration.system",
        required=True,
        index=True,
        readonly=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one("res.company", index=True, readonly=True)
    api_key_id = fields.Many2one(
        "integration.api.key", readonly=True, ondelete="set null"
    )
    route = fields.Char(readonly=True, required=True, help="e.g. 'POST /orders'")
    path = fields.Char(readonly=True)
    path_params = fields.Json(readonly=True)
    query = fields.Json(readonly=True)
    body = fields.Json(readonly=True, help="The parsed body (for search and display).")
    body_raw = fields.Binary(
        string="Body (as received)",
        attachment=False,
        readonly=True,
        prefetch=True,
        help="The body byte for byte as the partner sent it; processing reads it.",
    )
    body_filename = fields.Char(compute="_compute_body_filename")
    body_text = fields.Text(string="Body (JSON)", compute="_compute_texts")
    correlation_id = fields.Char(string="Request ID", readonly=True, index=True)
    trace_id = fields.Char(
        readonly=True,
        index="btree_not_null",
        help="W3C trace id of the request (its traceparent, or a new trace): "
        "the events processing causes carry it.",
    )
    idempotency_key = fields.Char(readonly=True)
    reference = fields.Char(
        readonly=True,
        index=True,
        help="The partner's reference of what the message is about, "
        "e.g. the external reference of an order.",
    )
    state = fields.Selection(
        [
            ("received", "Received"),
            ("queued", "Queued"),
            # in the order of the flow: a fixed message ends done
            ("needs_fix", "Needs a fix"),
            ("done", "Done"),
            ("rejected", "Rejected"),
            ("failed", "Failed"),
            ("superseded", "Superseded"),
        ],
        required=True,
        default="received",
        index=True,
        readonly=True,
    )
    result_status = fields.Integer(readonly=True)
    result_body = fields.Json(readonly=True)
    result_text = fields.Text(string="Result (JSON)", compute="_compute_texts")
    error = fields.Text(readonly=True)
    exception_id = fields.Many2one(
        "integration.exception", readonly=True, ondelete="set null"
    )
    attempt_count = fields.Integer(readonly=True, default=1)
    res_model = fields.Char(string="Records model", readonly=True)
    res_ids = fields.Char(string="Record IDs", readonly=True)

    @api.depends("route", "correlation_id")
    def _compute_name(self):
        for message in self:
            message.name = (
                f"{message.route or ''} {message.correlation_id or ''}".strip()
            )

    @api.depends("correlation_id")
    def _compute_body_filename(self):
        for message in self:
            message.body_filename = (
                f"message-{message.correlation_id or message.id}.json"
            )

    @api.depends("body", "result_body")
    def _compute_texts(self):
        for message in self:
            message.body_text = json.dumps(message.body, indent=2, ensure_ascii=False)
            message.result_text = (
                json.dumps(message.result_body, indent=2, ensure_ascii=False)
                if message.result_body is not None
                else False
            )

    # ------------------------------------------------------------------
    # Outcomes, called by the dispatcher and the runner
    # ------------------------------------------------------------------
    def _mark_queued(self, reference=None):
        vals = {"state": "queued"}
        if reference:
            vals["reference"] = reference
        self.write(vals)

    def _mark_done(self, status, body, records=None, reference=None, resolve=True):
        """:param resolve: resolve the message's open exceptions; a caller
        marking many messages does it once for all of them"""
        vals = {
            "state": "done",
            "result_status": status,
            "result_body": body,
            "error": False,
        }
        if reference:
            vals["reference"] = reference
        if records:
            vals.update(
                res_model=records._name, res_ids=",".join(map(str, records.ids))
            )
        self.write(vals)
        self._supersede_duplicates()
        if resolve:
            self.env["integration.exception"].resolve_for(self)

    def _mark_needs_fix(self, error):
        """Keep the message for a person and open (or count) its exception."""
        self.ensure_one()
        exception = self.env["integration.exception"].report(
            kind=error.kind,
            title=error.message,
            detail=self.env._(
                "Message %(name)s on %(route)s", name=self.name, route=self.route
            )
            + (f"\n{error.pointer}" if error.pointer else ""),
            fingerprint=error.fingerprint(self.system_id),
            system=self.system_id,
            source=self,
            severity=error.severity,
            suggested_fix=error.suggested_fix,
        )
        self.write(
            {"state": "needs_fix", "error": error.message, "exception_id": exception.id}
        )
        return exception

    def _mark_failed(self, status, title, detail=None, unexpected=False):
        """A refused (4xx) or crashed (5xx) attempt; a crash needs a person."""
        self.ensure_one()
        vals = {
            "state": "failed" if unexpected else "rejected",
            "result_status": status,
            "error": detail or title,
        }
        if unexpected:
            exception = self.env["integration.exception"].report(
                # retried by itself a few times (a lock, a service Odoo
                # called), then it waits for a person
                kind="intermittent",
                title=self.env._("API message %(route)s crashed", route=self.route),
                detail=detail,
                fingerprint=f"api-crash:{self.system_id.code}:{self.route}",
                system=self.system_id,
                source=self,
                severity="high",
                suggested_fix=self.env._(
                    "Read the server log for the request id, fix the cause, then reprocess."
                ),
            )
            vals["exception_id"] = exception.id
        self.write(vals)

    def _status_body(self):
        """What ``GET /api/v1/messages/{id}`` answers."""
        self.ensure_one()
        body = {
            "message_id": self.id,
            "status": self.state,
            "route": self.route,
            "request_id": self.correlation_id,
            "received_at": self.create_date,
            "updated_at": self.write_date,
        }
        if self.reference:
            body["reference"] = self.reference
        if self.result_status:
            body["result_status"] = self.result_status
        if self.result_body is not None and self.state == "done":
            body["result"] = self.result_body
        if self.state in ("needs_fix", "rejected", "failed"):
            body["detail"] = self.error
        return body

    # ------------------------------------------------------------------
    # Processing later: the queue and reprocess (integration.reprocess.mixin)
    # ------------------------------------------------------------------
    def _raw_body(self):
        """The body's bytes as received (messages kept before they were
        kept byte-exact: their JSON)."""
        self.ensure_one()
        # a form's read asks for sizes (bin_size), not the bytes
        raw = self.with_context(bin_size=False).body_raw
        if raw:
            return base64.b64decode(raw)
        return json.dumps(self.body).encode()

    def _api_request(self, route):
        """The request as the handler saw it, rebuilt from the bytes kept;
        the handler must do the work now (``can_defer`` is False)."""
        self.ensure_one()
        raw = self._raw_body()
        # the dispatcher's limit, read here: the queue and reprocessing never
        # go through the dispatcher
        max_depth = config_param(self.env, "integration_api.max_json_depth", MAX_DEPTH)
        return ApiRequest(
            system=self.system_id,
            api_key=self.api_key_id,
            method=route.method,
            path=self.path,
            path_params=self.path_params or {},
            query=self.query or {},
            body=parse_json_body(raw, max_depth) if raw else None,
            raw_body=raw,
            headers={},
            correlation_id=self.correlation_id,
            trace_id=self.trace_id,
            idempotency_key=self.idempotency_key,
            message=self,
            route=route,
        )

    def _api_record_outcome(self, outcome, resolve=True):
        """Store what processing gave: an ``ApiResult`` or an ``IntegrationError``.

        :param resolve: see :meth:`_mark_done`
        """
        self.ensure_one()
        if isinstance(outcome, IntegrationError):
            self._mark_needs_fix(outcome)
            return
        dispatcher = self.env["integration.api.dispatcher"]
        self._mark_done(
            outcome.status,
            dispatcher._api_jsonable(outcome.body),
            outcome.records,
            resolve=resolve,
        )

    def _integration_reprocess(self):
        """Run the handler again on the stored body, as the system's user."""
        table = self.env["integration.api.router"]._api_route_table()
        runner = self.env["integration.api.runner"].sudo()
        for message in self.sudo():
            route = table.get(message.route)
            if route is None:
                raise UserError(
                    self.env._(
                        "The route %(route)s no longer exists.", route=message.route
                    )
                )
            message.attempt_count += 1
            outcome = runner._api_run_message(message, route)
            if isinstance(outcome, IntegrationError):
                raise UserError(
                    self.env._("Still not possible: %(error)s", error=outcome.message)
                )
            if isinstance(outcome, Exception):
                raise UserError(
                    self.env._("Processing failed: %(error)s", error=outcome)
                )
        return True

    def action_reprocess(self):
        self._integration_reprocess()
        return True
