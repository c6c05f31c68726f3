from odoo import api, models

from odoo.addons.integration_api.tools.request import ApiResult
from odoo.addons.integration_core.exceptions import BusinessRuleError, UnmappedCodeError
from odoo.addons.integration_core.tools.mapping_codes import normalize_code

ROUTE = "POST /inventory/counts"


class IntegrationApiCountResource(models.AbstractModel):
    """``POST /api/v1/inventory/counts``: counted quantities from a WMS.

    Turns the request into ``stock.quant._integration_apply_count``; an
    unknown SKU, location or lot, or a difference beyond the system's
    threshold, is a problem a person can fix: the framework keeps the
    message, opens an exception and answers ``202``.
    """

    _name = "integration.api.count.resource"
    _description = "API resource: inventory counts"

    @api.model
    def _api_post(self, api_request):
        system = api_request.system
        body = api_request.body
        count_id = body["count_id"]
        done = self._already_applied(system, count_id, api_request.message)
        if done:
            return ApiResult(200, done.result_body, reference=count_id)
        lines = self._resolve(system, body["lines"])
        message = api_request.message
        approved = bool(message and message.count_approved_by_id)
        results = self.env["stock.quant"]._integration_apply_count(
            system, lines, count_id, approved=approved
        )
        return ApiResult(
            201,
            {
                "count_id": count_id,
                "status": "applied",
                "approved_by": message.count_approved_by_id.name if approved else None,
                "lines": [
                    {
                        "sku": line["sku"],
                        "location": line["location_code"],
                        "lot": line["lot"].name if line["lot"] else None,
                        **result,
                    }
                    for line, result in zip(lines, results, strict=True)
                ],
            },
            reference=count_id,
        )

    @api.model
    def _already_applied(self, system, count_id, message):
        """The message that applied this count already (a resend)."""
        return (
            self.env["integration.api.message"]
            .sudo()
            .search(
                [
                    ("system_id", "=", system.id),
                    ("route", "=", ROUTE),
                    ("reference", "=", count_id),
                    ("state", "=", "done"),
                    ("id", "!=", message.id if message else 0),
                ],
                limit=1,
            )
        )

    def _resolve(self, system, body_lines):
        Mapping = self.env["integration.mapping"].sudo()
        products = Mapping.resolve_many(
            system,
            "product",
            [line["sku"] for line in body_lines],
            pointers="/lines/{index}/sku",
        )
        default_location = system._availability_warehouses()[:1].lot_stock_id
        lines = []
        for index, line in enumerate(body_lines):
            product = products.get(normalize_code(line["sku"]))
            if not product:  # a blank code: nothing to look up
                raise UnmappedCodeError(
                    "product", line["sku"], pointer=f"/lines/{index}/sku", system=system
                )
            location = self._location(system, line, index, default_location)
            lot = self._lot(product, line, index)
            lines.append(
                {
                    "sku": line["sku"],
                    "product": product,
                    "location": location,
                    "location_code": line.get("location") or line.get("warehouse"),
                    "lot": lot,
                    "quantity": line["quantity"],
                    "pointer": f"/lines/{index}/quantity",
                }
            )
        return lines

    def _location(self, system, line, index, default_location):
        Mapping = self.env["integration.mapping"].sudo()
        if line.get("location"):
            location = Mapping.resolve(
                system, "location", line["location"], pointer=f"/lines/{index}/location"
            )
        elif line.get("warehouse"):
            warehouse = Mapping.resolve(
                system,
                "warehouse",
                line["warehouse"],
                pointer=f"/lines/{index}/warehouse",
            )
            location = warehouse.lot_stock_id
        else:
            location = default_location
        if not location or location.usage != "internal":
            raise UnmappedCodeError(
                "location",
                line.get("location") or line.get("warehouse") or "",
                pointer=f"/lines/{index}/location",
                system=system,
            )
        return location

    def _lot(self, product, line, index):
        Lot = self.env["stock.lot"].sudo()
        name = line.get("lot")
        if product.tracking == "none":
            if name:
                raise BusinessRuleError(
                    f"{product.display_name} is not tracked by lot or serial number",
                    pointer=f"/lines/{index}/lot",
                )
            return Lot
        if not name:
            raise BusinessRuleError(
                f"{product.display_name} is tracked: the count needs its lot or serial number",
                pointer=f"/lines/{index}/lot",
            )
        lot = Lot.search(
            [("product_id", "=", product.id), ("name", "=", name)], limit=1
        )
        if not lot:
            raise BusinessRuleError(
                f"Unknown lot {name!r} of {product.display_name}",
                pointer=f"/lines/{index}/lot",
                suggested_fix="Create the lot in Inventory (or correct the count), "
                "then reprocess the message.",
            )
        return lot
