from odoo import models

from odoo.addons.integration_api.tools.routes import ApiRoute

SCHEMAS = "integration_fulfilment/schemas/api"
CONFIRM = "integration.api.shipment.confirm.resource"


class IntegrationApiRouter(models.AbstractModel):
    _inherit = "integration.api.router"  # pylint: disable=consider-merging-classes-inherited

    def _api_routes(self):
        return super()._api_routes() + [
            ApiRoute(
                "POST",
                "/shipments/{ref}/confirm",
                "shipments:write",
                f"{CONFIRM}._api_confirm",
                summary="Confirm what the warehouse shipped (ship-confirm, X12 945)",
                description="For the warehouse (3PL, WMS) that runs the delivery's "
                "warehouse: the shipped quantity per SKU (your codes), lots or serial "
                "numbers, packages with their SSCC-18 (check digit verified) and "
                "weight, carrier and service (your codes), tracking numbers and the "
                "ship date. {ref} is the delivery's id or number, as for "
                "/shipments/{ref}/events. Odoo validates the delivery itself; what "
                "you did not ship stays in a backorder or is cancelled, per your "
                "system's policy. `shipment_id` is your shipment's id: the same "
                "confirmation again answers 200 and changes nothing (so does the "
                "same Idempotency-Key). A SKU not on the delivery, more than it "
                "asks for or a lot Odoo does not know is kept and answered 202 until "
                "a person fixes it. Odoo then sends shipment.dispatched with the "
                "packages and tracking numbers. Queued (your system's setting, or "
                "Prefer: respond-async): 202 at once, validated in batches; follow "
                "status_url.",
                request_schema=f"{SCHEMAS}/shipment.confirm.json",
                reference="{ref}",
                response_schema=f"{SCHEMAS}/shipment.confirm.result.json",
                success_status=201,
                idempotent=True,
                keep_message=True,
                batch_handler=f"{CONFIRM}._api_confirm_batch",
                tags=("shipments",),
            ),
        ]
