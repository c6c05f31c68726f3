from psycopg2 import errors as pg_errors

from odoo import api, models

from odoo.addons.integration_api.tools.request import ApiError, ApiResult

from ..exceptions import ReturnRefused

RMA_CONSTRAINT = "integration_return_system_name_uniq"
RETURNS_URL = "/api/v1/returns"


class IntegrationApiReturnResource(models.AbstractModel):
    """``/api/v1/returns``: announce a return (RMA) and read it back.

    HTTP words stop here; ``integration.return`` does the business work.
    """

    _name = "integration.api.return.resource"
    _description = "API resource: returns"

    @api.model
    def _api_create(self, api_request):
        """201 with the new return, 200 when the RMA reference is known;
        422 with pointers when it cannot be; 202 for an unmapped code."""
        Return = self.env["integration.return"]
        try:
            rma, created = Return._integration_create_from_channel(
                api_request.system, api_request.body
            )
        except ReturnRefused as refused:
            raise ApiError(
                422,
                "Unprocessable Content",
                refused.message,
                errors=refused.errors,
                problem_type="validation-failed",
            ) from None
        except pg_errors.UniqueViolation as error:
            if error.diag.constraint_name != RMA_CONSTRAINT:
                raise
            raise ApiError(
                409,
                "Conflict",
                "A return with this rma_ref is being created by another request; "
                "retry to get it.",
                problem_type="conflict",
                headers={"Retry-After": "1"},
            ) from None
        return ApiResult(
            201 if created else 200,
            rma._integration_view(),
            headers={"Location": f"{RETURNS_URL}/{rma.name}"},
            records=rma,
            reference=rma.name,
        )

    @api.model
    def _api_get(self, api_request):
        rma = self.env["integration.return"]._integration_find_for_channel(
            api_request.system, api_request.path_params["ref"]
        )
        if not rma:
            raise ApiError(
                404,
                "Not Found",
                f"No return {api_request.path_params['ref']} of this system.",
                problem_type="not-found",
            )
        return ApiResult(200, rma._integration_view(), records=rma)
