from odoo import models

from odoo.addons.integration_api.tools.routes import ApiRoute

SCHEMAS = "integration_fulfilment/schemas/api"
SHIPMENTS = "integration.api.shipment.resource"


class IntegrationApiRouter(models.AbstractModel):
    _inherit = "integration.api.router"

    def _api_routes(self):
        return super()._api_routes() + [
            ApiRoute(
                "POST",
                "/shipments/{ref}/events",
                "shipments:write",
                f"{SHIPMENTS}._api_post_event",
                summary="Post a carrier milestone (and the proof of delivery)",
                description="For a carrier, a TMS or a tracking aggregator: the status "
                "in the common vocabulary, or your own word (translated by your "
                "status-word mappings), with its time and UTC offset, location and "
                "new ETA. {ref} is the shipment's id, number or tracking number. "
                "Milestones may come in any order and more than once: a repeat "
                "(same event_id, or same status, time and word) answers 200 and "
                "changes nothing, a late or stale one is kept in the timeline but "
                "never moves the shipment backwards. 'delivered' may carry the proof "
                "of delivery (received_by, a signature or photo as base64, at most "
                "1 MiB) and sends delivery.confirmed; 'failure' and 'return_to_sender' "
                "open an exception for a person. An unknown carrier word is kept and "
                "answered 202 until it is mapped.",
                request_schema=f"{SCHEMAS}/shipment.event.json",
                reference="{ref}",
                response_schema=f"{SCHEMAS}/shipment.event.result.json",
                success_status=201,
                idempotent=True,
                keep_message=True,
                tags=("shipments",),
            ),
            ApiRoute(
                "GET",
                "/shipments/{ref}",
                "shipments:write",
                f"{SHIPMENTS}._api_get",
                summary="A shipment's tracking status, ETA and timeline",
                response_schema=f"{SCHEMAS}/shipment.view.json",
                tags=("shipments",),
            ),
        ]
