from odoo import api, fields, models

from odoo.addons.integration_api.tools.request import ApiError, ApiResult
from odoo.addons.integration_core.tools.mapping_codes import normalize_code

from ..tools.availability import decode_cursor, encode_cursor, promise

DEFAULT_PAGE = 100


class IntegrationApiAvailabilityResource(models.AbstractModel):
    """``/api/v1/availability``: availability to promise, in the caller's codes.

    HTTP words stop here: the figures come from
    ``product.product._integration_stock_figures`` and the channel's
    allocation from ``integration.system``. Results are per line: a code the
    system has not mapped is reported in its line, never fails the call.
    """

    _name = "integration.api.availability.resource"
    _description = "API resource: availability"

    # ------------------------------------------------------------------
    # GET /availability
    # ------------------------------------------------------------------
    @api.model
    def _api_get(self, api_request):
        system = api_request.system
        query = api_request.query
        warehouses, warehouse_errors = self._warehouses(system, query.get("warehouse"))
        if query.get("sku"):
            products, items = self._products_by_sku(system, query["sku"])
            next_cursor = None
        else:
            products, next_cursor = self._page(
                system, query.get("cursor"), query.get("limit") or DEFAULT_PAGE
            )
            items = []
        items += self._availability_items(system, products, warehouses)
        return ApiResult(
            200,
            {
                "system": api_request.system_code,
                "as_of": fields.Datetime.now(),
                "items": items + warehouse_errors,
                "next": next_cursor,
            },
        )

    def _availability_items(self, system, products, warehouses):
        if not products or not warehouses:
            return []
        figures = products._integration_stock_figures(warehouses, system=system)
        incoming = products._integration_incoming(warehouses)
        units = products._integration_units()
        uoms = self.env["uom.uom"].browse({unit[0] for unit in units.values()})
        codes = self.env["integration.mapping"].code_table(
            system, products, uoms, warehouses
        )
        warehouse_codes = [
            (warehouse.id, codes.get(warehouse, "warehouse") or warehouse.code)
            for warehouse in warehouses
        ]
        uom_codes = {uom.id: codes.get(uom, "uom") for uom in uoms}
        items = []
        for product in products:
            sku = self._sku(system, product, codes)
            uom_id, uom_name, _rounding, _units = units[product.id]
            for warehouse_id, warehouse_code in warehouse_codes:
                key = (product.id, warehouse_id)
                receipts = incoming.get(key)
                items.append(
                    {
                        "sku": sku,
                        "product_id": product.id,
                        "warehouse": warehouse_code,
                        "uom": uom_name,
                        "uom_code": uom_codes[uom_id],
                        **figures[key],
                        "next_incoming": {
                            "quantity": receipts[0][1],
                            "date": receipts[0][0],
                        }
                        if receipts
                        else None,
                    }
                )
        return items

    @api.model
    def _sku(self, system, product, codes):
        return codes.get(product, "product") or product.default_code or str(product.id)

    def _products_by_sku(self, system, skus):
        """The products the system means by ``skus``, and an error line per
        code it has not mapped."""
        Mapping = self.env["integration.mapping"]
        found = Mapping.sudo().resolve_many(
            system, "product", skus, raise_if_missing=False
        )
        errors, product_ids = [], []
        for index, sku in enumerate(skus):
            product = found.get(normalize_code(sku))
            if product:
                product_ids.append(product.id)
            else:
                errors.append(
                    self._unmapped_line("sku", sku, f"/sku/{index}", "product")
                )
        products = self.env["product.product"].browse(dict.fromkeys(product_ids))
        return products.sudo().with_company(system.company_id), errors

    def _page(self, system, cursor, limit):
        """One page of the system's stocked products, oldest first."""
        after = 0
        if cursor:
            try:
                after = decode_cursor(cursor)
            except ValueError as exc:
                raise ApiError(
                    400,
                    "Bad Request",
                    "Pass the 'next' value of the previous page as it was.",
                    errors=[{"pointer": "/cursor", "detail": str(exc)}],
                    problem_type="malformed-request",
                ) from exc
        products = (
            self.env["product.product"]
            .sudo()
            .with_company(system.company_id)
            .search(
                self._stocked_domain(system) + [("id", ">", after)],
                order="id",
                limit=limit + 1,
            )
        )
        page = products[:limit]
        return page, encode_cursor(page[-1].id) if len(products) > limit else None

    @api.model
    def _stocked_domain(self, system):
        return [
            ("is_storable", "=", True),
            ("sale_ok", "=", True),
            ("company_id", "in", (False, system.company_id.id)),
        ]

    def _warehouses(self, system, codes):
        """The warehouses asked for (the system's codes), or all that feed
        the system; an error line per code that is unknown or does not feed it."""
        allowed = system._availability_warehouses()
        if not codes:
            return allowed, []
        found = (
            self.env["integration.mapping"]
            .sudo()
            .resolve_many(system, "warehouse", codes, raise_if_missing=False)
        )
        warehouses, errors = self.env["stock.warehouse"].sudo(), []
        for index, code in enumerate(codes):
            warehouse = found.get(normalize_code(code))
            if warehouse and warehouse in allowed:
                warehouses |= warehouse
            else:
                errors.append(
                    self._unmapped_line(
                        "warehouse", code, f"/warehouse/{index}", "warehouse"
                    )
                )
        return warehouses, errors

    @api.model
    def _unmapped_line(self, member, code, pointer, kind):
        return {
            member: code,
            "error": {
                "code": "unmapped_code",
                "kind": kind,
                "pointer": pointer,
                "detail": f"Unknown {kind} code {code!r} for this system"
                + (
                    " (or it does not feed this channel)" if kind == "warehouse" else ""
                ),
            },
        }

    # ------------------------------------------------------------------
    # POST /availability/check
    # ------------------------------------------------------------------
    @api.model
    def _api_check(self, api_request):
        """Can these lines be promised? Reads only, one round trip."""
        system = api_request.system
        lines = api_request.body["lines"]
        allowed = system._availability_warehouses()
        skus = [line["sku"] for line in lines]
        found = (
            self.env["integration.mapping"]
            .sudo()
            .resolve_many(system, "product", skus, raise_if_missing=False)
        )
        wanted_codes = [line["warehouse"] for line in lines if line.get("warehouse")]
        found_warehouses = (
            self.env["integration.mapping"]
            .sudo()
            .resolve_many(system, "warehouse", wanted_codes, raise_if_missing=False)
            if wanted_codes
            else {}
        )
        products = self.env["product.product"].sudo()
        requests, answers = [], []
        for index, line in enumerate(lines):
            product = found.get(normalize_code(line["sku"]))
            if not product:
                answers.append(
                    self._unmapped_line(
                        "sku", line["sku"], f"/lines/{index}/sku", "product"
                    )
                )
                continue
            candidates = allowed
            if line.get("warehouse"):
                warehouse = found_warehouses.get(normalize_code(line["warehouse"]))
                if not warehouse or warehouse not in allowed:
                    answers.append(
                        self._unmapped_line(
                            "warehouse",
                            line["warehouse"],
                            f"/lines/{index}/warehouse",
                            "warehouse",
                        )
                    )
                    continue
                candidates = warehouse
            products |= product
            requests.append(
                (
                    index,
                    {
                        "product": product.id,
                        "quantity": line["quantity"],
                        "date": self._wanted_date(line.get("date"), index),
                        "warehouses": candidates.ids,
                    },
                )
            )
            answers.append(None)
        results = self._promise(system, products, allowed, [r for _i, r in requests])
        codes = self.env["integration.mapping"].code_table(system, allowed)
        by_index = dict(zip((i for i, _r in requests), results, strict=True))
        out = []
        for index, line in enumerate(lines):
            if answers[index] is not None:
                out.append(answers[index])
                continue
            result = by_index[index]
            warehouse = self.env["stock.warehouse"].sudo().browse(result["warehouse"])
            out.append(
                {
                    "sku": line["sku"],
                    **result,
                    "warehouse": (codes.get(warehouse, "warehouse") or warehouse.code)
                    if warehouse
                    else None,
                    "date": line.get("date"),
                }
            )
        return ApiResult(200, {"system": api_request.system_code, "lines": out})

    @api.model
    def _wanted_date(self, value, index):
        if not value:
            return None
        try:
            return fields.Date.to_date(value)
        except ValueError as exc:
            raise ApiError(
                422,
                "Unprocessable Content",
                "A wanted date is a day written YYYY-MM-DD.",
                errors=[
                    {
                        "pointer": f"/lines/{index}/date",
                        "detail": f"{value!r} is not a date",
                    }
                ],
                problem_type="validation-failed",
            ) from exc

    def _promise(self, system, products, warehouses, lines):
        if not lines:
            return []
        products = products.with_company(system.company_id)
        figures = products._integration_stock_figures(warehouses, system=system)
        incoming = products._integration_incoming(warehouses)
        available = {key: row["available_to_sell"] for key, row in figures.items()}
        # outgoing demand Odoo could not reserve yet waits for the receipts
        backlog = {
            key: max(0.0, row["outgoing"] - row["reserved"])
            for key, row in figures.items()
        }
        return promise(lines, available, incoming, backlog=backlog)
