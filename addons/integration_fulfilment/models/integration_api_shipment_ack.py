from odoo import api, models

from odoo.addons.integration_api.tools.request import ApiError, ApiResult


class IntegrationApiShipmentResource(models.AbstractModel):
    """``POST /api/v1/shipments/{ref}/ack``: the warehouse accepts or rejects
    a release. ``{ref}`` is found as for milestones (``_find``: another
    system's delivery is 404)."""

    _inherit = "integration.api.shipment.resource"

    @api.model
    def _api_post_ack(self, api_request):
        system = api_request.system
        picking = self._find(system, api_request.path_params["ref"])
        body = api_request.body
        if body["status"] == "rejected" and not body.get("reason"):
            raise ApiError(
                422,
                "Unprocessable Content",
                "A rejection says why, so that a person can act on it.",
                errors=[{"pointer": "/reason", "detail": "required when rejected"}],
                problem_type="validation-failed",
            )
        if picking.state == "cancel":
            raise ApiError(
                409,
                "Conflict",
                f"Shipment {picking.name} was cancelled.",
                problem_type="conflict",
            )
        release = picking._integration_current_release(system)
        if release is None:
            raise ApiError(
                409,
                "Conflict",
                f"Shipment {picking.name} has not been released to the warehouse yet.",
                problem_type="conflict",
            )
        if body.get("release") and body["release"] != release.release_number:
            raise ApiError(
                409,
                "Conflict",
                f"Release {body['release']} of {picking.name} was superseded by "
                f"release {release.release_number}: acknowledge that one.",
                errors=[
                    {
                        "pointer": "/release",
                        "detail": f"the current release is {release.release_number}",
                    }
                ],
                problem_type="conflict",
            )
        changed = release._integration_acknowledge(
            body["status"],
            reason=body.get("reason"),
            warehouse_reference=body.get("warehouse_reference"),
        )
        return ApiResult(
            200,
            self._ack_view(release, duplicate=not changed),
            records=picking,
            reference=picking.name,
        )

    @api.model
    def _ack_view(self, release, duplicate=False):
        picking = release.picking_id
        return {
            "shipment_id": picking.id,
            "shipment_ref": picking.name,
            "release": release.release_number,
            "status": release.state,
            "duplicate": duplicate,
            "late": release.breached,
            "acknowledged_at": release.acknowledged_at,
            "warehouse_reference": release.warehouse_reference or None,
            "ack_state": picking.integration_ack_state or None,
        }
