from odoo import SUPERUSER_ID, http
from odoo.http import request


class IntegrationMetricsController(http.Controller):
    """``/metrics``: Prometheus text format; ``integration.metrics`` decides
    who may read it and renders it."""

    @http.route(
        "/metrics",
        type="http",
        auth="none",
        methods=["GET"],
        csrf=False,
        save_session=False,
        readonly=True,
    )
    def metrics(self, **_params):
        httprequest = request.httprequest
        env = request.env(user=SUPERUSER_ID, su=True)
        status, headers, body = env["integration.metrics"]._metrics_serve(
            httprequest.headers.get("Authorization"), httprequest.remote_addr or ""
        )
        return request.make_response(body, headers=list(headers.items()), status=status)
