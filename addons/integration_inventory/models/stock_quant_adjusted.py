from odoo import models

DEFAULT_REASON = "Product Quantity Updated"


class StockQuant(models.Model):
    """``inventory.adjusted``: an applied count or adjustment (Odoo's
    inventory mode), one event per product and location, with the quantity
    before, the counted one and the difference."""

    _inherit = "stock.quant"  # pylint: disable=consider-merging-classes-inherited

    def _apply_inventory(self):
        if self.env.context.get("integration_no_events"):
            return super()._apply_inventory()
        before = [
            {
                "quant": quant,
                "product": quant.product_id,
                "location": quant.location_id,
                "lot": quant.lot_id,
                "quantity": quant.quantity,
                "counted": quant.inventory_quantity,
                "difference": quant.inventory_diff_quantity,
            }
            for quant in self
            if quant.inventory_quantity_set
        ]
        result = super()._apply_inventory()
        reason = self.env.context.get("inventory_name") or DEFAULT_REASON
        self.env["integration.event"]._emit_for_audiences(
            "inventory.adjusted",
            before,
            lambda row, system: self._integration_adjusted_item(row, reason, system),
        )
        return result

    def _integration_adjusted_item(self, row, reason, system):
        product, location = row["product"].sudo(), row["location"].sudo()
        warehouse = location.warehouse_id
        codes = self.env["integration.mapping"].code_table(
            system or None, product, product.uom_id, warehouse
        )
        return {
            "type": "inventory.adjusted",
            "record": product,
            "system": system or None,
            "subject": f"inventory/{warehouse.code or location.id}/{product.id}",
            "data": {
                "product": product._integration_event_values(codes if system else None),
                "warehouse": warehouse._integration_values(system or None, codes)
                if warehouse
                else None,
                "location": location.complete_name,
                "lot": row["lot"].name or None,
                "uom": product.uom_id.name,
                "uom_code": codes.get(product.uom_id, "uom"),
                "quantity_before": row["quantity"],
                "counted": row["counted"],
                "difference": row["difference"],
                "reason": reason,
            },
        }
