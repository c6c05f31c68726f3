"""The customer resource of ``/api/v1``: HTTP in, business methods, HTTP out.

Routes: ``models/integration_api_router.py``; business methods:
``res.partner`` in ``res_partner_channel.py``.
"""

from psycopg2 import errors as pg_errors

from odoo import models

from odoo.addons.integration_api.tools.request import ApiError, ApiResult

CUSTOMERS_URL = "/api/v1/customers"
MAPPING_CONSTRAINT = "integration_mapping_system_kind_code_uniq"


class IntegrationApiCustomerResource(models.AbstractModel):
    """``/api/v1/customers/{ref}``: upsert (``PUT``) and read (``GET``), by
    the system's own customer code.

    Called by ``integration.api.runner`` as the system's technical user, in
    its company. An unknown pricelist or payment term code, an unknown
    country or an inactive language keep the request (``202``) until a
    person fixes it; the reprocess then applies it.
    """

    _name = "integration.api.customer.resource"
    _description = "API resource: customers"

    def _api_put(self, api_request):
        """``PUT /customers/{ref}``: 201 when created, 200 when updated (or
        when nothing changed: the same body again is harmless)."""
        ref = api_request.path_params["ref"]
        try:
            partner, created = self.env["res.partner"]._integration_upsert_from_channel(
                api_request.system, ref, api_request.body
            )
        except pg_errors.UniqueViolation as error:
            if error.diag.constraint_name != MAPPING_CONSTRAINT:
                raise
            # another request is creating the same customer right now
            raise ApiError(
                409,
                "Conflict",
                "This customer is being created by another request; retry.",
                problem_type="conflict",
                headers={"Retry-After": "1"},
            ) from None
        return ApiResult(
            201 if created else 200,
            partner._integration_customer_view(api_request.system),
            headers={"Location": f"{CUSTOMERS_URL}/{ref}"},
            records=partner,
        )

    def _api_get(self, api_request):
        """``GET /customers/{ref}``: 404 for a code this system never mapped
        (another system's customer included)."""
        ref = api_request.path_params["ref"]
        partner = self.env["res.partner"]._integration_find_customer(
            api_request.system, ref
        )
        if not partner:
            raise ApiError(
                404,
                "Not Found",
                f"No customer {ref!r} for this system.",
                problem_type="not-found",
            )
        return ApiResult(
            200, partner._integration_customer_view(api_request.system), records=partner
        )
