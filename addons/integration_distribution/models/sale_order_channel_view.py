from odoo import api, models

from odoo.addons.integration_core.exceptions import BusinessRuleError
from odoo.addons.integration_core.tools.mapping_codes import normalize_code

from ..tools import order_intake, payloads


class SaleOrder(models.Model):
    """A channel order as its partner system sees it: found by the
    partner's reference, its status and view as plain data, cancel.

    What ``GET /api/v1/orders/{ref}`` and ``POST /api/v1/orders/{ref}/cancel``
    do, without HTTP (``integration.api.order.resource`` renders it).
    """

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _integration_find_for_channel(self, system, ref):
        """The order ``ref`` names for ``system``: its external reference, or
        the Odoo number of one of the system's orders. Empty when unknown."""
        order = self._integration_find_by_external_ref(system, normalize_code(ref))
        if order:
            return order
        order = self.sudo().search(
            [("integration_system_id", "=", system.id), ("name", "=", ref)], limit=1
        )
        return self.browse(order.id)

    def _integration_is_delivered(self):
        """Hook: proof of delivery received for every shipment.

        Delivery milestones (``delivery.confirmed``) will set it; until then
        an order is at most ``shipped``.
        """
        self.ensure_one()
        return False

    def _integration_channel_status(self):
        """One of :data:`~..tools.order_intake.ORDER_STATUSES`."""
        self.ensure_one()
        order = self.sudo()
        deliveries = [
            {
                "state": picking.state,
                "shipped": picking.state == "done"
                and any(move.quantity > 0 for move in picking.move_ids),
            }
            for picking in order.picking_ids
            if picking.picking_type_code == "outgoing"
        ]
        return order_intake.order_status(
            order.state,
            order.invoice_status,
            deliveries,
            delivered=order._integration_is_delivered(),
        )

    def _integration_channel_view(self):
        """The order as its partner system sees it, as plain data (the body
        of ``GET /api/v1/orders/{ref}``), in the partner's codes."""
        self.ensure_one()
        order = self.sudo()
        system = order.integration_system_id
        Mapping = self.env["integration.mapping"]
        lines = order.order_line.filtered(lambda line: not line.display_type)
        skus = Mapping.codes_for(system, lines.product_id, "product")
        shipments = []
        for picking in order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state != "cancel"
        ):
            carrier = picking._integration_carrier()
            shipments.append(
                {
                    "picking_ref": picking.name,
                    "state": picking.state,
                    "date_done": payloads.iso_date(picking.date_done),
                    "scheduled_date": payloads.iso_date(picking.scheduled_date),
                    "carrier": carrier.name if carrier else None,
                    "tracking_ref": payloads.nullable(
                        picking["carrier_tracking_ref"]
                        if "carrier_tracking_ref" in picking._fields
                        else None
                    ),
                    "lines": [
                        {
                            "sku": skus.get(move.product_id.id),
                            "quantity": move.quantity
                            if picking.state == "done"
                            else move.product_uom_qty,
                        }
                        for move in picking.move_ids
                        if move.state != "cancel"
                    ],
                }
            )
        return {
            "id": order.id,
            "order_ref": order.name,
            "external_ref": order.integration_external_ref or None,
            "client_order_ref": order.client_order_ref or None,
            "status": self._integration_channel_status(),
            "currency": order.currency_id.name,
            "amount_total": payloads.money(
                order.amount_total, order.currency_id.decimal_places
            ),
            "requested_date": payloads.iso_date(order.commitment_date),
            "lines": [
                {
                    "sku": skus.get(line.product_id.id),
                    "product": line.product_id.display_name,
                    "qty": line.product_uom_qty,
                    "qty_delivered": line.qty_delivered,
                    "qty_invoiced": line.qty_invoiced,
                    "uom": line.product_uom.name,
                }
                for line in lines
            ],
            "shipments": shipments,
        }

    def _integration_cancel_from_channel(self):
        """Cancel at the partner's request; a no-op when already cancelled.

        :raise BusinessRuleError: something was already shipped or invoiced
        """
        self.ensure_one()
        if self.state == "cancel":
            return self
        status = self._integration_channel_status()
        if status in ("partially_shipped", "shipped", "delivered", "invoiced"):
            raise BusinessRuleError(
                self.env._(
                    "Order %(order)s is already %(status)s and cannot be cancelled.",
                    order=self.name,
                    status=status.replace("_", " "),
                )
            )
        self.with_context(disable_cancel_warning=True).action_cancel()
        return self
