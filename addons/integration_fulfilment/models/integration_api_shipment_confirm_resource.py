from odoo import api, models

from odoo.addons.integration_api.tools.request import ApiError, ApiResult

from ..tools.ship_confirm import sscc_error


class IntegrationApiShipmentConfirmResource(models.AbstractModel):
    """``POST /api/v1/shipments/{ref}/confirm``: the warehouse's ship-confirm
    (X12 945 / 856: shipment -> pack (SSCC-18) -> item with lots).

    HTTP words stop here: which shipment, the SSCC check digits, the ship
    date, the answers; the picking validates itself
    (``stock.picking._integration_ship_confirm``).
    """

    _name = "integration.api.shipment.confirm.resource"
    _description = "API resource: ship-confirm"

    @api.model
    def _api_confirm(self, api_request):
        system = api_request.system
        body = api_request.body
        picking = self.env["integration.api.shipment.resource"]._find(
            system, api_request.path_params["ref"]
        )
        if picking.integration_shipment_id == body["shipment_id"]:
            return self._result(200, picking, body, duplicate=True)
        if picking.state in ("done", "cancel"):
            raise ApiError(
                409,
                "Conflict",
                f"{picking.name} is {picking.state} already"
                + (
                    f" (shipment {picking.integration_shipment_id})."
                    if picking.integration_shipment_id
                    else "."
                )
                + " Confirm what is left on its backorder.",
                problem_type="conflict",
            )
        self._check_packages(body)
        ship_date = self._ship_date(body.get("ship_date"))
        backorder = picking._integration_ship_confirm(system, body, ship_date)
        return self._result(201, picking, body, backorder=backorder)

    @api.model
    def _check_packages(self, body):
        """Every SSCC well formed with its check digit; every line's
        package one of the message's packages (422 with pointers)."""
        errors = []
        known = set()
        for index, package in enumerate(body.get("packages") or []):
            problem = sscc_error(package["sscc"])
            if problem:
                errors.append({"pointer": f"/packages/{index}/sscc", "detail": problem})
            elif package["sscc"] in known:
                errors.append(
                    {
                        "pointer": f"/packages/{index}/sscc",
                        "detail": "this SSCC is given twice",
                    }
                )
            known.add(package["sscc"])
        for index, line in enumerate(body["lines"]):
            if line.get("package") and line["package"] not in known:
                errors.append(
                    {
                        "pointer": f"/lines/{index}/package",
                        "detail": "not one of the SSCCs under /packages",
                    }
                )
        if errors:
            raise ApiError(
                422,
                "Unprocessable Content",
                "Packages are SSCC-18 with a valid GS1 check digit, each listed "
                "once under /packages.",
                errors=errors,
                problem_type="validation-failed",
            )

    @api.model
    def _ship_date(self, value):
        if not value:
            return None
        return self.env["integration.api.shipment.resource"]._time(value, "/ship_date")

    @api.model
    def _result(self, status, picking, body, duplicate=False, backorder=None):
        backorder = backorder or picking.sudo().backorder_ids.filtered(
            lambda p: p.state != "cancel"
        )
        cancelled = picking.sudo().move_ids.filtered(lambda m: m.state == "cancel")
        return ApiResult(
            status,
            {
                "shipment_id": body["shipment_id"],
                "duplicate": duplicate,
                "shipment": picking._integration_shipped_view(),
                "backorder": {"id": backorder[:1].id, "name": backorder[:1].name}
                if backorder
                else None,
                "rest_cancelled": bool(cancelled),
            },
            headers={"Location": f"/api/v1/shipments/{picking.id}"},
            records=picking,
            reference=picking.name,
        )

