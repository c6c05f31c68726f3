from odoo import http
from odoo.http import request


class EventSchemaController(http.Controller):
    """Serves each event type's JSON Schema at its CloudEvents ``dataschema`` URL."""

    @http.route(
        "/integration/schemas/<string:code>/<int:version>.json",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
    )
    def event_schema(self, code, version):
        event_type = (
            request.env["integration.event.type"]
            .sudo()
            .search([("code", "=", code), ("version", "=", version)], limit=1)
        )
        if not event_type or not event_type.schema_file:
            return request.make_json_response(
                {"error": "unknown event type"}, status=404
            )
        return request.make_json_response(
            event_type._get_schema(),
            headers=[("Cache-Control", "public, max-age=3600")],
        )
