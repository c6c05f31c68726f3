from odoo import models


class PurchaseOrder(models.Model):
    """``purchase.confirmed``: supply that will change the forecast (850)."""

    _inherit = "purchase.order"

    def button_approve(self, force=False):
        todo = self.filtered(
            lambda order: order.state in ("draft", "sent", "to approve")
        )
        result = super().button_approve(force=force)
        confirmed = todo.filtered(lambda order: order.state in ("purchase", "done"))
        if confirmed and not self.env.context.get("integration_no_events"):
            confirmed._integration_emit_purchase_confirmed()
        return result

    def _integration_emit_purchase_confirmed(self):
        return self.env["integration.event"]._emit_for_audiences(
            "purchase.confirmed",
            self,
            lambda order, system: order._integration_purchase_confirmed_item(system),
        )

    def _integration_purchase_confirmed_item(self, system):
        self.ensure_one()
        order = self.sudo()
        lines = order.order_line.filtered(lambda line: not line.display_type)
        warehouse = order.picking_type_id.warehouse_id
        codes = self.env["integration.mapping"].code_table(
            system or None,
            order.partner_id,
            lines.product_id,
            lines.product_uom,
            warehouse,
        )
        return {
            "type": "purchase.confirmed",
            "record": order,
            "system": system or None,
            "subject": f"purchases/{order.name}",
            "data": {
                "id": order.id,
                "name": order.name,
                "partner_ref": order.partner_ref or None,
                "supplier": {
                    "id": order.partner_id.id,
                    "name": order.partner_id.display_name,
                    "code": codes.get(order.partner_id) or order.partner_id.ref or None,
                },
                "currency": order.currency_id.name,
                "amount_total": order.amount_total,
                "date_approve": order.date_approve,
                "date_planned": order.date_planned,
                "warehouse": warehouse._integration_values(system or None, codes)
                if warehouse
                else None,
                "lines": [
                    {
                        "id": line.id,
                        "product": line.product_id._integration_event_values(
                            codes if system else None
                        ),
                        "quantity": line.product_qty,
                        "uom": line.product_uom.name,
                        "uom_code": codes.get(line.product_uom, "uom"),
                        "price_unit": line.price_unit,
                        "date_planned": line.date_planned,
                    }
                    for line in lines
                ],
            },
        }
