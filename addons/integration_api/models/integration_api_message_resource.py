from odoo import models

from ..tools.request import ApiError, ApiResult


class IntegrationApiMessageResource(models.AbstractModel):
    """``GET /api/v1/messages/{id}``: the status of a kept message."""

    _name = "integration.api.message.resource"
    _description = "API resource: kept messages"

    def _api_not_found(self):
        return ApiError(404, "Not Found", "No such message.", problem_type="not-found")

    def _api_get(self, api_request):
        """Status of a kept message; only the system that sent it may see it."""
        try:
            message_id = int(api_request.path_params["id"])
        except ValueError:
            raise self._api_not_found() from None
        message = self.env["integration.api.message"].sudo().browse(message_id).exists()
        if not message or message.system_id != api_request.system:
            raise self._api_not_found()
        return ApiResult(200, message._status_body())
