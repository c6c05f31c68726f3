"""A queue whose messages enter Odoo as requests to an API route.

The consumer process (``odoo integration_broker_consume``, see ``cli/``)
calls :meth:`IntegrationBrokerConsumer._consume` for each message in a
transaction of its own, commits, and only then acknowledges the message.
"""

import base64
import dataclasses
import hashlib
import re

from psycopg2.extensions import TRANSACTION_STATUS_INERROR

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.integration_api.models.integration_api_dispatcher import Exchange
from odoo.addons.integration_api.tools.json_body import (
    MAX_DEPTH,
    JsonBodyError,
    parse_json_body,
)
from odoo.addons.integration_api.tools.request import ApiError, ApiRequest, HttpInput
from odoo.addons.integration_api.tools.tracing import parse_traceparent
from odoo.addons.integration_core.tools.outcomes import RETRY_NOW, classify_exception
from odoo.addons.integration_core.tools.params import config_param

from ..tools import publisher

# advisory lock class of "one message id at a time" ('IB')
LOCK_BROKER_MESSAGE = 0x4942
_SAFE_PARAM = re.compile(r"[\w.:\-]{1,200}")

# what _consume returns: the consumer acknowledges every one of them
DONE, NEEDS_FIX, REJECTED, DUPLICATE, POISON = (
    "done",
    "needs_fix",
    "rejected",
    "duplicate",
    "poison",
)


def _lock_key(text):
    """A signed 32-bit number for an advisory lock on ``text``.

    >>> _lock_key("amqp:1") == _lock_key("amqp:1"), -2**31 <= _lock_key("x") < 2**31
    (True, True)
    """
    number = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest())
    return number - 2**32 if number >= 2**31 else number


class IntegrationBrokerConsumer(models.Model):
    _name = "integration.broker.consumer"
    _description = "Message Broker Consumer"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    connection_id = fields.Many2one(
        "integration.broker.connection",
        string="Broker",
        required=True,
        ondelete="restrict",
    )
    system_id = fields.Many2one(
        "integration.system",
        string="Partner system",
        required=True,
        ondelete="cascade",
        help="The messages are processed as this system's requests: its "
        "technical user, company, mappings.",
    )
    company_id = fields.Many2one(related="system_id.company_id", store=True)
    queue = fields.Char(required=True, help="The queue to consume (it must exist).")
    route = fields.Selection(
        selection="_selection_route",
        required=True,
        help="The API route whose pipeline each message goes through: JSON "
        "Schema, kept message, mappings, exceptions. Path parameters (e.g. "
        "{ref}) are read from message headers of the same name.",
    )
    prefetch = fields.Integer(
        default=10, help="Unacknowledged messages the broker sends ahead, per worker."
    )
    concurrency = fields.Integer(
        string="Workers",
        default=1,
        help="Messages processed at the same time by one consumer process "
        "(one connection and database cursor each).",
    )
    message_ids = fields.One2many("integration.api.message", "broker_consumer_id")
    message_count = fields.Integer(compute="_compute_message_count")
    worker_ids = fields.One2many(
        "integration.broker.consumer.worker", "consumer_id", string="Worker reports"
    )
    last_seen_at = fields.Datetime(
        string="Last seen",
        compute="_compute_last_seen_at",
        help="The last heartbeat or message of one of its workers "
        "(odoo integration_broker_consume); empty: never started.",
    )

    _sql_constraints = [
        ("prefetch_positive", "CHECK(prefetch > 0)", "Prefetch must be positive."),
        (
            "concurrency_range",
            "CHECK(concurrency BETWEEN 1 AND 32)",
            "Workers: 1 to 32.",
        ),
    ]

    @api.model
    def _selection_route(self):
        table = self.env["integration.api.router"]._api_routes()
        return sorted(
            (route.key, route.key)
            for route in table
            if route.method in ("POST", "PUT", "PATCH") and not route.public
        )

    def _compute_message_count(self):
        groups = self.env["integration.api.message"]._read_group(
            [("broker_consumer_id", "in", self.ids)],
            ["broker_consumer_id"],
            ["__count"],
        )
        counts = {consumer.id: count for consumer, count in groups}
        for consumer in self:
            consumer.message_count = counts.get(consumer.id, 0)

    @api.depends("worker_ids.last_seen_at")
    def _compute_last_seen_at(self):
        for consumer in self:
            seen = consumer.worker_ids.mapped("last_seen_at")
            consumer.last_seen_at = max(seen) if seen else False

    @api.constrains("system_id", "connection_id")
    def _check_company(self):
        for consumer in self:
            if consumer.connection_id.company_id != consumer.system_id.company_id:
                raise ValidationError(
                    self.env._(
                        "The broker and the system belong to different companies."
                    )
                )

    def action_check_queue(self):
        """Look the queue up on the broker (passively: nothing is declared)
        and say how many messages wait and how many consumers read it."""
        self.ensure_one()
        self.check_access("write")
        import pika  # noqa: PLC0415 - only this button needs the blocking client

        try:
            connection = pika.BlockingConnection(
                self.connection_id._parameters(name="odoo queue check")
            )
            try:
                declared = connection.channel().queue_declare(self.queue, passive=True)
            finally:
                if connection.is_open:
                    connection.close()
        except Exception as exc:  # noqa: BLE001 - shown to the admin, nothing else
            title, kind = self.env._("Queue not available"), "danger"
            message = publisher._reason(exc)
        else:
            title, kind = self.env._("Queue found"), "success"
            message = self.env._(
                "%(queue)s: %(messages)s message(s) waiting, %(consumers)s "
                "consumer(s) reading it.",
                queue=self.queue,
                messages=declared.method.message_count,
                consumers=declared.method.consumer_count,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": title, "message": message, "type": kind},
        }

    def action_view_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "integration_api.integration_api_message_action"
        )
        action["domain"] = [("broker_consumer_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # One message
    # ------------------------------------------------------------------
    def _route(self):
        table = self.env["integration.api.router"]._api_route_table()
        route = table.get(self.route)
        if route is None:
            return None
        # A queue has nobody to answer: every message is kept, so that its
        # outcome, its duplicates and its poison are all on record. The kept
        # messages are the idempotency store (by message_id, under an
        # advisory lock): no Idempotency-Key claim on top.
        return dataclasses.replace(route, keep_message=True, idempotent=False)

    def _consume(self, body, message_id, headers=None, redelivered=False):
        """Process one message in the current transaction.

        :param body: the message body (bytes)
        :param message_id: the AMQP ``message_id`` (the idempotency key)
        :param headers: the message's application headers
        :return: ``done``, ``needs_fix``, ``rejected`` (kept, an exception
            says why), ``duplicate`` (already processed) or ``poison``
            (could not be processed at all: kept, with an exception); the
            caller commits, then acknowledges, whatever the outcome
        """
        self.ensure_one()
        consumer = self.sudo()
        headers = dict(headers or {})
        if not message_id or not _SAFE_PARAM.fullmatch(str(message_id)):
            consumer._keep_refused(
                body, None, 400, "The message has no usable message_id.", poison=True
            )
            return POISON
        key = f"amqp:{message_id}"
        self.env.cr.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)",
            (LOCK_BROKER_MESSAGE, _lock_key(key)),
        )
        seen = (
            self.env["integration.api.message"]
            .sudo()
            .search_count(
                [
                    ("system_id", "=", consumer.system_id.id),
                    ("idempotency_key", "=", key),
                ],
                limit=1,
            )
        )
        if seen:
            return DUPLICATE
        route = consumer._route()
        if route is None:
            consumer._keep_refused(
                body, key, 404, f"The route {self.route} no longer exists.", poison=True
            )
            return POISON
        path_params = {}
        for name in route.path_params:
            value = headers.get(name)
            if value is None or not _SAFE_PARAM.fullmatch(str(value)):
                consumer._keep_refused(
                    body, key, 400, f"The message needs a header {name!r}.", route=route
                )
                return REJECTED
            path_params[name] = str(value)
        max_depth = config_param(self.env, "integration_api.max_json_depth", MAX_DEPTH)
        try:
            parsed = parse_json_body(body, max_depth)
        except JsonBodyError as exc:
            detail = "; ".join(f"{e['pointer']}: {e['detail']}" for e in exc.errors)
            consumer._keep_refused(body, key, 400, detail, route=route, poison=True)
            return POISON
        path = route.path
        for name, value in path_params.items():
            path = path.replace("{" + name + "}", value)
        return consumer._run(route, path, path_params, parsed, body, key, headers)

    def _run(self, route, path, path_params, parsed, body, key, headers):
        """The API pipeline from validation on (``_api_execute``): schema,
        idempotency, kept message, handler, exception on a fixable failure."""
        dispatcher = self.env["integration.api.dispatcher"]
        system = self.system_id
        traceparent = headers.get("traceparent") or headers.get(
            "cloudEvents:traceparent"
        )
        exchange = Exchange(
            request_id=key[:128], trace_id=parse_traceparent(str(traceparent or ""))
        )
        exchange.raw_body = body
        api_request = ApiRequest(
            system=system,
            api_key=self.env["integration.api.key"],
            method=route.method,
            path=path,
            path_params=path_params,
            query={},
            body=parsed,
            raw_body=body,
            headers={},
            correlation_id=key[:128],
            idempotency_key=key,
            route=route,
            system_code=system.code,
            can_defer=False,
        )
        http = HttpInput(
            method=route.method,
            path=path,
            full_path=f"/api/v1{path}",
            query={},
            headers={},
            remote_addr="",
            content_type="application/json",
            content_length=len(body),
            read_body=None,
            base_url=self.get_base_url(),
        )
        try:
            output = dispatcher._api_execute(route, api_request, http, exchange)
        except ApiError as error:
            if api_request.message:
                api_request.message.broker_consumer_id = self.id
                api_request.message._mark_failed(
                    error.status, error.title, error.detail
                )
                self._report_refused(api_request.message, error.detail or error.title)
            else:
                detail = error.detail or error.title
                if error.errors:
                    detail += " " + "; ".join(
                        f"{e.get('pointer')}: {e.get('detail')}" for e in error.errors
                    )
                self._keep_refused(
                    body, key, error.status, detail, route=route, parsed=parsed
                )
            return REJECTED
        except Exception as error:
            if classify_exception(error) == RETRY_NOW:
                raise
            # the handler's savepoint rolled its work back; the kept message stays
            if self.env.cr._cnx.get_transaction_status() == TRANSACTION_STATUS_INERROR:
                self.env.cr.rollback()
                api_request.message = None
            detail = f"{type(error).__name__}: {error}"
            if api_request.message:
                api_request.message.broker_consumer_id = self.id
                api_request.message._mark_failed(
                    500, "Crashed", detail, unexpected=True
                )
            else:
                self._keep_refused(body, key, 500, detail, route=route, poison=True)
            return POISON
        message = api_request.message
        message.broker_consumer_id = self.id
        if message.state == "done":
            return DONE
        if message.state == "needs_fix":
            return NEEDS_FIX
        if message.state in ("rejected", "failed") and not message.exception_id:
            self._report_refused(message, message.error or f"HTTP {output.status}")
        return POISON if message.state == "failed" else REJECTED

    def _keep_refused(
        self, body, key, status, detail, route=None, parsed=None, poison=False
    ):
        """Keep a message the pipeline refused, with an exception: nothing a
        partner sent is lost, and nothing is redelivered forever."""
        message = (
            self.env["integration.api.message"]
            .sudo()
            .create(
                {
                    "system_id": self.system_id.id,
                    "company_id": self.system_id.company_id.id,
                    "route": route.key if route else (self.route or "?"),
                    "path": route.path if route else False,
                    "body": parsed,
                    "body_raw": base64.b64encode(body or b""),
                    "correlation_id": (key or "")[:128] or False,
                    "idempotency_key": key,
                    "broker_consumer_id": self.id,
                }
            )
        )
        message._mark_failed(status, "Refused", detail, unexpected=False)
        if poison:
            message.state = "failed"
        self._report_refused(message, detail)
        return message

    def _report_refused(self, message, detail):
        exception = self.env["integration.exception"].report(
            kind="invalid_payload",
            title=self.env._("Messages from queue %(queue)s refused", queue=self.queue),
            detail=detail,
            fingerprint=f"broker-refused:{self.id}",
            system=self.system_id,
            source=message,
            severity="medium",
            suggested_fix=self.env._(
                "Ask the partner to correct and publish the message again; the "
                "refused message is kept under Inbound Messages."
            ),
        )
        message.exception_id = exception
        return exception
