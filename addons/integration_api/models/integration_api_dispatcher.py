"""The request pipeline of ``/api/v1``.

parse -> route -> authenticate -> scope -> rate limit -> body -> validate
-> idempotency -> keep message -> handler (in a savepoint) -> render -> log.

Each step is a small method that raises :class:`ApiError`; one pure function
(:func:`~..tools.problems.problem_for`) turns any exception into a problem
document. The hot path avoids the ORM: one statement that finds the key and
counts the request (``integration.api.key._api_authenticate``, on the
worker's autocommit counter connection, see ``integration.api.rate.bucket``)
and one log INSERT. The handler (a resource model's method) is called by
``integration.api.runner``, which the queue and reprocessing use too; this
model is the HTTP pipeline only.
"""

import base64
import json
import logging
import time
from dataclasses import dataclass, field

import psycopg2
from psycopg2.extensions import TRANSACTION_STATUS_INERROR

from odoo import api, fields, models

from odoo.addons.integration_core.exceptions import IntegrationError
from odoo.addons.integration_core.tools.canonical_json import fingerprint, to_jsonable
from odoo.addons.integration_core.tools.json_schema import validation_errors
from odoo.addons.integration_core.tools.outcomes import RETRY_NOW, classify_exception
from odoo.addons.integration_core.tools.params import config_param
from odoo.addons.integration_core.tools.pg import is_concurrency_error  # noqa: F401 - importable here

from ..tools import rate_limit
from ..tools.json_body import MAX_DEPTH, JsonBodyError, json_pointer, parse_json_body
from ..tools.prefer import preferences
from ..tools.problems import problem_for
from ..tools.query import coerce_query
from ..tools.redaction import (
    excerpt,
    redact_headers,
    redact_token,
    storable_text,
    unstorable,
)
from ..tools.request import ApiError, ApiRequest, HttpOutput
from ..tools.routes import SAFE_METHODS, MethodNotAllowed, RouteNotFound
from ..tools.tracing import clean_request_id, new_request_id, trace_id_of
from .integration_api_key_auth import RATE_WINDOW, KeyInfo

_logger = logging.getLogger(__name__)

JSON_CONTENT_TYPE = "application/json"


@dataclass
class Exchange:
    """What the pipeline learned so far; the request log is written from it."""

    request_id: str
    trace_id: str | None = None
    route: object = None
    key: KeyInfo | None = None
    raw_body: bytes = b""
    idempotency_key: str | None = None
    message_id: int | None = None
    records: object = None
    error_title: str | None = None
    error_detail: str | None = None
    errors: list | None = None  # the errors[] the partner was answered with
    extra_headers: dict = field(default_factory=dict)


class _LostRace(Exception):
    """Another request stored an answer for the same Idempotency-Key first."""


class IntegrationApiDispatcher(models.AbstractModel):
    _name = "integration.api.dispatcher"
    _description = "Integration API request pipeline"

    # ------------------------------------------------------------------
    # Entry point (called by the controller as superuser)
    # ------------------------------------------------------------------
    @api.model
    def _api_serve(self, http):
        """Answer one HTTP request; never raises except to let Odoo retry.

        :param http: :class:`~..tools.request.HttpInput`
        :rtype: :class:`~..tools.request.HttpOutput`
        """
        started = time.perf_counter()
        exchange = Exchange(
            request_id=clean_request_id(http.headers.get("X-Request-Id"))
            or new_request_id(),
            trace_id=trace_id_of(http.headers.get("traceparent")),
        )
        try:
            output = self._api_process(http, exchange)
        except Exception as exc:  # noqa: BLE001 - every error becomes a problem document
            if classify_exception(exc) == RETRY_NOW:
                raise  # odoo.http retries the whole request
            output = self._api_problem(exc, http, exchange)
        output.headers.update(exchange.extra_headers)
        output.headers["X-Request-Id"] = exchange.request_id
        route = exchange.route
        if not (route and route.public and output.status < 400):
            self._api_log(http, exchange, output, started)
        return output

    def _api_process(self, http, exchange):
        route, path_params = self._api_match(http)
        exchange.route = route
        max_bytes = self._api_max_body_bytes()
        if http.content_length and http.content_length > max_bytes:
            raise self._too_large(max_bytes)
        key = None
        if not route.public:
            key = exchange.key = self.env["integration.api.key"]._api_authenticate(
                http, route
            )
            self._api_check_scope(route, key)
            self._api_rate_limit(key, exchange)
        body = self._api_read_body(http, route, max_bytes, exchange)
        exchange.idempotency_key = http.headers.get("Idempotency-Key") or None
        env = self.env
        api_request = ApiRequest(
            system=env["integration.system"].browse(key.system_id)
            if key
            else env["integration.system"],
            api_key=env["integration.api.key"].browse(key.id)
            if key
            else env["integration.api.key"],
            method=route.method,
            path=http.path,
            path_params=path_params,
            query=self._api_read_query(http, route),
            body=body,
            raw_body=exchange.raw_body,
            headers=http.headers,
            correlation_id=exchange.request_id,
            idempotency_key=exchange.idempotency_key,
            route=route,
            scopes=key.scopes if key else frozenset(),
            system_code=key.system_code if key else None,
            company_id=key.company_id if key else None,
            can_defer=route.keep_message,
            prefer=preferences(http.headers.get("Prefer")),
            trace_id=exchange.trace_id,
        )
        return self._api_execute(route, api_request, http, exchange)

    # ------------------------------------------------------------------
    # Steps before the handler
    # ------------------------------------------------------------------
    def _api_match(self, http):
        table = self.env["integration.api.router"]._api_route_table()
        try:
            route, params = table.match(http.method, http.path)
        except RouteNotFound:
            raise ApiError(
                404, "Not Found", f"No API route {http.path}.", problem_type="not-found"
            ) from None
        except MethodNotAllowed as exc:
            allowed = ", ".join(exc.args[0])
            raise ApiError(
                405,
                "Method Not Allowed",
                f"{http.method} is not allowed here; use {allowed}.",
                problem_type="method-not-allowed",
                headers={"Allow": allowed},
            ) from None
        if any(unstorable(value) for value in params.values()):
            # No record holds U+0000 (PostgreSQL text cannot): nothing to find.
            raise ApiError(
                404,
                "Not Found",
                f"No such record at {http.path!r}.",
                problem_type="not-found",
            )
        return route, params

    @api.model
    def _api_param(self, name, default):
        return config_param(self.env, f"integration_api.{name}", default)

    def _api_max_body_bytes(self):
        return self._api_param("max_body_bytes", 1024 * 1024)

    def _api_max_json_depth(self):
        return self._api_param("max_json_depth", MAX_DEPTH)

    def _too_large(self, max_bytes):
        return ApiError(
            413,
            "Content Too Large",
            f"The body exceeds {max_bytes} bytes.",
            problem_type="payload-too-large",
        )

    def _api_check_scope(self, route, key):
        if route.scope and route.scope not in key.scopes:
            raise ApiError(
                403,
                "Forbidden",
                f"The API key lacks the scope {route.scope}.",
                problem_type="forbidden",
                extensions={"required_scope": route.scope},
            )

    def _api_rate_limit(self, key, exchange):
        """429 over the key's limit (the request was counted when its key was
        fetched); ``RateLimit`` headers otherwise."""
        if key.rate_limit <= 0 or key.hits is None:
            return
        decision = rate_limit.decide(
            key.hits, key.rate_limit, key.counted_at, RATE_WINDOW
        )
        headers = rate_limit.headers_for(decision)
        exchange.extra_headers.update(
            {name: value for name, value in headers.items() if name != "Retry-After"}
        )
        if not decision.allowed:
            raise ApiError(
                429,
                "Too Many Requests",
                f"More than {key.rate_limit} requests per minute.",
                problem_type="rate-limited",
                headers=headers,
            )

    def _api_read_body(self, http, route, max_bytes, exchange):
        """The parsed JSON body (``None`` without a body); its bytes go to
        ``exchange.raw_body`` before parsing, so a refused body is logged.

        Strict: see :func:`~..tools.json_body.parse_json_body` (400 with the
        pointer of each value refused).
        """
        if not http.content_length and route.method in SAFE_METHODS | {"DELETE"}:
            return None
        raw = http.read_body(max_bytes + 1)
        if len(raw) > max_bytes:
            raise self._too_large(max_bytes)
        if not raw:
            return None
        exchange.raw_body = raw  # kept in the log even when refused
        if not self._is_json(http.content_type):
            raise ApiError(
                415,
                "Unsupported Media Type",
                f"Send application/json, not {http.content_type or 'nothing'}.",
                problem_type="unsupported-media-type",
            )
        try:
            return parse_json_body(raw, self._api_max_json_depth())
        except JsonBodyError as exc:
            raise ApiError(
                400,
                "Bad Request",
                exc.detail,
                errors=exc.errors,
                problem_type="malformed-request",
                extensions={"in": "body"},
            ) from None

    @staticmethod
    def _is_json(content_type):
        mimetype = (content_type or "").split(";", 1)[0].strip().lower()
        return mimetype == JSON_CONTENT_TYPE or mimetype.endswith("+json")

    def _api_read_query(self, http, route):
        errors = [
            {
                "pointer": json_pointer([name]),
                "detail": "Query values must not contain "
                "U+0000 or unpaired surrogates.",
            }
            for name, values in http.query.items()
            if unstorable(name) or any(unstorable(value) for value in values)
        ]
        if errors:
            raise ApiError(
                400,
                "Bad Request",
                "The query string holds values that cannot be accepted; see errors.",
                errors=errors,
                problem_type="malformed-request",
                extensions={"in": "query"},
            )
        if not route.query_schema:
            return {name: values[-1] for name, values in http.query.items()}
        schema = self.env["integration.api.router"]._api_load_schema(route.query_schema)
        query = coerce_query(schema, http.query)
        self._api_validate(schema, query, "query")
        return query

    def _api_validate(self, schema, instance, where):
        errors = validation_errors(schema, instance)
        if errors:
            raise ApiError(
                422,
                "Unprocessable Content",
                f"The {where} does not match the schema ({len(errors)} error(s)).",
                errors=errors,
                problem_type="validation-failed",
                extensions={"in": where},
            )

    # ------------------------------------------------------------------
    # Idempotency, kept message, handler
    # ------------------------------------------------------------------
    def _api_execute(self, route, api_request, http, exchange):
        if route.request_schema:
            schema = self.env["integration.api.router"]._api_load_schema(
                route.request_schema
            )
            self._api_validate(schema, api_request.body, "body")
        claim, replay = self._api_idempotency_claim(route, api_request)
        if replay is not None:
            return replay
        idempotency = self.env["integration.api.idempotency"]
        runner = self.env["integration.api.runner"]
        message = (
            self._api_keep_message(route, api_request) if route.keep_message else None
        )
        if message:
            exchange.message_id = message.id
        try:
            with runner._api_transaction(route, keep=bool(claim or message)):
                result = runner._api_call(route, api_request, exchange.key)
                output = self._api_render(result, route)
                exchange.records = result.records
                if message and result.defer:
                    message._mark_queued(result.reference)
                    self.env["integration.api.queue"]._enqueue(message.system_id.id)
                elif message:
                    # resolve=False: the message was created in this request
                    # and only its failure opens an exception about it
                    # (_mark_needs_fix, _mark_failed, never before it is
                    # done), so none can be open: the search is spared
                    message._mark_done(
                        output.status,
                        self._api_jsonable(result.body),
                        result.records,
                        result.reference,
                        resolve=False,
                    )
                if claim and not idempotency._store(
                    claim, output.status, output.body, output.headers
                ):
                    raise _LostRace()
            return output
        except _LostRace:
            return self._api_replay(api_request)
        except Exception as exc:
            if classify_exception(exc) == RETRY_NOW:
                raise
            if message and isinstance(exc, IntegrationError):
                output = self._api_needs_fix(message, exc, http)
            elif not claim:
                raise
            else:
                output = self._api_problem(exc, http, exchange)
        # The handler failed and its work is rolled back. The answer is final
        # (stored for replay) unless it is a server error the client may retry.
        if claim and output.status < 500:
            if not idempotency._store(
                claim, output.status, output.body, output.headers
            ):
                return self._api_replay(api_request)
        elif claim:
            idempotency._release(claim.lock_id)
        return output

    def _api_idempotency_claim(self, route, api_request):
        """``(claim, None)`` to go on, ``(None, replay_output)``, or an ApiError."""
        key = api_request.idempotency_key
        if not route.idempotent or route.method in SAFE_METHODS:
            return None, None
        if not key:
            if route.idempotency_required:
                raise ApiError(
                    400,
                    "Bad Request",
                    "This route requires an Idempotency-Key header.",
                    problem_type="idempotency-key-missing",
                )
            return None, None
        if len(key) > 255:
            raise ApiError(
                400,
                "Bad Request",
                "The Idempotency-Key is longer than 255 characters.",
                problem_type="malformed-request",
            )
        if not all(" " <= char <= "~" for char in key):
            raise ApiError(
                400,
                "Bad Request",
                "The Idempotency-Key must be printable ASCII (a UUID is best).",
                problem_type="malformed-request",
            )
        system = api_request.system
        idempotency = self.env["integration.api.idempotency"]
        claim = idempotency._claim(
            system.id,
            system.company_id.id,
            key,
            route.method,
            api_request.path,
            fingerprint(api_request.body),
        )
        if claim.in_flight:
            raise ApiError(
                409,
                "Conflict",
                "A request with this Idempotency-Key is in progress; retry later.",
                problem_type="idempotency-conflict",
                headers={"Retry-After": "1"},
            )
        if claim.stored:
            return None, self._api_replay_output(api_request, claim.stored)
        # Whatever rolls this transaction back must free the key for a retry.
        lock_id = claim.lock_id
        self.env.cr.postrollback.add(lambda: idempotency._release(lock_id))
        return claim, None

    def _api_replay(self, api_request):
        stored = self.env["integration.api.idempotency"]._read_stored_fresh(
            api_request.system.id, api_request.idempotency_key
        )
        if not stored:
            raise ApiError(
                409,
                "Conflict",
                "A request with this Idempotency-Key is in progress; retry later.",
                problem_type="idempotency-conflict",
            )
        return self._api_replay_output(api_request, stored)

    def _api_replay_output(self, api_request, stored):
        same = (
            stored["fingerprint"] == fingerprint(api_request.body)
            and stored["method"] == api_request.method
            and stored["path"] == api_request.path
        )
        if not same:
            raise ApiError(
                422,
                "Unprocessable Content",
                "This Idempotency-Key was used with a different request.",
                problem_type="idempotency-key-reused",
            )
        headers = dict(stored["headers"], **{"Idempotent-Replayed": "true"})
        return HttpOutput(stored["status"], headers, stored["body"])

    def _api_keep_message(self, route, api_request):
        company_id = api_request.company_id or api_request.system.company_id.id
        message = (
            self.env["integration.api.message"]
            .sudo()
            # in the system's company: the defaults are that company's, and
            # finding the superuser's company (a query) is spared
            .with_company(company_id)
            .create(
                {
                    "system_id": api_request.system.id,
                    "company_id": company_id,
                    "api_key_id": api_request.api_key.id,
                    "route": route.key,
                    "path": api_request.path,
                    "path_params": api_request.path_params,
                    "query": api_request.query,
                    "body": api_request.body,
                    "body_raw": base64.b64encode(api_request.raw_body or b""),
                    "correlation_id": api_request.correlation_id,
                    "trace_id": api_request.trace_id,
                    "idempotency_key": api_request.idempotency_key,
                    "reference": route.reference_of(
                        api_request.path_params, api_request.body
                    ),
                }
            )
        )
        api_request.message = message
        return message

    def _api_needs_fix(self, message, error, http):
        exception = message._mark_needs_fix(error)
        body = {
            "message_id": message.id,
            "status": "needs_fix",
            "status_url": f"{http.base_url.rstrip('/')}/api/v1/messages/{message.id}",
            "exception_id": exception.id,
            "detail": error.message,
        }
        return HttpOutput(
            202, {"Content-Type": JSON_CONTENT_TYPE}, self._api_dumps(body)
        )

    # ------------------------------------------------------------------
    # Rendering and logging
    # ------------------------------------------------------------------
    @staticmethod
    def _api_dumps(value):
        text = json.dumps(
            value, default=to_jsonable, ensure_ascii=False, separators=(",", ":")
        )
        try:
            return text.encode()
        except (
            UnicodeEncodeError
        ):  # an unpaired surrogate: UTF-8 cannot hold it unescaped
            return json.dumps(
                value, default=to_jsonable, separators=(",", ":")
            ).encode()

    @api.model
    def _api_jsonable(self, value):
        if isinstance(value, (bytes, str)) or value is None:
            return None
        return json.loads(self._api_dumps(value))

    def _api_render(self, result, route):
        headers = {"Content-Type": JSON_CONTENT_TYPE, **(result.headers or {})}
        body = result.body
        if isinstance(body, str):
            body = body.encode()
        elif not isinstance(body, bytes):
            body = (
                b"" if body is None and result.status == 204 else self._api_dumps(body)
            )
        return HttpOutput(result.status or route.success_status, headers, body)

    def _api_problem(self, exc, http, exchange):
        """The problem+json answer of an exception; server errors are logged."""
        status, body, headers = problem_for(
            exc, http.full_path, http.base_url, request_id=exchange.request_id
        )
        if status >= 500:
            if isinstance(exc, ApiError):
                # a resource's deliberate answer (503 with Retry-After): no traceback
                _logger.warning(
                    "API %s %s answered %s (request id %s): %s",
                    http.method,
                    http.full_path,
                    status,
                    exchange.request_id,
                    exc.detail,
                )
            else:
                _logger.exception(
                    "API %s %s failed (request id %s)",
                    http.method,
                    http.full_path,
                    exchange.request_id,
                )
            if self.env.cr._cnx.get_transaction_status() == TRANSACTION_STATUS_INERROR:
                # Unusable transaction (an error outside any savepoint): start
                # over so that the request log is still written.
                self.env.cr.rollback()
                exchange.message_id = None
            exchange.error_detail = redact_token(f"{type(exc).__name__}: {exc}")[:2000]
            if exchange.message_id:
                self.env["integration.api.message"].browse(
                    exchange.message_id
                )._mark_failed(
                    status, body["title"], exchange.error_detail, unexpected=True
                )
        else:
            exchange.error_detail = body.get("detail")
            if exchange.message_id:
                self.env["integration.api.message"].browse(
                    exchange.message_id
                )._mark_failed(status, body["title"], body.get("detail"))
        exchange.error_title = body["title"]
        exchange.errors = body.get("errors")
        return HttpOutput(status, headers, self._api_dumps(body))

    def _api_log(self, http, exchange, output, started):
        key, route, records = exchange.key, exchange.route, exchange.records
        values = {
            "date": fields.Datetime.now(),
            "method": http.method,
            "path": http.full_path[:2000],
            "route": route.key if route else None,
            "status": output.status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            "system_id": key.system_id if key else None,
            "api_key_id": key.id if key else None,
            "company_id": key.company_id if key else None,
            "remote_addr": http.remote_addr,
            "request_headers": json.dumps(redact_headers(http.headers.items())),
            "body_excerpt": excerpt(exchange.raw_body),
            "correlation_id": exchange.request_id,
            "trace_id": exchange.trace_id,
            "idempotency_key": exchange.idempotency_key,
            "error_title": exchange.error_title,
            "error_detail": exchange.error_detail,
            "message_id": exchange.message_id,
        }
        if exchange.errors:
            # ASCII JSON: a pointer may name a member with U+0000 in it
            values["errors"] = json.dumps(exchange.errors, indent=1)
        if exchange.raw_body and not exchange.message_id and output.status >= 400:
            # byte-exact: nothing else holds a refused body (a kept message
            # holds its own; an accepted one became records)
            values["body_raw"] = psycopg2.Binary(base64.b64encode(exchange.raw_body))
        values = {
            name: storable_text(value) if isinstance(value, str) else value
            for name, value in values.items()
        }
        if records:
            values.update(
                res_model=records._name, res_ids=",".join(map(str, records.ids))
            )
        self.env["integration.api.request.log"]._insert(values)
