from odoo import http
from odoo.http import request


class WebhookKeysController(http.Controller):
    """Publishes the Ed25519 public keys receivers verify ``v1a`` signatures with."""

    @http.route(
        "/integration/webhooks/<string:subscription_uuid>/keys.json",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
    )
    def public_keys(self, subscription_uuid):
        keys = (
            request.env["integration.subscription"]
            .sudo()
            ._public_keys(subscription_uuid)
        )
        if keys is None:
            return request.make_json_response({"error": "not found"}, status=404)
        return request.make_json_response(
            keys, headers=[("Cache-Control", "public, max-age=300")]
        )
