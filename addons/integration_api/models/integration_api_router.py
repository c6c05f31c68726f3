import json
import logging

from odoo import api, models, tools
from odoo.tools.misc import file_open

from ..tools.docs_html import render_docs
from ..tools.openapi import build_openapi
from ..tools.problems import PROBLEM_TYPES
from ..tools.request import ApiError, ApiResult
from ..tools.routes import ApiRoute, RouteTable

_logger = logging.getLogger(__name__)


class IntegrationApiRouter(models.AbstractModel):
    """The resource registry of ``/api/v1``.

    Modules add resources by inheriting this model::

        class IntegrationApiRouter(models.AbstractModel):
            _inherit = "integration.api.router"

            def _api_routes(self):
                return super()._api_routes() + [
                    ApiRoute("POST", "/orders", "orders:write",
                             "sale.order._api_create_order",
                             request_schema="my_module/schemas/api/order.create.json",
                             success_status=201, idempotent=True, keep_message=True),
                ]
    """

    _name = "integration.api.router"
    _description = "Integration API resource registry"

    def _api_routes(self):
        """Every route of the API; extend with ``super()._api_routes() + [...]``."""
        router = "integration.api.router"
        return [
            ApiRoute("GET", "/health", None, f"{router}._api_health", public=True,
                     summary="Health: database, job runner, delivery backlog", tags=("meta",)),
            ApiRoute("GET", "/openapi.json", None, f"{router}._api_openapi", public=True,
                     summary="This OpenAPI 3.1 document", tags=("meta",)),
            ApiRoute("GET", "/docs", None, f"{router}._api_docs", public=True,
                     summary="Human-readable documentation (HTML)", tags=("meta",)),
            ApiRoute("GET", "/problems/{slug}", None, f"{router}._api_problem_type",
                     public=True, summary="Meaning of a problem type", tags=("meta",)),
            ApiRoute("GET", "/ping", "", f"{router}._api_ping",
                     summary="Check a key: returns its system and scopes", tags=("meta",),
                     response_schema="integration_api/schemas/api/ping.response.json"),
            ApiRoute("GET", "/messages/{id}", "", "integration.api.message._api_get_message",
                     summary="Status and result of a kept message", tags=("messages",),
                     response_schema="integration_api/schemas/api/message.status.json"),
            ApiRoute("GET", "/events", "events:read", "integration.event._api_events_feed",
                     summary="Pull the event feed (CloudEvents), page by page",
                     tags=("events",),
                     query_schema="integration_api/schemas/api/events.query.json",
                     response_schema="integration_api/schemas/api/events.page.json"),
        ]

    @api.model
    @tools.ormcache()
    def _api_route_table(self):
        """The compiled routes (cached per registry; routes come from code)."""
        return RouteTable(self._api_routes())

    @api.model
    def _api_load_schema(self, ref):
        """A route schema as a dict: a dict as is, or the JSON file at ``ref``."""
        if ref is None or isinstance(ref, dict):
            return ref
        return self._api_load_schema_file(ref)

    @api.model
    @tools.ormcache("path")
    def _api_load_schema_file(self, path):
        with file_open(path, "r", filter_ext=(".json",)) as handle:
            return json.load(handle)

    # ------------------------------------------------------------------
    # OpenAPI
    # ------------------------------------------------------------------
    @api.model
    def _api_openapi_document(self, base_url):
        event_types = self.env["integration.event.type"].sudo().search([("active", "=", True)])
        dispatcher = self.env["integration.api.dispatcher"]
        return build_openapi(
            self._api_route_table().routes,
            self._api_load_schema,
            event_types=[
                {
                    "code": event_type.code,
                    "version": event_type.version,
                    "name": event_type.name,
                    "description": event_type.description or "",
                    "schema": event_type._get_schema(),
                }
                for event_type in event_types
            ],
            server_url=base_url,
            idempotency_hours=self.env["integration.api.idempotency"]._retention_hours(),
            body_limits={"max_depth": dispatcher._api_max_json_depth(),
                         "max_body_bytes": dispatcher._api_max_body_bytes()},
        )

    # ------------------------------------------------------------------
    # Built-in resources
    # ------------------------------------------------------------------
    def _api_base_url(self, api_request):
        return self.sudo().get_base_url()

    def _api_openapi(self, api_request):
        return ApiResult(200, self._api_openapi_document(self._api_base_url(api_request)))

    def _api_docs(self, api_request):
        html = render_docs(self._api_openapi_document(self._api_base_url(api_request)))
        return ApiResult(200, html, headers={"Content-Type": "text/html; charset=utf-8"})

    def _api_problem_type(self, api_request):
        slug = api_request.path_params["slug"]
        if slug not in PROBLEM_TYPES:
            raise ApiError(404, "Not Found", "Unknown problem type.", problem_type="not-found")
        status, title, meaning = PROBLEM_TYPES[slug]
        return ApiResult(200, {"type": slug, "status": status, "title": title,
                               "description": meaning})

    def _api_ping(self, api_request):
        return ApiResult(200, {
            "system": api_request.system_code or api_request.system.code,
            "scopes": sorted(api_request.scopes),
            "request_id": api_request.correlation_id,
        })

    def _api_health(self, api_request):
        """Database reachable, job runner state, delivery backlog; never fails."""
        env = self.sudo().env
        env.cr.execute("SELECT 1")
        body = {"status": "ok", "database": "ok"}
        if "queue.job" in env:
            body["queue_job"] = self._api_health_queue_job(env)
        if "integration.delivery" in env:
            body["delivery_backlog"] = self._api_health_backlog(env["integration.delivery"])
        return ApiResult(200, body)

    @api.model
    def _api_health_queue_job(self, env):
        """Pending jobs and whether the oldest waits suspiciously long (runner down?)."""
        env.cr.execute(
            "SELECT count(*), EXTRACT(EPOCH FROM (now() AT TIME ZONE 'UTC') - min(date_created)) "
            "FROM queue_job WHERE state IN ('pending', 'enqueued')"
        )
        pending, oldest = env.cr.fetchone()
        oldest = int(oldest or 0)
        return {
            "pending": pending,
            "oldest_pending_seconds": oldest,
            "runner": "stalled" if oldest > 300 else "ok",
        }

    @api.model
    def _api_health_backlog(self, deliveries):
        field = deliveries._fields.get("state")
        if field is None or not field.selection:
            return None
        values = {value for value, _label in field._description_selection(deliveries.env)}
        waiting = sorted(values & {"pending", "queued", "retrying", "retry", "sending"})
        return deliveries.search_count([("state", "in", waiting)]) if waiting else 0
