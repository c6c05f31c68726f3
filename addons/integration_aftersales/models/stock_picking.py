from odoo import _, fields, models
from odoo.exceptions import UserError, ValidationError

PENDING_RECEIVED = "integration_aftersales.return_received"


class StockPicking(models.Model):
    """A return picking of a partner's return (RMA): when it is done, the
    credit note per the system's policy and ``return.received``."""

    _inherit = "stock.picking"

    integration_return_id = fields.Many2one(
        "integration.return",
        string="Partner return",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The return (RMA) a partner system announced that this picking brings in.",
    )

    def _create_backorder_picking(self):
        """The rest of a return still expected stays with its return."""
        backorder = super()._create_backorder_picking()
        if self.integration_return_id:
            backorder.integration_return_id = self.integration_return_id
        return backorder

    def _action_done(self):
        result = super()._action_done()
        received = self.filtered(
            lambda p: p.state == "done" and p.integration_return_id
        )
        for rma, pickings in received.grouped("integration_return_id").items():
            pickings._integration_return_received(rma.sudo())
        return result

    def _integration_return_received(self, rma):
        """The goods of ``rma`` these pickings carried are in: credit them
        (a refusal becomes an exception, the reception stands), then say so."""
        rma.received_at = fields.Datetime.now()
        refund = self.env["account.move"]
        try:
            with self.env.cr.savepoint():
                refund = rma._integration_refund(self)
        except (UserError, ValidationError) as error:  # accounting refused
            rma._integration_refund_failed(error)
        rma.message_post(
            body=_(
                "Received: %(pickings)s.%(refund)s",
                pickings=", ".join(self.mapped("name")),
                refund=_(" Credit note %s.", refund.name or refund.display_name)
                if refund
                else "",
            )
        )
        if self.env.context.get("integration_no_events"):
            return
        self.env["integration.event"]._emit_many(
            [picking._integration_return_received_item(rma) for picking in self]
        )

    def _integration_return_received_item(self, rma):
        self.ensure_one()
        picking = self.sudo()
        system = rma.system_id
        order = rma.order_id
        Mapping = self.env["integration.mapping"].sudo()
        codes = Mapping.code_table(
            system, rma.line_ids.product_id, rma.line_ids.product_id.uom_id
        )
        reasons = Mapping.codes_for(
            system, rma.line_ids.reason_id, kind="return_reason"
        )
        here = rma._integration_received_by_line(picking)
        total = rma._integration_received_by_line()
        return {
            "type": "return.received",
            "record": picking,
            "system": system,
            "subject": f"returns/{rma.name}",
            "data": {
                "rma_ref": rma.name,
                "return_id": rma.id,
                "picking_id": picking.id,
                "picking_ref": picking.name,
                "order_ref": order.name,
                "external_ref": order.integration_external_ref or None,
                "status": rma.state,
                "received_at": picking.date_done,
                "lines": [
                    {
                        "product": line.product_id._integration_values(codes),
                        "quantity": line.quantity,
                        "received_quantity": here[line],
                        "received_total": total[line],
                        "uom": line.product_id.uom_id.name,
                        "uom_code": codes.get(line.product_id.uom_id, "uom"),
                        "reason": reasons.get(line.reason_id.id),
                        "disposition": line.disposition,
                    }
                    for line in rma.line_ids.sorted("sequence")
                ],
                "credit_notes": [
                    {
                        "id": move.id,
                        "number": move.name if move.state == "posted" else None,
                        "state": move.state,
                        "amount_total": move.amount_total,
                        "currency": move.currency_id.name,
                    }
                    for move in rma.refund_ids
                ],
            },
        }
