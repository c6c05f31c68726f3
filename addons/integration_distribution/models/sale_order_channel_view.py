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

    def _integration_outgoing_pickings(self):
        """The order's deliveries to the customer (not its returns)."""
        return self.sudo().picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing"
        )

    def _integration_return_pickings(self):
        """The returns of the order's deliveries: Odoo's own return pickings
        (moves that point to the delivery move they return)."""
        return self.sudo().picking_ids.filtered(
            lambda p: (
                p.picking_type_code == "incoming" and p.move_ids.origin_returned_move_id
            )
        )

    def _integration_lifecycle_facts(self):
        """Hook: what the order went through, read from Odoo's own records so
        that it holds whoever built the flow behind each stage.

        :return: ``{"deliveries": [...]`` (for
            :func:`~..tools.order_intake.order_status`), ``"delivered"``,
            ``"released"``, ``"returned"`` (booleans), ``"times"``:
            ``{stage: datetime or None}`` of the stages known reached``}``.
            Modules that know more (milestones, acknowledgements) extend it:
            ``super()`` then update.
        """
        self.ensure_one()
        order = self.sudo()
        pickings = order._integration_outgoing_pickings()
        deliveries = [
            {
                "state": picking.state,
                "shipped": picking.state == "done"
                and any(move.quantity > 0 for move in picking.move_ids),
            }
            for picking in pickings
        ]
        open_pickings = pickings.filtered(lambda p: p.state != "cancel")
        shipped = open_pickings.filtered(
            lambda p: p.state == "done" and any(m.quantity > 0 for m in p.move_ids)
        )
        released_at = order._integration_released_at(open_pickings)
        returns = order._integration_return_pickings().filtered(
            lambda p: p.state == "done"
        )
        invoices = order.invoice_ids.filtered(
            lambda m: m.state == "posted" and m.move_type == "out_invoice"
        )
        times = {}
        if order.state == "sale":
            times["accepted"] = order.date_order
        if open_pickings and all(p.state == "assigned" for p in open_pickings):
            times["reserved"] = None
        if released_at is not None:
            times["released"] = released_at or None
        if shipped and (len(shipped) < len(open_pickings) or len(shipped) > 1):
            # several deliveries: the first left alone (a backorder followed)
            times["partially_shipped"] = min(shipped.mapped("date_done"))
        if shipped and len(shipped) == len(open_pickings):
            times["shipped"] = max(shipped.mapped("date_done"))
        if order.invoice_status == "invoiced":
            times["invoiced"] = max(invoices.mapped("invoice_date"), default=None)
        if returns:
            times["returned"] = max(returns.mapped("date_done"))
        delivered = bool(shipped) and order._integration_is_delivered()
        if delivered:
            times["delivered"] = None
        return {
            "deliveries": deliveries,
            "delivered": delivered,
            "released": released_at is not None,
            "returned": bool(returns),
            "times": times,
        }

    def _integration_released_at(self, pickings):
        """When the first of ``pickings`` not shipped yet was released to the
        warehouse: its ``shipment.released`` event (whoever writes it), else
        ``False`` when its picking list was printed (Odoo's own "released to
        the floor"), ``None`` when none was."""
        waiting = pickings.filtered(lambda p: p.state not in ("done", "cancel"))
        if not waiting:
            return None
        event = (
            self.env["integration.event"]
            .sudo()
            .search(
                [
                    # the subject is indexed: no scan of every release
                    (
                        "subject",
                        "in",
                        [payloads.shipment_subject(p.name) for p in waiting],
                    ),
                    ("type", "=", "shipment.released"),
                    ("res_model", "=", "stock.picking"),
                    ("res_id", "in", waiting.ids),
                ],
                order="id",
                limit=1,
            )
        )
        if event:
            return event.time
        return False if any(waiting.mapped("printed")) else None

    def _integration_channel_status(self, facts=None):
        """One of :data:`~..tools.order_intake.ORDER_STATUSES`."""
        self.ensure_one()
        facts = facts or self._integration_lifecycle_facts()
        return order_intake.order_status(
            self.sudo().state,
            self.sudo().invoice_status,
            facts["deliveries"],
            delivered=facts["delivered"],
            released=facts["released"],
            returned=facts["returned"],
        )

    def _integration_channel_eta(self, facts):
        """Hook: when the customer should get the goods not delivered yet
        (ISO text or ``None``): the promised date, else Odoo's expected date.
        A carrier's ETA (``integration_fulfilment``) wins when known."""
        self.ensure_one()
        if facts["delivered"] or self.state != "sale":
            return None
        return payloads.iso_date(self.commitment_date or self.expected_date)

    def _integration_channel_view(self):
        """The order as its partner system sees it, as plain data (the body
        of ``GET /api/v1/orders/{ref}``), in the partner's codes: status,
        lifecycle, lines, shipments (packages, tracking), returns, invoices."""
        self.ensure_one()
        order = self.sudo()
        system = order.integration_system_id
        Mapping = self.env["integration.mapping"]
        lines = order.order_line.filtered(lambda line: not line.display_type)
        pickings = order._integration_outgoing_pickings().filtered(
            lambda p: p.state != "cancel"
        )
        returns = order._integration_return_pickings().filtered(
            lambda p: p.state != "cancel"
        )
        skus = Mapping.codes_for(
            system,
            lines.product_id
            | pickings.move_ids.product_id
            | returns.move_ids.product_id,
            "product",
        )
        facts = order._integration_lifecycle_facts()
        status = order._integration_channel_status(facts)
        times = {
            stage: payloads.iso_date(when) for stage, when in facts["times"].items()
        }
        invoices = order.invoice_ids.filtered(lambda m: m.state == "posted")
        return {
            "id": order.id,
            "order_ref": order.name,
            "external_ref": order.integration_external_ref or None,
            "client_order_ref": order.client_order_ref or None,
            "status": status,
            "lifecycle": order_intake.lifecycle(status, times),
            "eta": order._integration_channel_eta(facts),
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
            "shipments": [
                picking._integration_channel_shipment_view(skus) for picking in pickings
            ],
            "returns": [
                picking._integration_channel_return_view(skus) for picking in returns
            ],
            "invoices": [
                {
                    "number": move.name,
                    "type": "refund" if move.move_type == "out_refund" else "invoice",
                    "invoice_date": payloads.iso_date(move.invoice_date),
                    "amount_total": payloads.money(
                        move.amount_total, move.currency_id.decimal_places
                    ),
                    "payment_state": move.payment_state,
                }
                for move in invoices
            ],
        }

    def _integration_cancel_from_channel(self):
        """Cancel at the partner's request; a no-op when already cancelled.

        :raise BusinessRuleError: something was already shipped or invoiced
        """
        self.ensure_one()
        if self.state == "cancel":
            return self
        status = self._integration_channel_status()
        if status in (
            "partially_shipped",
            "shipped",
            "delivered",
            "invoiced",
            "returned",
        ):
            raise BusinessRuleError(
                self.env._(
                    "Order %(order)s is already %(status)s and cannot be cancelled.",
                    order=self.name,
                    status=status.replace("_", " "),
                )
            )
        self.with_context(disable_cancel_warning=True).action_cancel()
        return self
