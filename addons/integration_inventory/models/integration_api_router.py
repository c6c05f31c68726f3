from odoo import models

from odoo.addons.integration_api.tools.routes import ApiRoute

SCHEMAS = "integration_inventory/schemas/api"
RESOURCE = "integration.api.availability.resource"
SNAPSHOTS = "integration.api.snapshot.resource"
COUNTS = "integration.api.count.resource"


class IntegrationApiRouter(models.AbstractModel):
    _inherit = "integration.api.router"

    def _api_routes(self):
        return super()._api_routes() + [
            ApiRoute(
                "GET",
                "/availability",
                "availability:read",
                f"{RESOURCE}._api_get",
                summary="Availability to promise per SKU and warehouse, in your codes",
                description="On hand, reserved, available (Odoo's free quantity), "
                "incoming, outgoing, forecast and available_to_sell (after this "
                "channel's safety buffer and cap) per SKU and warehouse, in the "
                "product's unit with your unit code, plus the next incoming "
                "receipt. Name up to 500 SKUs with 'sku' (comma-separated or "
                "repeated), or page through every stocked product with 'cursor' "
                "(pass back 'next'). A code that is not mapped is reported in "
                "its own line with an 'error': the call never fails for it.",
                query_schema=f"{SCHEMAS}/availability.query.json",
                response_schema=f"{SCHEMAS}/availability.page.json",
                tags=("availability",),
            ),
            ApiRoute(
                "POST",
                "/availability/check",
                "availability:read",
                f"{RESOURCE}._api_check",
                summary="Can these lines be promised? From where, and when is the rest there?",
                description="Per line: the quantity promisable now and from which "
                "warehouse, and for the rest the earliest date incoming receipts "
                "bring it (after demand already waiting for them). Lines of one "
                "call compete for the same stock. Reads only; nothing is reserved.",
                request_schema=f"{SCHEMAS}/availability.check.json",
                response_schema=f"{SCHEMAS}/availability.check.response.json",
                tags=("availability",),
            ),
            ApiRoute(
                "GET",
                "/snapshots/{id}",
                "availability:read",
                f"{SNAPSHOTS}._api_get",
                summary="Download one of your inventory snapshots (JSON Lines or CSV)",
                description="The file an inventory.snapshot event announced, as it "
                "was written: check its SHA-256 (also in the Repr-Digest header) and "
                "its line count (X-Record-Count). Only the system the snapshot was "
                "taken for can download it; expired snapshots are purged.",
                query_schema=f"{SCHEMAS}/snapshot.query.json",
                tags=("availability",),
            ),
            ApiRoute(
                "POST",
                "/inventory/counts",
                "inventory:write",
                f"{COUNTS}._api_post",
                summary="Send counted quantities (applied as Odoo inventory adjustments)",
                description="Counted quantity per SKU and location (or warehouse) and "
                "lot. Applied all or none, as Odoo's own inventory adjustments, so "
                "its move history and stock valuation stay right. Idempotent by "
                "count_id. An unknown SKU, location or lot, or a difference beyond "
                "the threshold set on your system, is answered 202: the count is "
                "kept, a person fixes the code or approves the count, and it is "
                "applied then (follow status_url).",
                request_schema=f"{SCHEMAS}/inventory.count.json",
                reference="/count_id",
                response_schema=f"{SCHEMAS}/inventory.count.result.json",
                success_status=201,
                idempotent=True,
                keep_message=True,
                tags=("inventory",),
            ),
        ]
