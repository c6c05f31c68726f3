from odoo import models

from odoo.addons.integration_api.tools.routes import ApiRoute

SCHEMAS = "integration_distribution/schemas/api"
ORDER = "integration.api.order.resource"


class IntegrationApiRouter(models.AbstractModel):
    """The routes of the order resource of ``/api/v1``; its handlers are
    ``integration.api.order.resource`` (``integration_api_order_resource.py``)."""

    _inherit = "integration.api.router"

    def _api_routes(self):
        return super()._api_routes() + [
            ApiRoute(
                "POST",
                "/orders",
                "orders:write",
                f"{ORDER}._api_create",
                summary="Create an order (the same external_ref again returns it)",
                description="Codes are the partner's own, translated by the code "
                "mappings of the system. An unmapped code or an order Odoo cannot "
                "take is kept and answered 202 with a message to follow; it is "
                "processed once someone fixed the cause. Systems whose order intake "
                "is queued, and requests with 'Prefer: respond-async', are answered "
                "202 at once (status queued) and the orders are created and "
                "confirmed in batches a moment later: follow resource_url or the "
                "order.accepted webhook.",
                request_schema=f"{SCHEMAS}/order.create.json",
                response_schema=f"{SCHEMAS}/order.status.json",
                success_status=201,
                idempotent=True,
                keep_message=True,
                batch_handler=f"{ORDER}._api_create_batch",
                reference="/external_ref",
                supersedes=True,
                editable=(
                    "/lines/*/sku",
                    "/lines/*/uom",
                    "/lines/*/qty",
                    "/requested_date",
                    "/warehouse",
                    "/customer/code",
                    "/ship_to/code",
                    "/ship_to/street",
                    "/ship_to/zip",
                    "/ship_to/city",
                    "/ship_to/country_code",
                ),
                tags=("orders",),
            ),
            ApiRoute(
                "GET",
                "/orders/{ref}",
                "orders:read",
                f"{ORDER}._api_get",
                summary="Status of an order, by external_ref or Odoo number, "
                "with its shipments and tracking",
                response_schema=f"{SCHEMAS}/order.status.json",
                tags=("orders",),
            ),
            ApiRoute(
                "POST",
                "/orders/{ref}/cancel",
                "orders:write",
                f"{ORDER}._api_cancel",
                summary="Cancel an order that has not shipped yet",
                response_schema=f"{SCHEMAS}/order.status.json",
                idempotent=True,
                tags=("orders",),
            ),
        ]
