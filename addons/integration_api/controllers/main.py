from odoo import SUPERUSER_ID, http
from odoo.http import request

from ..tools.request import HttpInput


class IntegrationApiController(http.Controller):
    """``/api/v1/...``: one thin entry point; the dispatcher model does the work."""

    @http.route(
        ["/api/v1", "/api/v1/<anypath:subpath>"],
        type="http",
        auth="none",
        csrf=False,
        save_session=False,
        readonly=False,  # every request writes its log line
    )
    def api_v1(self, subpath="", **_params):
        httprequest = request.httprequest
        http_input = HttpInput(
            method=httprequest.method,
            path="/" + subpath,
            full_path=httprequest.path,
            query={name: httprequest.args.getlist(name) for name in httprequest.args},
            headers=httprequest.headers,
            remote_addr=httprequest.remote_addr or "",
            content_type=httprequest.content_type or "",
            content_length=httprequest.content_length,
            # Bodies without Content-Length read as empty (werkzeug's safe
            # fallback), so the Content-Length check bounds what is read.
            # Cached: after a serialization failure Odoo runs the request
            # again (service.model.retrying), and the stream is read by then.
            read_body=lambda limit: httprequest.get_data(cache=True)[:limit],
            base_url=httprequest.host_url,
        )
        env = request.env(user=SUPERUSER_ID, su=True)
        output = env["integration.api.dispatcher"]._api_serve(http_input)
        return request.make_response(
            output.body, headers=list(output.headers.items()), status=output.status
        )
