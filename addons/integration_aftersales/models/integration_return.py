from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.tools.float_utils import float_compare

from odoo.addons.integration_core.exceptions import BusinessRuleError
from odoo.addons.integration_core.tools.mapping_codes import normalize_code

from ..exceptions import ReturnRefused
from ..tools.returns import allocate, over_returns

RETURNS_URL = "/api/v1/returns"


class IntegrationReturn(models.Model):
    """A return a partner system announced (an RMA), by its reference.

    Odoo's own return pickings (``stock.return.picking``) bring the goods
    back, one per delivery they came from; this record ties them to the
    partner's reference, its lines (reason, expected disposition) and the
    credit note, so that the same reference again finds the same return.
    """

    _name = "integration.return"
    _description = "Partner return (RMA)"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(string="RMA reference", required=True, readonly=True, index=True)
    system_id = fields.Many2one(
        "integration.system", required=True, readonly=True, ondelete="restrict"
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    order_id = fields.Many2one("sale.order", required=True, readonly=True, index=True)
    partner_id = fields.Many2one(related="order_id.partner_id", string="Customer")
    line_ids = fields.One2many(
        "integration.return.line", "return_id", string="Lines", readonly=True
    )
    picking_ids = fields.One2many(
        "stock.picking", "integration_return_id", string="Return pickings"
    )
    refund_ids = fields.Many2many(
        "account.move",
        "integration_return_account_move_rel",
        "return_id",
        "move_id",
        string="Credit notes",
        readonly=True,
    )
    note = fields.Text(readonly=True)
    state = fields.Selection(
        [
            ("announced", "Announced"),
            ("partially_received", "Partially received"),
            ("received", "Received"),
            ("cancelled", "Cancelled"),
        ],
        compute="_compute_state",
        store=True,
        index=True,
    )
    received_at = fields.Datetime(readonly=True, copy=False)

    _sql_constraints = [
        (
            "system_name_uniq",
            "unique(system_id, name)",
            "A system announces a return reference only once.",
        ),
    ]

    @api.depends("picking_ids.state")
    def _compute_state(self):
        for rma in self:
            states = set(rma.picking_ids.mapped("state")) - {"cancel"}
            if not states:
                rma.state = "cancelled" if rma.picking_ids else "announced"
            elif states == {"done"}:
                rma.state = "received"
            elif "done" in states:
                rma.state = "partially_received"
            else:
                rma.state = "announced"

    # ------------------------------------------------------------------
    # Business methods of POST /api/v1/returns
    # ------------------------------------------------------------------
    @api.model
    def _integration_find_for_channel(self, system, ref):
        """The return ``ref`` of ``system``; another system's is not found."""
        return self.sudo().search(
            [("system_id", "=", system.id), ("name", "=", (ref or "").strip())],
            limit=1,
        )

    @api.model
    def _integration_create_from_channel(self, system, payload):
        """Announce the return ``payload`` describes; ``(return, created)``.

        The same ``rma_ref`` again returns the first one, changing nothing.

        :raise UnmappedCodeError: a SKU or reason code without a mapping
        :raise ReturnRefused: an order the system does not have, a SKU not
            on it, more than was delivered and not yet returned
        """
        existing = self._integration_find_for_channel(system, payload["rma_ref"])
        if existing:
            return existing, False
        order = (
            self.env["sale.order"]
            .sudo()
            ._integration_find_for_channel(system, payload["order_ref"])
            .sudo()
        )
        if not order or order.state not in ("sale", "done"):
            raise ReturnRefused(
                _("No confirmed order %s of this system.", payload["order_ref"]),
                [{"pointer": "/order_ref", "detail": "no such order of this system"}],
            )
        lines = payload["lines"]
        Mapping = self.env["integration.mapping"].sudo()
        products = Mapping.resolve_many(
            system,
            "product",
            [line["sku"] for line in lines],
            pointers="/lines/{index}/sku",
        )
        reasons = Mapping.resolve_many(
            system,
            "return_reason",
            [line["reason"] for line in lines],
            pointers="/lines/{index}/reason",
        )
        resolved = [
            (
                products[normalize_code(line["sku"])],
                reasons[normalize_code(line["reason"])],
            )
            for line in lines
        ]
        # Two returns of one order at once must not both take what is left:
        # touching the order's row makes the later transaction wait, then
        # fail with a serialization error (REPEATABLE READ) and be retried
        # by Odoo, seeing the first return.
        self.env.cr.execute(
            "UPDATE sale_order SET write_date = write_date WHERE id = %s", [order.id]
        )
        delivered = order._integration_returnable_moves()
        self._integration_check_lines(order, lines, resolved, delivered)
        rma = self.sudo().create(
            {
                "name": payload["rma_ref"].strip(),
                "system_id": system.id,
                "company_id": order.company_id.id,
                "order_id": order.id,
                "note": payload.get("note"),
                "line_ids": [
                    Command.create(
                        {
                            "sequence": index,
                            "product_id": product.id,
                            "sale_line_id": delivered[product][0][0].sale_line_id.id
                            if delivered.get(product)
                            else False,
                            "quantity": line["quantity"],
                            "reason_id": reason.id,
                            "disposition": line.get("disposition") or "restock",
                            "note": line.get("note"),
                        }
                    )
                    for index, (line, (product, reason)) in enumerate(
                        zip(lines, resolved, strict=True)
                    )
                ],
            }
        )
        rma._integration_create_pickings(delivered)
        return rma, True

    @api.model
    def _integration_check_lines(self, order, lines, resolved, delivered):
        """Refuse SKUs not on ``order`` and quantities beyond what was
        delivered and is not returned (or announced for return) yet."""
        ordered = order.order_line.product_id
        errors = [
            {
                "pointer": f"/lines/{index}/sku",
                "detail": f"{line['sku']} is not on order {order.name}",
            }
            for index, (line, (product, _reason)) in enumerate(
                zip(lines, resolved, strict=True)
            )
            if product not in ordered
        ]
        if errors:
            raise ReturnRefused(_("A SKU is not on the order."), errors)
        returnable = {
            product: sum(qty for _move, qty in moves)
            for product, moves in delivered.items()
        }
        beyond = over_returns(
            [
                (index, product, line["quantity"])
                for index, (line, (product, _reason)) in enumerate(
                    zip(lines, resolved, strict=True)
                )
            ],
            returnable,
        )
        if beyond:
            raise ReturnRefused(
                _("More than was delivered and not yet returned."),
                [
                    {
                        "pointer": f"/lines/{index}/quantity",
                        "detail": f"{asked:g} asked, {left:g} delivered and not "
                        "yet returned",
                    }
                    for index, asked, left in beyond
                ],
            )

    def _integration_create_pickings(self, delivered):
        """Odoo's return wizard, once per delivery the goods came from."""
        self.ensure_one()
        by_move = defaultdict(float)
        for product, quantity in self._integration_quantities_by_product().items():
            taken, _rest = allocate(quantity, delivered.get(product, []))
            for move, qty in taken:
                by_move[move] += qty
        pickings = defaultdict(dict)
        for move, qty in by_move.items():
            pickings[move.picking_id][move] = qty
        Wizard = self.env["stock.return.picking"].sudo().with_company(self.company_id)
        for picking, quantities in pickings.items():
            wizard = Wizard.with_context(
                active_id=picking.id, active_model="stock.picking"
            ).create({"picking_id": picking.id})
            for wizard_line in wizard.product_return_moves:
                wizard_line.quantity = quantities.get(wizard_line.move_id, 0)
                if "to_refund" in wizard_line._fields:
                    wizard_line.to_refund = True
            returned = wizard._create_return()
            returned.write(
                {
                    "integration_return_id": self.id,
                    "origin": f"{self.name} ({picking.name})",
                }
            )

    def _integration_quantities_by_product(self):
        quantities = defaultdict(float)
        for line in self.line_ids:
            quantities[line.product_id] += line.quantity
        return quantities

    def _integration_received_by_line(self, pickings=None):
        """``{line: quantity received}``: the done return moves of each
        product spread over the lines of that product, in line order."""
        self.ensure_one()
        pickings = self.picking_ids if pickings is None else pickings
        moves = pickings.move_ids.filtered(lambda m: m.state == "done")
        received = {}
        for product, lines in self.line_ids.grouped("product_id").items():
            done = sum(
                move.product_uom._compute_quantity(move.quantity, product.uom_id)
                for move in moves
                if move.product_id == product
            )
            taken, _rest = allocate(
                done, [(line, line.quantity) for line in lines.sorted("sequence")]
            )
            received.update(taken)
        return {line: received.get(line, 0.0) for line in self.line_ids}

    # ------------------------------------------------------------------
    # The credit note, when the goods are in
    # ------------------------------------------------------------------
    def _integration_refund(self, pickings):
        """Credit what ``pickings`` brought back and was invoiced, per the
        system's policy; the credit note or an empty recordset.

        Odoo's own invoicing values of the order lines are used (price,
        discount, taxes, fiscal position, journal); at most the quantity
        still invoiced on each line is credited (an earlier credit note
        counts), so a return of goods never invoiced credits nothing.
        """
        self.ensure_one()
        rma = self.sudo()
        policy = rma.system_id.return_refund_policy
        if policy == "none":
            return self.env["account.move"]
        quantities = defaultdict(float)
        for line, qty in rma._integration_received_by_line(pickings).items():
            if line.sale_line_id:
                quantities[line.sale_line_id] += qty
        invoice_lines = []
        for sale_line, qty in quantities.items():
            precision = sale_line.product_uom.rounding
            credit = min(qty, sale_line.qty_invoiced)
            if float_compare(credit, 0, precision_rounding=precision) <= 0:
                continue
            invoice_lines.append(
                Command.create(sale_line._prepare_invoice_line(quantity=credit))
            )
        if not invoice_lines:
            return self.env["account.move"]
        order = rma.order_id.with_company(rma.company_id)
        values = order._prepare_invoice()
        values.update(
            move_type="out_refund",
            ref=_("Return %s", rma.name),
            invoice_line_ids=invoice_lines,
        )
        values.pop("payment_reference", None)
        refund = self.env["account.move"].sudo().with_company(rma.company_id)
        refund = refund.create(values)
        if policy == "posted":
            refund.action_post()
        rma.refund_ids = [Command.link(refund.id)]
        return refund

    # ------------------------------------------------------------------
    # What the partner sees
    # ------------------------------------------------------------------
    def _integration_view(self):
        """``GET /api/v1/returns/{rma}``: plain data, the system's codes."""
        self.ensure_one()
        rma = self.sudo()
        system = rma.system_id
        Mapping = self.env["integration.mapping"].sudo()
        skus = Mapping.codes_for(system, rma.line_ids.product_id, kind="product")
        reasons = Mapping.codes_for(
            system, rma.line_ids.reason_id, kind="return_reason"
        )
        received = rma._integration_received_by_line()
        order = rma.order_id
        return {
            "id": rma.id,
            "rma_ref": rma.name,
            "order_ref": order.name,
            "external_ref": order.integration_external_ref or None,
            "status": rma.state,
            "received_at": rma.received_at,
            "lines": [
                {
                    "sku": skus.get(line.product_id.id),
                    "product": line.product_id.display_name,
                    "quantity": line.quantity,
                    "received_quantity": received[line],
                    "uom": line.product_id.uom_id.name,
                    "reason": reasons.get(line.reason_id.id),
                    "disposition": line.disposition,
                }
                for line in rma.line_ids.sorted("sequence")
            ],
            "pickings": [
                {"id": picking.id, "name": picking.name, "state": picking.state}
                for picking in rma.picking_ids
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
            "return_url": f"{RETURNS_URL}/{rma.name}",
        }

    def _integration_refund_failed(self, error):
        """A credit note Odoo refused: a person makes it (the goods are in)."""
        self.ensure_one()
        return self.env["integration.exception"].report(
            BusinessRuleError.kind,
            _("%s: no credit note", self.name),
            detail=_(
                "The return %(rma)s was received, but Odoo refused its credit note: "
                "%(error)s. Create it from the order, then resolve.",
                rma=self.name,
                error=error,
            ),
            fingerprint=f"return:{self.id}:refund",
            system=self.system_id,
            record=self,
        )
