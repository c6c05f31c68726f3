from odoo import fields, models

from ..tools import order_changes, payloads

PENDING_CHANGES = "integration_distribution.order_changes"
# the order fields whose change after confirmation is an ``order.changed``
CHANGE_DATES = ("commitment_date",)
# the line fields whose change is one
CHANGE_LINE_FIELDS = ("product_id", "product_uom_qty", "product_uom")


class SaleOrder(models.Model):
    """``order.cancelled`` and ``order.changed``: what becomes of a confirmed
    order after its ``order.accepted`` (X12 865 / EDIFACT ORDCHG).

    Changes are gathered during the transaction (the first value of each
    line and date touched, by :meth:`_integration_note_change`) and compared
    just before commit: one ``order.changed`` per order and transaction,
    none when a change was undone, none for an order cancelled meanwhile.
    The events go the way ``order.accepted`` goes (``system``: the order's
    source system).
    """

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    def write(self, vals):
        if any(name in vals for name in CHANGE_DATES):
            for order in self.filtered(lambda o: o.state == "sale"):
                order._integration_note_change(
                    dates={
                        name: payloads.iso_date(order[name])
                        for name in CHANGE_DATES
                        if name in vals
                    }
                )
        return super().write(vals)

    def _action_cancel(self):
        confirmed = self.filtered(lambda order: order.state == "sale")
        result = super()._action_cancel()
        confirmed._integration_emit_order_cancelled()
        return result

    # ------------------------------------------------------------------
    # order.cancelled
    # ------------------------------------------------------------------
    def _integration_emit_order_cancelled(self):
        """One ``order.cancelled`` per order cancelled after confirmation."""
        if self.env.context.get("integration_no_events") or not self:
            return self.env["integration.event"]
        return self.env["integration.event"]._emit_many(
            [
                {
                    "type": "order.cancelled",
                    "data": order._integration_order_cancelled_data(),
                    "record": order,
                    "subject": payloads.order_subject(order.name),
                    "system": order.sudo().integration_system_id or None,
                }
                for order in self
            ]
        )

    def _integration_order_cancelled_data(self):
        """The ``order.cancelled`` v1 data: which order, who asked, and what
        was ordered and already delivered (in the partner's codes)."""
        self.ensure_one()
        order = self.sudo()
        system = order.integration_system_id
        codes = order._integration_order_code_table()
        requester = self.env["integration.system"].browse(
            self.env.context.get("integration_system_id")
        )
        lines = order.order_line.filtered(lambda line: not line.display_type)
        return {
            "order_id": order.id,
            "order_ref": order.name,
            "client_order_ref": payloads.nullable(order.client_order_ref),
            "external_ref": payloads.nullable(order.integration_external_ref),
            "source_system": payloads.nullable(system.code),
            "cancelled_at": payloads.iso_date(fields.Datetime.now()),
            "requested_by": payloads.nullable(requester.sudo().code),
            "lines": [
                {
                    "line_id": line.id,
                    "product": payloads.product(
                        line.product_id._integration_values(codes)
                    ),
                    "quantity": float(line.product_uom_qty),
                    "qty_delivered": float(line.qty_delivered),
                    "uom": line.product_uom.name,
                    "uom_code": codes.get(line.product_uom, "uom"),
                }
                for line in lines
            ],
        }

    # ------------------------------------------------------------------
    # order.changed
    # ------------------------------------------------------------------
    def _integration_note_change(self, lines=None, dates=None):
        """Remember how this confirmed order was before a change, once per
        transaction, and have :meth:`_integration_emit_order_changed` run
        at commit.

        :param lines: ``{line_id: snapshot or None}`` (``None``: a new line)
        :param dates: ``{field: ISO text}`` of :data:`CHANGE_DATES`
        """
        self.ensure_one()
        if self.env.context.get("integration_no_events"):
            return
        precommit = self.env.cr.precommit
        pending = precommit.data.get(PENDING_CHANGES)
        if pending is None:
            pending = precommit.data[PENDING_CHANGES] = {}
            env = self.env

            @precommit.add
            def emit():
                noted = precommit.data.pop(PENDING_CHANGES, {})
                orders = env["sale.order"].browse(list(noted)).exists()
                orders._integration_emit_order_changed(noted)

        noted = pending.setdefault(self.id, {"lines": {}, "dates": {}})
        for line_id, snapshot in (lines or {}).items():
            noted["lines"].setdefault(line_id, snapshot)
        for name, value in (dates or {}).items():
            noted["dates"].setdefault(name, value)

    def _integration_emit_order_changed(self, noted):
        """Write the ``order.changed`` events of the orders that did change.

        :param noted: ``{order_id: {"lines": ..., "dates": ...}}`` as
            :meth:`_integration_note_change` kept it
        """
        items = []
        for order in self.filtered(lambda o: o.state == "sale"):
            before = noted[order.id]
            lines = order.sudo().order_line
            after = {
                line.id: line._integration_change_snapshot()
                for line in lines
                if line.id in before["lines"]
            }
            line_changes = order_changes.line_changes(before["lines"], after)
            date_changes = order_changes.date_changes(
                before["dates"],
                {name: payloads.iso_date(order[name]) for name in before["dates"]},
            )
            if line_changes or date_changes:
                items.append(
                    order._integration_order_changed_item(line_changes, date_changes)
                )
        if not items:
            return self.env["integration.event"]
        return self.env["integration.event"]._emit_many(items)

    def _integration_order_changed_item(self, line_changes, date_changes):
        """The ``order.changed`` event item: the order as it is now (the
        ``order.accepted`` shape) and what changed."""
        self.ensure_one()
        order = self.sudo()
        Product = self.env["product.product"].sudo()
        previous = Product.browse(
            [c["previous_product_id"] for c in line_changes if c["previous_product_id"]]
        )
        codes = self.env["integration.mapping"].code_table(
            order.integration_system_id,
            order.partner_id,
            order.partner_shipping_id,
            order.warehouse_id,
            order.order_line.product_id | previous,
            order.order_line.product_uom,
        )
        data = order._integration_order_accepted_data(codes)
        lines = {line.id: line for line in order.order_line}
        data["changes"] = [
            {
                "line_id": change["line_id"],
                "change": change["change"],
                "product": payloads.product(
                    lines[change["line_id"]].product_id._integration_values(codes)
                ),
                "previous_product": payloads.product(
                    Product.browse(change["previous_product_id"])._integration_values(
                        codes
                    )
                )
                if change["previous_product_id"]
                else None,
                "previous_quantity": change["previous_quantity"],
                "quantity": change["quantity"],
            }
            for change in line_changes
        ]
        data["date_changes"] = date_changes
        return {
            "type": "order.changed",
            "data": data,
            "record": self,
            "subject": payloads.order_subject(order.name),
            "system": order.integration_system_id or None,
        }
