from odoo import models

from odoo.addons.integration_api.tools.routes import ApiRoute

SCHEMAS = "integration_distribution/schemas/api"
ORDER = "integration.api.order.resource"
CUSTOMER = "integration.api.customer.resource"


class IntegrationApiRouter(models.AbstractModel):
    """The routes of the order and customer resources of ``/api/v1``; their
    handlers are ``integration.api.order.resource``
    (``integration_api_order_resource.py``) and
    ``integration.api.customer.resource``
    (``integration_api_customer_resource.py``)."""

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
            ApiRoute(
                "PUT",
                "/customers/{ref}",
                "customers:write",
                f"{CUSTOMER}._api_put",
                summary="Create or update a customer, by the system's customer code",
                description="The company, its address, VAT, language, pricelist and "
                "payment terms (the system's codes, translated by its mappings) are "
                "replaced; the billing address, shipping addresses (by code, else by "
                "name and street) and contacts (by e-mail, else by name) are updated "
                "or added, never removed. The same body again changes nothing. An "
                "unknown pricelist or payment term code, country or an inactive "
                "language is kept and answered 202 until a person fixes it.",
                request_schema=f"{SCHEMAS}/customer.upsert.json",
                response_schema=f"{SCHEMAS}/customer.view.json",
                success_status=200,
                idempotent=True,
                keep_message=True,
                reference="{ref}",
                tags=("customers",),
            ),
            ApiRoute(
                "GET",
                "/customers/{ref}",
                "customers:read",
                f"{CUSTOMER}._api_get",
                summary="A customer of this system, by its customer code",
                response_schema=f"{SCHEMAS}/customer.view.json",
                tags=("customers",),
            ),
        ]
