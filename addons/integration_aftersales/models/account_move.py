from odoo import models

CUSTOMER_TYPES = ("out_invoice", "out_refund")
INVOICES_URL = "/api/v1/invoices"


class AccountMove(models.Model):
    """``invoice.posted``: a customer invoice or credit note of a partner
    system's orders was posted (X12 810, EDIFACT INVOIC)."""

    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        if not self.env.context.get("integration_no_events"):
            posted.filtered(
                lambda m: m.state == "posted" and m.move_type in CUSTOMER_TYPES
            )._integration_emit_invoice_posted()
        return posted

    def _integration_orders(self):
        """The sale orders this invoice (or the invoice it credits) bills."""
        self.ensure_one()
        move = self.sudo()
        orders = move.invoice_line_ids.sale_line_ids.order_id
        if not orders and move.reversed_entry_id:
            orders = move.reversed_entry_id.invoice_line_ids.sale_line_ids.order_id
        return orders

    def _integration_systems(self):
        self.ensure_one()
        return self._integration_orders().integration_system_id

    def _integration_emit_invoice_posted(self):
        """One event per invoice and system that owns one of its orders; an
        invoice of Odoo's own sales (no system) sends nothing."""
        items = [
            move._integration_invoice_posted_item(system)
            for move in self
            for system in move._integration_systems()
        ]
        if not items:
            return self.env["integration.event"]
        return self.env["integration.event"]._emit_many(items)

    def _integration_invoice_posted_item(self, system):
        return {
            "type": "invoice.posted",
            "record": self,
            "system": system,
            "subject": f"invoices/{self.name}",
            "data": self._integration_invoice_data(system),
        }

    def _integration_belongs_to(self, system):
        """Whether ``system`` may read this invoice: it sent one of its orders."""
        self.ensure_one()
        return system in self._integration_systems()

    def _integration_invoice_data(self, system):
        """Plain data of the invoice, in ``system``'s codes (read as superuser):
        the ``invoice.posted`` v1 data and ``GET /api/v1/invoices/{ref}``."""
        self.ensure_one()
        move = self.sudo()
        lines = move.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        )
        orders = move._integration_orders().filtered(
            lambda o: o.integration_system_id == system
        )
        codes = (
            self.env["integration.mapping"]
            .sudo()
            .code_table(system, lines.product_id, lines.product_uom_id, move.partner_id)
        )
        sign = -1 if move.move_type == "out_invoice" else 1
        shipments = orders.picking_ids.filtered(
            lambda p: p.state == "done" and p.picking_type_code == "outgoing"
        )
        return {
            "id": move.id,
            "number": move.name,
            "kind": "invoice" if move.move_type == "out_invoice" else "credit_note",
            "credits": move.reversed_entry_id.name or None,
            "invoice_date": move.invoice_date,
            "due_date": move.invoice_date_due,
            "currency": move.currency_id.name,
            "customer": {
                "id": move.partner_id.id,
                "name": move.partner_id.display_name,
                "code": codes.get(move.partner_id, "customer")
                or move.partner_id.ref
                or None,
                "vat": move.partner_id.vat or None,
            },
            "payment_reference": move.payment_reference or None,
            "payment_term": move.invoice_payment_term_id.name or None,
            "amount_untaxed": move.amount_untaxed,
            "amount_tax": move.amount_tax,
            "amount_total": move.amount_total,
            "amount_residual": move.amount_residual,
            "lines": [
                {
                    "id": line.id,
                    "product": line.product_id._integration_values(codes)
                    if line.product_id
                    else None,
                    "description": line.name or "",
                    "quantity": line.quantity,
                    "uom": line.product_uom_id.name or None,
                    "uom_code": codes.get(line.product_uom_id, "uom")
                    if line.product_uom_id
                    else None,
                    "price_unit": line.price_unit,
                    "discount": line.discount,
                    "price_subtotal": line.price_subtotal,
                    "price_total": line.price_total,
                    "taxes": line.tax_ids.mapped("name"),
                    "order_ref": line.sale_line_ids.order_id[:1].name or None,
                }
                for line in lines
            ],
            "taxes": [
                {
                    "name": tax_line.tax_line_id.name or tax_line.name,
                    "amount": sign * tax_line.amount_currency,
                }
                for tax_line in move.line_ids.filtered(
                    lambda line: line.display_type == "tax"
                )
            ],
            "orders": [
                {
                    "order_ref": order.name,
                    "external_ref": order.integration_external_ref or None,
                    "client_order_ref": order.client_order_ref or None,
                }
                for order in orders
            ],
            "shipments": [
                {
                    "id": picking.id,
                    "name": picking.name,
                    "date_done": picking.date_done,
                    "tracking_ref": picking["carrier_tracking_ref"] or None
                    if "carrier_tracking_ref" in picking._fields
                    else None,
                }
                for picking in shipments
            ],
            "invoice_url": f"{INVOICES_URL}/{move.id}",
            "pdf_url": f"{INVOICES_URL}/{move.id}/pdf",
        }

    def _integration_find_for_channel(self, system, ref):
        """The posted customer invoice or credit note ``ref`` of one of
        ``system``'s orders; empty for another system's.

        ``ref`` is the invoice id, or its number with each ``/`` written
        ``_`` (a path parameter holds no ``/``: ``INV/2026/00042`` is
        ``INV_2026_00042``), or the number itself when it has no ``/``.
        """
        Move = self.sudo()
        domain = [
            ("move_type", "in", CUSTOMER_TYPES),
            ("state", "=", "posted"),
            ("company_id", "=", system.company_id.id),
        ]
        candidates = Move.browse()
        if ref.isdigit() and len(ref) < 10:
            candidates = Move.search(domain + [("id", "=", int(ref))])
        for name in dict.fromkeys((ref, ref.replace("_", "/"))):
            if not candidates:
                candidates = Move.search(domain + [("name", "=", name)], limit=5)
        return candidates.filtered(lambda m: m._integration_belongs_to(system))[:1]

    def _integration_pdf(self):
        """The invoice's PDF: the one Odoo keeps once it was sent or printed,
        else rendered now with Odoo's invoice report.

        :return: ``(bytes, filename)``
        :raise UserError: Odoo cannot render PDFs (no wkhtmltopdf)
        """
        self.ensure_one()
        move = self.sudo()
        filename = f"{(move.name or 'invoice').replace('/', '_')}.pdf"
        if move.invoice_pdf_report_id:
            return move.invoice_pdf_report_id.raw, filename
        content, _kind = (
            self.env["ir.actions.report"]
            .sudo()
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("account.account_invoices", move.ids)
        )
        return content, filename
