from odoo import models

from ..tools import payloads
from ..tools.batch_memo import BATCH_MEMO, memo_of

PENDING_DISPATCHED = "integration_distribution.shipment_dispatched"
# the "This transfer has been created from ..." note of a new delivery
ORIGIN_LINK = "mail.message_origin_link"
ORIGIN_NOTES = ("origin_notes",)  # their bodies in a batch's memo
FOLLOWERS = ("delivery_followers",)  # the new deliveries' followers, in a batch


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        """In an intake batch, new deliveries get their followers (the
        delivery address) together, in :meth:`_integration_flush_batch`:
        one subscription per partner instead of one per delivery."""
        memo = memo_of(self.env)
        if memo is None or not self:
            return super().message_subscribe(partner_ids, subtype_ids)
        key = (tuple(partner_ids or ()), tuple(subtype_ids) if subtype_ids else None)
        memo.get(FOLLOWERS, dict).setdefault(key, {}).update(dict.fromkeys(self.ids))
        return True

    def message_post_with_source(
        self,
        source_ref,
        render_values=None,
        message_type="notification",
        subtype_xmlid=False,
        subtype_id=False,
        **kwargs,
    ):
        """In an intake batch, the "created from" notes of the new
        deliveries are logged together (:meth:`_integration_flush_batch`).

        Posted one by one, each note goes through the whole notification
        machinery for nobody: an internal note at creation notifies no one.
        Logged in one batch, the chatter shows the same note.
        """
        memo = memo_of(self.env)
        if (
            memo is None
            or source_ref != ORIGIN_LINK
            or message_type != "notification"
            or subtype_xmlid not in (False, "mail.mt_note")
            or subtype_id
            or kwargs
        ):
            return super().message_post_with_source(
                source_ref,
                render_values=render_values,
                message_type=message_type,
                subtype_xmlid=subtype_xmlid,
                subtype_id=subtype_id,
                **kwargs,
            )
        _template, view = self._get_source_from_ref(source_ref)
        bodies = self.env["mail.render.mixin"]._render_template_qweb_view(
            view, self._name, self.ids, add_context=render_values
        )
        pending = memo.get(ORIGIN_NOTES, dict)
        for picking_id, body in bodies.items():
            pending.setdefault(picking_id, []).append(body)
        return self.env["mail.message"]

    def _integration_flush_batch(self):
        """At the end of an intake batch's confirmation: subscribe the
        followers :meth:`message_subscribe` kept, then log the "created from"
        notes :meth:`message_post_with_source` kept, oldest first."""
        memo = memo_of(self.env)
        if memo is None:
            return
        outside_batch = self.with_context(**{BATCH_MEMO: None})
        followers = memo.get(FOLLOWERS, dict)
        for (partner_ids, subtype_ids), picking_ids in followers.items():
            outside_batch.browse(list(picking_ids)).message_subscribe(
                list(partner_ids), subtype_ids and list(subtype_ids)
            )
        followers.clear()
        notes = memo.get(ORIGIN_NOTES, dict)
        while notes:
            bodies = {picking_id: kept.pop(0) for picking_id, kept in notes.items()}
            self.browse(list(bodies))._message_log_batch(bodies)
            for picking_id in [key for key, kept in notes.items() if not kept]:
                del notes[picking_id]

    def _action_done(self):
        result = super()._action_done()
        self._integration_emit_shipment_dispatched_at_commit()
        return result

    def _integration_emit_shipment_dispatched_at_commit(self):
        """Write ``shipment.dispatched`` just before the transaction commits.

        Not at once: what other modules do after ``_action_done`` in the same
        validation belongs in the event, whatever the module load order. A
        carrier connector sets the tracking number then, and an advance ship
        notice without it is worth little. The event is still written in
        this transaction: committed with the delivery or not at all.
        """
        if self.env.context.get("integration_no_events"):
            return
        pickings = self.filtered(
            lambda p: p.state == "done" and p.picking_type_code == "outgoing"
        )
        if not pickings:
            return
        precommit = self.env.cr.precommit
        pending = precommit.data.get(PENDING_DISPATCHED)
        if pending is None:
            pending = precommit.data[PENDING_DISPATCHED] = {}
            env = self.env

            @precommit.add
            def emit():
                # one _emit_many for the transaction (one lock of the
                # subjects' sequences, one create, one fan-out), each event
                # with the trace of the request that shipped its delivery
                traces = precommit.data.pop(PENDING_DISPATCHED, {})
                pickings = env["stock.picking"].browse(list(traces)).exists()
                pickings.with_context(
                    integration_trace_id=None
                )._integration_emit_shipment_dispatched(traces)
                env.flush_all()  # the commit does not flush after precommit hooks

        # the trace of the request that shipped each delivery (several
        # validated at once name theirs in integration_trace_by_picking)
        context = self.env.context
        for picking in pickings:
            pending.setdefault(
                picking.id,
                context.get("integration_trace_by_picking", {}).get(picking.id)
                or context.get("integration_trace_id"),
            )

    # ------------------------------------------------------------------
    # shipment.dispatched
    # ------------------------------------------------------------------
    def _integration_emit_shipment_dispatched(self, traces=None):
        """One ``shipment.dispatched`` event per outgoing delivery now done,
        all in one ``_emit_many``.

        ``_action_done`` runs once per validation for all the pickings
        validated together; the quantities left for later move to a backorder
        that is not done yet, and gets its own event when it ships.

        :param traces: ``{picking id: trace id or None}``, the trace each
            event continues (else the context's ``integration_trace_id``)
        """
        if self.env.context.get("integration_no_events"):
            return self.env["integration.event"]
        pickings = self.filtered(
            lambda p: p.state == "done" and p.picking_type_code == "outgoing"
        )
        if not pickings:
            return self.env["integration.event"]
        items = []
        for picking in pickings:
            item = picking._integration_shipment_dispatched_item()
            if traces is not None:
                item["trace_id"] = traces.get(picking.id)
            items.append(item)
        return self.env["integration.event"]._emit_many(items)

    def _integration_source_order(self):
        """The sale order this delivery ships, if any (first one)."""
        self.ensure_one()
        return self.sale_id or self.move_ids.sale_line_id.order_id[:1]

    def _integration_shipment_dispatched_item(self):
        self.ensure_one()
        system = self.sudo()._integration_source_order().integration_system_id
        return {
            "type": "shipment.dispatched",
            "data": self._integration_shipment_dispatched_data(),
            "record": self,
            "subject": payloads.shipment_subject(self.name),
            "system": system or None,
        }

    def _integration_carrier(self):
        """The carrier, when ``stock_delivery`` is installed and one is set."""
        self.ensure_one()
        return self["carrier_id"] if "carrier_id" in self._fields else None

    def _integration_carrier_values(self, codes):
        carrier = self._integration_carrier()
        if not carrier:
            return None
        return {
            "id": carrier.id,
            "name": carrier.name,
            "partner_code": codes.get(carrier, "carrier"),
        }

    def _integration_shipment_dispatched_data(self):
        """The ``shipment.dispatched`` v1 data of this delivery (read as superuser)."""
        self.ensure_one()
        picking = self.sudo()
        order = picking._integration_source_order()
        system = order.integration_system_id
        moves = picking.move_ids.filtered(lambda m: m.state == "done")
        warehouse = picking.picking_type_id.warehouse_id
        codes = self.env["integration.mapping"].code_table(
            system,
            moves.product_id,
            moves.product_uom,
            picking.partner_id,
            warehouse,
            picking._integration_carrier(),
        )
        values = {
            "id": picking.id,
            "name": picking.name,
            "origin": picking.origin,
            "order_ref": order.name,
            "client_order_ref": order.client_order_ref,
            "external_ref": order.integration_external_ref,
            "source_system": system.code,
            "date_done": picking.date_done,
            "carrier": picking._integration_carrier_values(codes),
            "tracking_ref": picking["carrier_tracking_ref"]
            if "carrier_tracking_ref" in picking._fields
            else None,
            "ship_to": picking.partner_id._integration_address_values(
                system, "ship_to", codes
            )
            if picking.partner_id
            else {"id": 0, "name": ""},
            "warehouse": warehouse._integration_values(system, codes),
        }
        move_values = [
            {
                "id": move.id,
                "product": move.product_id._integration_values(codes),
                "quantity": move.quantity,
                "uom": move.product_uom.name,
                "uom_code": codes.get(move.product_uom, "uom"),
                "move_lines": [
                    {"lot": move_line.lot_id.name or move_line.lot_name}
                    for move_line in move.move_line_ids
                ],
            }
            for move in moves
        ]
        return payloads.shipment_dispatched_data(values, move_values)
