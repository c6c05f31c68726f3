from odoo import models

from ..tools.docs_html import render_docs
from ..tools.problems import PROBLEM_TYPES
from ..tools.request import ApiError, ApiResult


class IntegrationApiMetaResource(models.AbstractModel):
    """``/api/v1`` about itself: ``/openapi.json``, ``/docs``,
    ``/problems/{slug}`` and ``/ping``.

    The OpenAPI document is built by the registry
    (``integration.api.router._api_openapi_document``); this model only
    answers with it.
    """

    _name = "integration.api.meta.resource"
    _description = "API resource: the API itself (OpenAPI, docs, problem types, ping)"

    def _api_base_url(self, api_request):
        return self.sudo().get_base_url()

    def _api_openapi(self, api_request):
        """``GET /openapi.json``."""
        router = self.env["integration.api.router"]
        return ApiResult(
            200, router._api_openapi_document(self._api_base_url(api_request))
        )

    def _api_docs(self, api_request):
        """``GET /docs``: the same document as HTML."""
        router = self.env["integration.api.router"]
        html = render_docs(
            router._api_openapi_document(self._api_base_url(api_request))
        )
        return ApiResult(
            200, html, headers={"Content-Type": "text/html; charset=utf-8"}
        )

    def _api_problem_type(self, api_request):
        """``GET /problems/{slug}``: what a problem type means."""
        slug = api_request.path_params["slug"]
        if slug not in PROBLEM_TYPES:
            raise ApiError(
                404, "Not Found", "Unknown problem type.", problem_type="not-found"
            )
        status, title, meaning = PROBLEM_TYPES[slug]
        return ApiResult(
            200,
            {"type": slug, "status": status, "title": title, "description": meaning},
        )

    def _api_ping(self, api_request):
        """``GET /ping``: the key's system and scopes (no query at all)."""
        return ApiResult(
            200,
            {
                "system": api_request.system_code or api_request.system.code,
                "scopes": sorted(api_request.scopes),
                "request_id": api_request.correlation_id,
            },
        )
