from odoo import fields, models

from ..tools import payloads
from ..tools.batch_memo import memo_of


class SaleOrder(models.Model):
    _inherit = "sale.order"

    integration_system_id = fields.Many2one(
        "integration.system",
        string="Source system",
        index="btree_not_null",
        copy=False,
        ondelete="restrict",
        help="The partner system (web shop, marketplace, EDI gateway) this "
        "order came from; its codes are used in the events about the order.",
    )
    integration_external_ref = fields.Char(
        string="External reference",
        copy=False,
        index="btree_not_null",
        help="The order's reference in the source system; unique per system.",
    )

    _sql_constraints = [
        (
            "integration_external_ref_uniq",
            "unique(integration_system_id, integration_external_ref)",
            "This external order reference already exists for this system.",
        )
    ]

    def action_confirm(self):
        in_batch = memo_of(self.env) is not None
        if in_batch:
            self._integration_subscribe_customers()
        result = super().action_confirm()
        if in_batch:
            self.env["stock.picking"]._integration_flush_batch()
        self._integration_emit_order_accepted()
        return result

    def _integration_subscribe_customers(self):
        """Make the customers follow their orders, a customer at a time.

        What Odoo's confirmation does order by order (five queries each);
        done first for an intake batch, the confirmation finds every
        customer following already.
        """
        for partner, orders in self.grouped("partner_id").items():
            orders.filtered(
                lambda order, partner=partner: partner not in order.message_partner_ids
            ).message_subscribe(partner.ids)

    # ------------------------------------------------------------------
    # order.accepted
    # ------------------------------------------------------------------
    def _integration_emit_order_accepted(self):
        """Write one ``order.accepted`` event per confirmed order, in one batch.

        An order whose data fails the schema still confirms: the core keeps
        the event as ``invalid`` and opens an exception for the administrator.
        """
        if self.env.context.get("integration_no_events"):
            return self.env["integration.event"]
        orders = self.filtered(lambda order: order.state == "sale")
        if not orders:
            return self.env["integration.event"]
        codes_by_system = {
            system: order_group._integration_order_code_table()
            for system, order_group in orders.sudo()
            .grouped("integration_system_id")
            .items()
        }
        return self.env["integration.event"]._emit_many(
            [
                order._integration_order_accepted_item(
                    codes_by_system[order.sudo().integration_system_id]
                )
                for order in orders
            ]
        )

    def _integration_order_code_table(self):
        """The partner codes the ``order.accepted`` data of these orders (of
        one system) needs, read with one query."""
        orders = self.sudo()
        lines = orders.order_line.filtered(lambda line: not line.display_type)
        return self.env["integration.mapping"].code_table(
            orders.integration_system_id,
            orders.partner_id,
            orders.partner_shipping_id,
            orders.warehouse_id,
            lines.product_id,
            lines.product_uom,
        )

    def _integration_order_accepted_item(self, codes=None):
        self.ensure_one()
        return {
            "type": "order.accepted",
            "data": self._integration_order_accepted_data(codes),
            "record": self,
            "subject": payloads.order_subject(self.name),
            "system": self.integration_system_id or None,
            # orders confirmed in bulk: each event names its own request
            # and continues that request's trace
            "correlation_id": self.env.context.get(
                "integration_correlation_ids", {}
            ).get(self.integration_external_ref),
            "trace_id": self.env.context.get("integration_trace_ids", {}).get(
                self.integration_external_ref
            ),
        }

    def _integration_order_accepted_data(self, codes=None):
        """The ``order.accepted`` v1 data of this order.

        Read as superuser: whoever confirms the order may not read the
        partner system or its mappings, but the event must be complete.

        :param codes: the ``CodeTable`` of :meth:`_integration_order_code_table`
            when the caller read it for many orders
        """
        self.ensure_one()
        order = self.sudo()
        system = order.integration_system_id
        lines = order.order_line.filtered(lambda line: not line.display_type)
        if codes is None:
            codes = order._integration_order_code_table()
        values = {
            "id": order.id,
            "name": order.name,
            "client_order_ref": order.client_order_ref,
            "external_ref": order.integration_external_ref,
            "source_system": system.code,
            "date_order": order.date_order,
            "commitment_date": order.commitment_date,
            "expected_date": order.expected_date,
            "customer": order.partner_id._integration_address_values(
                system, "customer", codes
            ),
            "ship_to": order.partner_shipping_id._integration_address_values(
                system, "ship_to", codes
            ),
            "currency": order.currency_id.name,
            "amount_untaxed": order.amount_untaxed,
            "amount_tax": order.amount_tax,
            "amount_total": order.amount_total,
            "payment_term": order.payment_term_id.name,
            "warehouse": order.warehouse_id._integration_values(system, codes),
        }
        line_values = [
            {
                "id": line.id,
                "product": line.product_id._integration_values(codes),
                "description": line.name,
                "quantity": line.product_uom_qty,
                "uom": line.product_uom.name,
                "uom_code": codes.get(line.product_uom, "uom"),
                "price_unit": line.price_unit,
                "discount": line.discount,
                "price_subtotal": line.price_subtotal,
            }
            for line in lines
        ]
        return payloads.order_accepted_data(
            values, line_values, digits=order.currency_id.decimal_places
        )
