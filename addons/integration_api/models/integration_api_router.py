import json
import logging

from odoo import api, models, tools
from odoo.tools.misc import file_open

from ..tools.openapi import build_openapi
from ..tools.request import ApiResult
from ..tools.routes import ApiRoute, RouteTable

_logger = logging.getLogger(__name__)


class IntegrationApiRouter(models.AbstractModel):
    """The resource registry of ``/api/v1``: routes, schemas, the OpenAPI
    document. Handlers are methods of resource models
    (``integration.api.<name>.resource``), called by
    ``integration.api.runner``.

    Modules add resources by inheriting this model (see ``readme/USAGE.md``)::

        class IntegrationApiRouter(models.AbstractModel):
            _inherit = "integration.api.router"

            def _api_routes(self):
                return super()._api_routes() + [
                    ApiRoute("POST", "/orders", "orders:write",
                             "integration.api.order.resource._api_create",
                             request_schema="my_module/schemas/api/order.create.json",
                             success_status=201, idempotent=True, keep_message=True,
                             reference="/external_ref"),
                ]
    """

    _name = "integration.api.router"
    _description = "Integration API resource registry"

    def _api_routes(self):
        """Every route of the API; extend with ``super()._api_routes() + [...]``."""
        router = "integration.api.router"
        meta = "integration.api.meta.resource"
        return [
            ApiRoute(
                "GET",
                "/health",
                None,
                f"{router}._api_health",
                public=True,
                summary="Health: database, job runner, backlogs",
                tags=("meta",),
                response_schema="integration_api/schemas/api/health.response.json",
            ),
            ApiRoute(
                "GET",
                "/openapi.json",
                None,
                f"{meta}._api_openapi",
                public=True,
                summary="This OpenAPI 3.1 document",
                tags=("meta",),
            ),
            ApiRoute(
                "GET",
                "/docs",
                None,
                f"{meta}._api_docs",
                public=True,
                summary="Human-readable documentation (HTML)",
                tags=("meta",),
            ),
            ApiRoute(
                "GET",
                "/problems/{slug}",
                None,
                f"{meta}._api_problem_type",
                public=True,
                summary="Meaning of a problem type",
                tags=("meta",),
            ),
            ApiRoute(
                "GET",
                "/ping",
                "",
                f"{meta}._api_ping",
                summary="Check a key: returns its system and scopes",
                tags=("meta",),
                response_schema="integration_api/schemas/api/ping.response.json",
            ),
            ApiRoute(
                "GET",
                "/messages/{id}",
                "",
                "integration.api.message.resource._api_get",
                summary="Status and result of a kept message",
                tags=("messages",),
                response_schema="integration_api/schemas/api/message.status.json",
            ),
            ApiRoute(
                "GET",
                "/events",
                "events:read",
                "integration.api.event.resource._api_feed",
                summary="Pull the event feed (CloudEvents), page by page",
                tags=("events",),
                query_schema="integration_api/schemas/api/events.query.json",
                response_schema="integration_api/schemas/api/events.page.json",
            ),
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
        event_types = (
            self.env["integration.event.type"].sudo().search([("active", "=", True)])
        )
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
            idempotency_hours=self.env[
                "integration.api.idempotency"
            ]._retention_hours(),
            body_limits={
                "max_depth": dispatcher._api_max_json_depth(),
                "max_body_bytes": dispatcher._api_max_body_bytes(),
            },
        )

    # ------------------------------------------------------------------
    # Health (the other built-in resources are models of their own:
    # integration.api.meta/message/event.resource)
    # ------------------------------------------------------------------
    def _api_health(self, api_request):
        """What the suite's health hooks say (``integration.health``).

        Each check's main figure under its name (``database``, ``queue_job``,
        ``delivery_backlog``, ...) and every check in ``checks``. ``status``
        stays ``ok`` (the API answers): a check's own status tells whether
        its part needs a look. Never fails.
        """
        report = self.env["integration.health"].sudo()._health_report()
        body = {"status": "ok"}
        body.update((check["name"], check["value"]) for check in report["checks"])
        body["checks"] = report["checks"]
        return ApiResult(200, body)
