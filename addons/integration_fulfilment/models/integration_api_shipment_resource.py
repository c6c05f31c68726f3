from odoo import api, models

from odoo.addons.integration_api.tools.request import ApiError, ApiResult
from odoo.addons.integration_core.exceptions import BusinessRuleError

from ..tools.milestones import RANKS, decode_attachment, parse_time

POD_TYPES = ("image/png", "image/jpeg", "application/pdf")
POD_MAX_BYTES_PARAM = "integration_fulfilment.pod_max_bytes"
POD_MAX_BYTES = 1024 * 1024
VIEW_FIELDS = [
    "name",
    "sale_id",
    "state",
    "integration_tracking_status",
    "integration_tracking_status_at",
    "integration_eta",
    "integration_delivered_at",
    "integration_pod_receiver",
]
MILESTONE_VIEW_FIELDS = [
    "status",
    "carrier_status",
    "substatus",
    "occurred_at",
    "location",
    "applied",
]


class IntegrationApiShipmentResource(models.AbstractModel):
    """``/api/v1/shipments/{ref}``: tracking milestones and proof of delivery.

    HTTP words stop here; the picking records milestones
    (``stock.picking._integration_record_milestone``).
    """

    _name = "integration.api.shipment.resource"
    _description = "API resource: shipments"

    # ------------------------------------------------------------------
    # POST /shipments/{ref}/events
    # ------------------------------------------------------------------
    @api.model
    def _api_post_event(self, api_request):
        system = api_request.system
        picking = self._find(
            system, api_request.path_params["ref"], api_request.company_id
        )
        # one read of what recording the milestone and the answer need
        picking.fetch(VIEW_FIELDS + ["company_id"])
        body = api_request.body
        status = self._status(system, body)
        values = {
            "status": status,
            "occurred_at": self._time(body["occurred_at"], "/occurred_at"),
            "eta": self._time(body["eta"], "/eta") if body.get("eta") else None,
            "carrier_status": body.get("carrier_status"),
            "substatus": body.get("substatus"),
            "description": body.get("description"),
            "location": self._location_text(body.get("location")),
            "event_id": body.get("event_id"),
        }
        pod = self._pod(body.get("proof_of_delivery"), status)
        milestone, created = picking._integration_record_milestone(
            system, values, pod=pod
        )
        shipment = self._view(picking)  # reads the new milestone's fields too
        return ApiResult(
            201 if created else 200,
            {
                "milestone_id": milestone.id,
                "duplicate": not created,
                "applied": milestone.applied,
                "shipment": shipment,
            },
            records=picking,
            reference=picking.name,
        )

    def _status(self, system, body):
        if body.get("status"):
            return body["status"]
        if not body.get("carrier_status"):
            raise ApiError(
                422,
                "Unprocessable Content",
                "A milestone needs a status (common vocabulary) or the carrier's word.",
                errors=[
                    {
                        "pointer": "/status",
                        "detail": "status or carrier_status is required",
                    }
                ],
                problem_type="validation-failed",
            )
        word = (
            self.env["integration.mapping"]
            .sudo()
            .resolve(
                system, "status", body["carrier_status"], pointer="/carrier_status"
            )
        )
        if word not in RANKS:
            raise BusinessRuleError(
                f"The status mapping of {body['carrier_status']!r} says {word!r}, which is "
                f"not one of {', '.join(RANKS)}",
                pointer="/carrier_status",
                suggested_fix="Correct the status-word mapping, then reprocess the message.",
            )
        return word

    @api.model
    def _time(self, value, pointer):
        try:
            return parse_time(value)
        except ValueError as exc:
            raise ApiError(
                422,
                "Unprocessable Content",
                "Times are ISO 8601 with their UTC offset, e.g. 2026-12-01T14:05:00+01:00.",
                errors=[{"pointer": pointer, "detail": str(exc)}],
                problem_type="validation-failed",
            ) from exc

    @api.model
    def _location_text(self, location):
        if not location:
            return None
        if isinstance(location, str):
            return location
        parts = [location.get(k) for k in ("city", "state", "zip", "country")]
        return ", ".join(p for p in parts if p) or None

    def _pod(self, pod, status):
        if not pod:
            return None
        if status != "delivered":
            raise ApiError(
                422,
                "Unprocessable Content",
                "A proof of delivery comes with the delivered milestone only.",
                errors=[
                    {
                        "pointer": "/proof_of_delivery",
                        "detail": "status is not delivered",
                    }
                ],
                problem_type="validation-failed",
            )
        values = {"receiver_name": pod.get("received_by")}
        attachment = pod.get("signature") or pod.get("photo")
        if attachment:
            pointer = "/proof_of_delivery/" + (
                "signature" if pod.get("signature") else "photo"
            )
            limit = int(
                self.env["ir.config_parameter"]
                .sudo()
                .get_param(POD_MAX_BYTES_PARAM, POD_MAX_BYTES)
            )
            try:
                raw = decode_attachment(attachment["data"], limit)
            except ValueError as exc:
                raise ApiError(
                    413 if "allowed" in str(exc) else 422,
                    "Content Too Large"
                    if "allowed" in str(exc)
                    else "Unprocessable Content",
                    f"The proof of delivery must be base64, at most {limit} bytes.",
                    errors=[{"pointer": f"{pointer}/data", "detail": str(exc)}],
                    problem_type="payload-too-large"
                    if "allowed" in str(exc)
                    else "validation-failed",
                ) from exc
            values.update(
                raw=raw,
                mimetype=attachment["content_type"],
                name=attachment.get("name"),
            )
        return values

    # ------------------------------------------------------------------
    # GET /shipments/{ref}
    # ------------------------------------------------------------------
    @api.model
    def _api_get(self, api_request):
        picking = self._find(
            api_request.system, api_request.path_params["ref"], api_request.company_id
        )
        return ApiResult(200, self._view(picking))

    @api.model
    def _find(self, system, ref, company_id=None):
        """The outgoing delivery ``ref`` (its id, number or tracking number)
        of this system; another system's is "not found" (404, not 403).

        :param company_id: the system's company when known
            (``ApiRequest.company_id``), which spares reading the system
        """
        Picking = self.env["stock.picking"].sudo()
        company_id = company_id or system.company_id.id
        if ref.isdigit() and len(ref) < 10:
            # by id (what carriers post): one query for the search and the
            # belonging check; another system's delivery is not found
            found, belongs = Picking._integration_find_outgoing(
                int(ref), company_id, system
            )
            if belongs:
                return Picking.browse(int(ref))
            if found:
                raise self._not_found(ref)
        domain = [
            ("picking_type_code", "=", "outgoing"),
            ("company_id", "=", company_id),
        ]
        by = [("name", "=", ref)]
        if "carrier_tracking_ref" in Picking._fields:
            by = ["|", ("name", "=", ref), ("carrier_tracking_ref", "=", ref)]
        candidates = Picking.search(domain + by, limit=5)
        picking = candidates._integration_belonging_to(system)[:1]
        if not picking:
            raise self._not_found(ref)
        return picking

    @api.model
    def _not_found(self, ref):
        return ApiError(
            404,
            "Not Found",
            f"No shipment {ref} of this system.",
            problem_type="not-found",
        )

    @api.model
    def _view(self, picking):
        # only what the view shows: reading one field of a picking would
        # fetch all of its hundred columns
        picking.fetch(VIEW_FIELDS)
        order = picking.sale_id
        # two fields, not the order's whole row (about a hundred columns)
        order.fetch(["name", "integration_external_ref"])
        milestones = (
            self.env["integration.shipment.milestone"]
            .sudo()
            .search_fetch(
                [("picking_id", "=", picking.id)],
                MILESTONE_VIEW_FIELDS,
                order="occurred_at, id",
            )
        )
        return {
            "id": picking.id,
            "name": picking.name,
            "order_ref": order.name or None,
            "external_ref": order.integration_external_ref or None,
            "state": picking.state,
            "tracking_status": picking.integration_tracking_status or None,
            "status_since": picking.integration_tracking_status_at,
            "eta": picking.integration_eta,
            "delivered_at": picking.integration_delivered_at,
            "received_by": picking.integration_pod_receiver or None,
            "milestones": [
                {
                    "id": milestone.id,
                    "status": milestone.status,
                    "carrier_status": milestone.carrier_status or None,
                    "substatus": milestone.substatus or None,
                    "occurred_at": milestone.occurred_at,
                    "location": milestone.location or None,
                    "applied": milestone.applied,
                }
                for milestone in milestones
            ],
        }
