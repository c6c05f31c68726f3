from odoo import models

from odoo.addons.integration_api.tools.routes import ApiRoute

from .integration_api_router import SCHEMAS, SHIPMENTS


class IntegrationApiRouter(models.AbstractModel):
    """The release acknowledgement route, next to the milestone routes."""

    _inherit = "integration.api.router"  # pylint: disable=consider-merging-classes-inherited

    def _api_routes(self):
        return super()._api_routes() + [
            ApiRoute(
                "POST",
                "/shipments/{ref}/ack",
                "shipments:write",
                f"{SHIPMENTS}._api_post_ack",
                summary="Acknowledge a release (accept or reject it)",
                description="For the warehouse (WMS / 3PL) a delivery was released to "
                "(shipment.released): accepted, or rejected with a reason, and its "
                "own reference for the order. {ref} is the shipment's id, number or "
                "tracking number. The same answer again changes nothing (200, "
                "duplicate: true); a changed answer is applied. A rejection opens "
                "an exception for a person, who releases the delivery again once "
                "it is dealt with (a new release number: acknowledge the current "
                "one, or leave release out). An answer after the system's window "
                "is recorded as late and resolves the SLA breach exception. 409 "
                "for a delivery not released yet, cancelled, or a superseded "
                "release.",
                request_schema=f"{SCHEMAS}/shipment.ack.json",
                reference="{ref}",
                response_schema=f"{SCHEMAS}/shipment.ack.result.json",
                success_status=200,
                idempotent=True,
                keep_message=True,
                tags=("shipments",),
            ),
        ]
