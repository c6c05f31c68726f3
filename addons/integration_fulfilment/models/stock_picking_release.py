from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.integration_distribution.tools import payloads

from ..tools.release import ACK_STATES, ack_due_at, ack_state
from .integration_shipment_release import REJECTED_FINGERPRINT, SLA_FINGERPRINT

PENDING_RELEASED = "integration_fulfilment.shipment_released"
RELEASED = "shipment.released"


class StockPicking(models.Model):
    """``shipment.released``: an outgoing delivery ready to ship is released
    to the systems that run its warehouse (the X12 940 warehouse shipping
    order), and their acknowledgement is tracked."""

    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    integration_release_ids = fields.One2many(
        "integration.shipment.release", "picking_id", string="Releases"
    )
    integration_release_count = fields.Integer(
        string="Releases sent", readonly=True, copy=False, default=0
    )
    integration_released_at = fields.Datetime(
        string="Released at", readonly=True, copy=False
    )
    integration_ack_state = fields.Selection(
        ACK_STATES,
        string="Warehouse acknowledgement",
        compute="_compute_integration_ack_state",
        store=True,
        copy=False,
        index="btree_not_null",
    )
    integration_warehouse_ref = fields.Char(
        string="Warehouse reference",
        compute="_compute_integration_ack_state",
        store=True,
        copy=False,
        help="The warehouse's own number for this order, from its acknowledgement.",
    )

    @api.depends(
        "integration_release_count",
        "integration_release_ids.current",
        "integration_release_ids.state",
        "integration_release_ids.breached",
        "integration_release_ids.ack_due_at",
        "integration_release_ids.warehouse_reference",
    )
    def _compute_integration_ack_state(self):
        for picking in self:
            rows = picking.integration_release_ids.filtered("current")
            state = ack_state(
                [
                    {
                        "state": row.state,
                        "due": bool(row.ack_due_at),
                        "breached": row.breached,
                    }
                    for row in rows
                ]
            )
            if not state and picking.integration_release_count:
                state = "pending"
            picking.integration_ack_state = state
            references = set(rows.mapped("warehouse_reference")) - {False}
            picking.integration_warehouse_ref = ", ".join(sorted(references)) or False

    # ------------------------------------------------------------------
    # Released when ready, at commit time
    # ------------------------------------------------------------------
    def _compute_state(self):
        result = super()._compute_state()
        self._integration_release_at_commit()
        return result

    def _integration_release_at_commit(self):
        """Release the deliveries that became ready (assigned), just before
        the transaction commits: once the reservation settled (a delivery can
        go assigned and back within one transaction), and in the same
        transaction, so a rolled-back one releases nothing."""
        if self.env.context.get("integration_no_events"):
            return
        ready = self.filtered(
            lambda p: (
                isinstance(p.id, int)
                and p.state == "assigned"
                and p.picking_type_code == "outgoing"
                and not p.integration_release_count
            )
        )
        if not ready:
            return
        precommit = self.env.cr.precommit
        pending = precommit.data.get(PENDING_RELEASED)
        if pending is None:
            pending = precommit.data[PENDING_RELEASED] = []
            env = self.env

            @precommit.add
            def release():
                ids = precommit.data.pop(PENDING_RELEASED, [])
                pickings = env["stock.picking"].browse(dict.fromkeys(ids)).exists()
                pickings.filtered(
                    lambda p: p.state == "assigned" and not p.integration_release_count
                )._integration_release()
                env.flush_all()  # the commit does not flush after precommit hooks

        pending.extend(ready.ids)

    def _integration_release(self):
        """Release these deliveries now: one ``shipment.released`` event per
        delivery and subscribing system it belongs to (in that system's
        codes; a subscription without a system gets Odoo's own), and a
        release row per system to hold its acknowledgement.

        :return: the ``integration.event`` records written
        """
        Event = self.env["integration.event"]
        audiences = Event.sudo()._audiences(RELEASED)
        if not audiences:
            return Event.browse()
        items, rows = [], []
        now = fields.Datetime.now()
        for picking in self.sudo():
            systems = [
                system
                for system in audiences
                if not system or picking._integration_belongs_to(system)
            ]
            if not systems:
                continue
            number = picking.integration_release_count + 1
            picking.integration_release_ids.filtered("current").write(
                {"current": False}
            )
            picking.write(
                {"integration_release_count": number, "integration_released_at": now}
            )
            for system in systems:
                due = ack_due_at(now, system.release_ack_window) if system else None
                items.append(picking._integration_released_item(system, number, due))
                rows.append(
                    system
                    and {
                        "picking_id": picking.id,
                        "system_id": system.id,
                        "release_number": number,
                        "released_at": now,
                        "ack_due_at": due,
                    }
                )
        if not items:
            return Event.browse()
        events = Event._emit_many(items)
        Release = self.env["integration.shipment.release"].sudo()
        Release.create(
            [
                dict(row, event_id=event.id)
                for row, event in zip(rows, events, strict=True)
                if row
            ]
        )
        return events

    def _integration_released_item(self, system, number, due):
        """The ``shipment.released`` v1 event of this delivery for ``system``
        (``False``: Odoo's own codes)."""
        self.ensure_one()
        picking = self.sudo()
        system = system or None
        order = picking._integration_source_order()
        moves = picking.move_ids.filtered(lambda m: m.state != "cancel")
        warehouse = picking.picking_type_id.warehouse_id
        carrier = picking._integration_carrier()
        codes = self.env["integration.mapping"].code_table(
            system,
            moves.product_id,
            moves.product_uom,
            picking.partner_id,
            warehouse,
            carrier,
        )
        carrier_values = picking._integration_carrier_values(codes)
        if carrier_values is not None:
            carrier_values["service_code"] = codes.get(carrier, "carrier_service")
        data = {
            "picking_id": picking.id,
            "picking_ref": picking.name,
            "release": number,
            "released_at": payloads.iso_date(picking.integration_released_at),
            "ack_due_at": payloads.iso_date(due),
            "origin": payloads.nullable(picking.origin),
            "order_ref": payloads.nullable(order.name),
            "client_order_ref": payloads.nullable(order.client_order_ref),
            "external_ref": payloads.nullable(order.integration_external_ref),
            "source_system": payloads.nullable(order.integration_system_id.code),
            "requested_date": payloads.iso_date(
                picking.date_deadline or picking.scheduled_date
            ),
            "scheduled_date": payloads.iso_date(picking.scheduled_date),
            "carrier": carrier_values,
            "ship_to": payloads.address(
                picking.partner_id._integration_address_values(system, "ship_to", codes)
                if picking.partner_id
                else {"id": 0, "name": ""}
            ),
            "warehouse": warehouse._integration_values(system, codes),
            "lines": [
                {
                    "move_id": move.id,
                    "sku": codes.get(move.product_id, "product")
                    or payloads.nullable(move.product_id.default_code),
                    "product": payloads.product(
                        move.product_id._integration_values(codes if system else None)
                    ),
                    "quantity": move.product_uom_qty,
                    "reserved": move.quantity,
                    "uom": move.product_uom.name,
                    "uom_code": codes.get(move.product_uom, "uom"),
                }
                for move in moves
            ],
        }
        return {
            "type": RELEASED,
            "data": data,
            "record": picking,
            "subject": payloads.shipment_subject(picking.name),
            "system": system,
        }

    # ------------------------------------------------------------------
    # Acknowledgement
    # ------------------------------------------------------------------
    def _integration_current_release(self, system):
        """This system's row of the latest release, created when the
        delivery was released but not built for it (it was not subscribed);
        ``None`` when the delivery was never released."""
        self.ensure_one()
        picking = self.sudo()
        if not picking.integration_release_count:
            return None
        row = picking.integration_release_ids.filtered(
            lambda r: r.current and r.system_id == system
        )
        if row:
            return row[:1]
        return (
            self.env["integration.shipment.release"]
            .sudo()
            .create(
                {
                    "picking_id": picking.id,
                    "system_id": system.id,
                    "release_number": picking.integration_release_count,
                    "released_at": picking.integration_released_at,
                }
            )
        )

    def _integration_resolve_ack_breach(self, note):
        """Resolve the missed-window exception of this delivery once no
        current release of it waits past its window any more."""
        self.ensure_one()
        waiting = self.sudo().integration_release_ids.filtered(
            lambda r: r.current and r.state == "pending" and r.breached
        )
        if waiting:
            return self.env["integration.exception"]
        return self._integration_resolve_fingerprint(
            SLA_FINGERPRINT.format(picking_id=self.id), note
        )

    def _integration_resolve_rejection(self, note):
        self.ensure_one()
        rejected = self.sudo().integration_release_ids.filtered(
            lambda r: r.current and r.state == "rejected"
        )
        if rejected:
            return self.env["integration.exception"]
        return self._integration_resolve_fingerprint(
            REJECTED_FINGERPRINT.format(picking_id=self.id), note
        )

    def _integration_resolve_fingerprint(self, fingerprint, note):
        exceptions = (
            self.env["integration.exception"]
            .sudo()
            .search(
                [
                    ("fingerprint", "=", fingerprint),
                    ("state", "in", ("new", "in_progress")),
                ]
            )
        )
        exceptions.action_resolve(note)
        return exceptions

    def action_integration_release_again(self):
        """Release again (after a rejection was dealt with, or to send a
        changed delivery): a new release number, new events, answers awaited
        anew; the earlier release's rejection is resolved."""
        for picking in self:
            if picking.picking_type_code != "outgoing" or picking.state in (
                "done",
                "cancel",
                "draft",
            ):
                raise UserError(
                    _(
                        "%(picking)s cannot be released: only an outgoing delivery "
                        "waiting or ready to ship can.",
                        picking=picking.name,
                    )
                )
        events = self._integration_release()
        if not events:
            raise UserError(
                _(
                    "Nobody subscribed to shipment.released for these deliveries: "
                    "subscribe the warehouse's system first."
                )
            )
        for picking in self:
            picking._integration_resolve_rejection(_("Released again."))
            picking._integration_resolve_ack_breach(_("Released again."))
        return True
