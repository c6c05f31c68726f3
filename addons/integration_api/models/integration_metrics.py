from odoo import api, models
from odoo.tools import SQL

from odoo.addons.integration_core.models.integration_metrics import CounterSource
from odoo.addons.integration_core.tools.params import config_param
from odoo.addons.integration_core.tools.prometheus import CONTENT_TYPE

from ..tools import metrics_access

# Upper bounds (seconds) of the API request duration histogram.
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

PARAM_ENABLED = "integration_api.metrics_enabled"
PARAM_TOKEN_DIGEST = "integration_api.metrics_token_sha256"
PARAM_ALLOWLIST = "integration_api.metrics_allowed_addresses"


def _bucket_of(column_seconds):
    """``CASE`` naming the histogram bucket (its ``le``) of a duration."""
    whens = SQL(" ").join(
        SQL("WHEN %s <= %s THEN %s", column_seconds, bound, repr(float(bound)))
        for bound in DURATION_BUCKETS
    )
    return SQL("CASE %s ELSE '+Inf' END", whens)


class IntegrationMetrics(models.AbstractModel):
    """The inbound API in ``/metrics`` (requests by route and status, and a
    duration histogram by route, from the request log), and who may scrape."""

    _inherit = "integration.metrics"

    @api.model
    def _metrics_sources(self):
        sources = super()._metrics_sources()
        seconds = SQL("(duration_ms / 1000.0)")
        sources.append(
            CounterSource(
                key="api_requests",
                table="integration_api_request_log",
                query=lambda id_range: SQL(
                    """
                    WITH request AS (
                        SELECT coalesce(route, 'unmatched') AS route, status,
                               system_id, coalesce(duration_ms, 0) / 1000.0 AS seconds,
                               %(bucket)s AS le
                          FROM integration_api_request_log WHERE %(range)s
                    )
                    SELECT 'integration_api_requests_total',
                           jsonb_build_object('route', route, 'status', status::text,
                                              'system', system_id),
                           count(*)
                      FROM request GROUP BY route, status, system_id
                    UNION ALL
                    SELECT 'integration_api_request_duration_seconds:bucket',
                           jsonb_build_object('route', route, 'le', le), count(*)
                      FROM request GROUP BY route, le
                    UNION ALL
                    SELECT 'integration_api_request_duration_seconds:sum',
                           jsonb_build_object('route', route), sum(seconds)
                      FROM request GROUP BY route
                    """,
                    bucket=_bucket_of(seconds),
                    range=id_range,
                ),
                families=[
                    (
                        "integration_api_requests_total",
                        "counter",
                        "API requests logged, by route, HTTP status and system "
                        "(successful calls of public routes are not logged).",
                    ),
                    (
                        "integration_api_request_duration_seconds",
                        "histogram",
                        "Time Odoo took to answer API requests, by route.",
                    ),
                ],
                names={"system": ("integration.system", "code")},
                buckets=DURATION_BUCKETS,
            )
        )
        return sources

    # ------------------------------------------------------------------
    # The endpoint
    # ------------------------------------------------------------------
    @api.model
    def _metrics_serve(self, authorization, remote_addr):
        """``(status, headers, body)`` of a ``GET /metrics``.

        Off (404) unless enabled in Settings; then a caller needs the bearer
        token or an address in the allowlist. Enabled with neither set, it
        answers 403 to everyone rather than publish the figures.
        """
        if not config_param(self.env, PARAM_ENABLED, False):
            return 404, {"Content-Type": "text/plain"}, b"Not Found\n"
        params = self.env["ir.config_parameter"].sudo()
        digest = params.get_param(PARAM_TOKEN_DIGEST) or ""
        token = metrics_access.bearer_token(authorization)
        allowed = metrics_access.token_matches(token, digest)
        if not allowed:
            try:
                networks = metrics_access.parse_allowlist(
                    params.get_param(PARAM_ALLOWLIST) or ""
                )
            except ValueError:
                networks = []  # refused when saved; a bad value allows nobody
            allowed = metrics_access.address_allowed(remote_addr, networks)
        if not allowed:
            if digest:
                headers = {
                    "Content-Type": "text/plain",
                    "WWW-Authenticate": 'Bearer realm="metrics"',
                }
                return 401, headers, b"Unauthorized\n"
            return 403, {"Content-Type": "text/plain"}, b"Forbidden\n"
        body = self._metrics_text().encode()
        return 200, {"Content-Type": CONTENT_TYPE, "Cache-Control": "no-store"}, body
