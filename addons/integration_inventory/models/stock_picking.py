from odoo import models

PENDING_RECEIVED = "integration_inventory.receipt_validated"


class StockPicking(models.Model):
    """``receipt.validated``: a receipt was done (861), written at commit
    time in the same transaction, as ``shipment.dispatched`` is."""

    _inherit = "stock.picking"

    def _action_done(self):
        result = super()._action_done()
        receipts = self.filtered(
            lambda p: p.state == "done" and p.picking_type_code == "incoming"
        )
        if receipts and not self.env.context.get("integration_no_events"):
            precommit = self.env.cr.precommit
            pending = precommit.data.get(PENDING_RECEIVED)
            if pending is None:
                pending = precommit.data[PENDING_RECEIVED] = []
                env = self.env

                @precommit.add
                def emit():
                    ids = precommit.data.pop(PENDING_RECEIVED, [])
                    pickings = env["stock.picking"].browse(dict.fromkeys(ids)).exists()
                    pickings._integration_emit_receipt_validated()
                    env.flush_all()  # the commit does not flush after precommit hooks

            pending.extend(receipts.ids)
        return result

    def _integration_emit_receipt_validated(self):
        return self.env["integration.event"]._emit_for_audiences(
            "receipt.validated",
            self,
            lambda picking, system: picking._integration_receipt_item(system),
        )

    def _integration_receipt_item(self, system):
        self.ensure_one()
        picking = self.sudo()
        moves = picking.move_ids.filtered(lambda m: m.state == "done")
        warehouse = picking.picking_type_id.warehouse_id
        purchase = picking["purchase_id"] if "purchase_id" in picking._fields else None
        codes = self.env["integration.mapping"].code_table(
            system or None,
            moves.product_id,
            moves.product_uom,
            picking.partner_id,
            warehouse,
        )
        return {
            "type": "receipt.validated",
            "record": picking,
            "system": system or None,
            "subject": f"receipts/{picking.name}",
            "data": {
                "id": picking.id,
                "name": picking.name,
                "origin": picking.origin or None,
                "purchase_ref": purchase.name if purchase else None,
                "supplier": {
                    "id": picking.partner_id.id,
                    "name": picking.partner_id.display_name,
                    "code": codes.get(picking.partner_id)
                    or picking.partner_id.ref
                    or None,
                }
                if picking.partner_id
                else None,
                "date_done": picking.date_done,
                "warehouse": warehouse._integration_values(system or None, codes)
                if warehouse
                else None,
                "lines": [
                    {
                        "id": move.id,
                        "product": move.product_id._integration_event_values(
                            codes if system else None
                        ),
                        "quantity": move.quantity,
                        "expected": move.product_uom_qty,
                        "uom": move.product_uom.name,
                        "uom_code": codes.get(move.product_uom, "uom"),
                        "lots": sorted(
                            {ml.lot_id.name or ml.lot_name for ml in move.move_line_ids}
                            - {False, None, ""}
                        ),
                    }
                    for move in moves
                ],
            },
        }
