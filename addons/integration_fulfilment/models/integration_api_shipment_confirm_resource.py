from odoo import api, models

from odoo.addons.integration_api.tools.prefer import RESPOND_ASYNC
from odoo.addons.integration_api.tools.request import ApiError, ApiResult
from odoo.addons.integration_core.exceptions import IntegrationError

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
        """201 with the validated delivery, 200 for a repeat; 202 when queued
        (the system's setting, or ``Prefer: respond-async``)."""
        picking, done = self._api_check(api_request)
        if done:
            return done
        body = api_request.body
        if api_request.can_defer and (
            api_request.system.shipment_confirm_intake == "queued"
            or RESPOND_ASYNC in api_request.prefer
        ):
            return self._api_queue(api_request, picking)
        ship_date = self._ship_date(body.get("ship_date"))
        backorder = picking._integration_ship_confirm(
            api_request.system, body, ship_date
        )
        return self._result(201, picking, body, backorder=backorder)

    @api.model
    def _api_confirm_batch(self, api_requests):
        """Batch handler: the queued confirmations of one system, each
        checked and recorded in its own savepoint, then validated together
        in one ``button_validate``.

        :return: per request, an ``ApiResult`` or the ``IntegrationError``
            that keeps it waiting for a person
        :raise: anything else (a delivery twice in the batch, Odoo refusing
            the validation): the framework then runs each message alone
        """
        system = api_requests[0].system
        outcomes = [None] * len(api_requests)
        prepared = {}
        for index, api_request in enumerate(api_requests):
            try:
                with self.env.cr.savepoint():
                    picking, done = self._api_check(api_request)
                    if done:
                        outcomes[index] = done
                        continue
                    if picking in prepared.values():
                        raise ApiError(
                            409, "Conflict", f"{picking.name} twice in one batch."
                        )
                    ship_date = self._ship_date(api_request.body.get("ship_date"))
                    picking._integration_ship_confirm_prepare(system, api_request.body)
                    prepared[index] = picking
                    outcomes[index] = ship_date
            except IntegrationError as error:
                outcomes[index] = error
        pickings = (
            self.env["stock.picking"]
            .sudo()
            # validated together: each shipment.dispatched continues the
            # trace of the confirmation that shipped its delivery
            .with_context(
                integration_trace_by_picking={
                    picking.id: api_requests[index].trace_id
                    for index, picking in prepared.items()
                }
            )
            .browse([picking.id for picking in prepared.values()])
        )
        if pickings:
            pickings._integration_ship_confirm_validate(
                system, {prepared[i].id: outcomes[i] for i in prepared}
            )
        for index, picking in prepared.items():
            outcomes[index] = self._result(201, picking, api_requests[index].body)
        return outcomes

    @api.model
    def _api_queue(self, api_request, picking):
        message = api_request.message
        return ApiResult(
            202,
            {
                "message_id": message.id,
                "status": "queued",
                "status_url": f"/api/v1/messages/{message.id}",
                "reference": picking.name,
                "resource_url": f"/api/v1/shipments/{picking.id}",
            },
            headers={
                "Location": f"/api/v1/shipments/{picking.id}",
                "Preference-Applied": RESPOND_ASYNC,
            },
            defer=True,
            reference=picking.name,
        )

    @api.model
    def _api_check(self, api_request):
        """``(picking, result)``: the delivery, and the answer when there is
        nothing to do (a repeat); 404, 409 and 422 raised."""
        system = api_request.system
        body = api_request.body
        picking = self.env["integration.api.shipment.resource"]._find(
            system, api_request.path_params["ref"]
        )
        if picking.integration_shipment_id == body["shipment_id"]:
            return picking, self._result(200, picking, body, duplicate=True)
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
        self._ship_date(body.get("ship_date"))
        return picking, None

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
