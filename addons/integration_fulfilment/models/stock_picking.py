from odoo import _, fields, models
from odoo.tools import SQL

from ..tools.milestones import EXCEPTION_STATUSES, STATUSES, milestone_key, next_status

# what a milestone keeps of the values it was recorded from
MILESTONE_VALUES = (
    "status",
    "carrier_status",
    "substatus",
    "description",
    "occurred_at",
    "location",
    "eta",
)


class StockPicking(models.Model):
    """Carrier tracking of an outgoing delivery: its timeline, the status it
    has reached, the ETA and the proof of delivery."""

    _inherit = "stock.picking"

    integration_milestone_ids = fields.One2many(
        "integration.shipment.milestone", "picking_id", string="Tracking milestones"
    )
    integration_tracking_status = fields.Selection(
        [(code, label) for code, label, _rank in STATUSES],
        string="Tracking status",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    integration_tracking_status_at = fields.Datetime(
        string="Status since", readonly=True, copy=False
    )
    integration_eta = fields.Datetime(string="ETA (carrier)", readonly=True, copy=False)
    integration_delivered_at = fields.Datetime(
        string="Delivered at", readonly=True, copy=False
    )
    integration_pod_receiver = fields.Char(
        string="Received by", readonly=True, copy=False
    )
    integration_pod_attachment_id = fields.Many2one(
        "ir.attachment", string="Proof of delivery", readonly=True, copy=False
    )

    def _integration_belongs_to(self, system):
        """Whether ``system`` may see and change this shipment: it sent the
        order, or runs its warehouse, or is its carrier (a warehouse or
        carrier mapping of the system names it)."""
        self.ensure_one()
        return bool(self._integration_belonging_to(system))

    def _integration_belonging_to(self, system):
        """The pickings of ``self`` that ``system`` may see and change (see
        :meth:`_integration_belongs_to`), in the order of ``self``.

        One query for any number of pickings: every API call on a shipment
        asks it, and through the ORM it read the whole picking, its moves,
        its operation type and the mappings (five queries and most of a
        milestone's time). The order is the picking's sales order, else
        that of its first move with a sale line.
        """
        if not self or not system:
            return self.browse()
        self._integration_flush_belonging()
        self.env.cr.execute(
            SQL(
                "SELECT p.id FROM stock_picking p WHERE p.id = ANY(%s) AND %s",
                list(self.ids),
                self._integration_belonging_sql(system),
            )
        )
        found = {row[0] for row in self.env.cr.fetchall()}
        return self.filtered(lambda picking: picking.id in found)

    def _integration_find_outgoing(self, picking_id, company_id, system):
        """``(found, belongs)`` for the outgoing delivery ``picking_id`` of
        ``company_id``: whether it exists, and whether ``system`` may see
        and change it (see :meth:`_integration_belonging_to`).

        One query for what a search by id and the belonging check asked in
        two (the search compiled a domain through the ORM, about a
        millisecond of Python for every milestone posted by id).
        """
        if not system:
            return False, False
        self._integration_flush_belonging()
        self.env.cr.execute(
            SQL(
                """SELECT %s FROM stock_picking p
                         JOIN stock_picking_type pt ON pt.id = p.picking_type_id
                    WHERE p.id = %s AND pt.code = 'outgoing' AND p.company_id = %s""",
                self._integration_belonging_sql(system),
                picking_id,
                company_id,
            )
        )
        row = self.env.cr.fetchone()
        return (True, bool(row[0])) if row else (False, False)

    def _integration_flush_belonging(self):
        for model, names in (
            (
                "stock.picking",
                ["sale_id", "picking_type_id", "carrier_id", "company_id"],
            ),
            ("stock.move", ["picking_id", "sale_line_id", "sequence"]),
            ("sale.order.line", ["order_id"]),
            ("sale.order", ["integration_system_id"]),
            ("stock.picking.type", ["warehouse_id", "code"]),
            ("integration.mapping", ["system_id", "res_model", "res_id", "active"]),
        ):
            self.env[model].flush_model(names)

    def _integration_belonging_sql(self, system):
        """The condition, on the picking ``p``, that ``system`` may see and
        change it: the order is the picking's sales order, else that of its
        first move with a sale line; or a warehouse or carrier mapping of
        the system names it."""
        return SQL(
            """((SELECT o.integration_system_id FROM sale_order o
                  WHERE o.id = COALESCE(p.sale_id, (
                        SELECT l.order_id
                          FROM stock_move m
                          JOIN sale_order_line l ON l.id = m.sale_line_id
                         WHERE m.picking_id = p.id
                      ORDER BY m.sequence, m.id
                         LIMIT 1))) = %(system)s
                OR EXISTS (
                   SELECT 1 FROM integration_mapping mp
                    WHERE mp.system_id = %(system)s AND mp.active
                      AND ((mp.res_model = 'stock.warehouse'
                            AND mp.res_id = (
                                SELECT t.warehouse_id FROM stock_picking_type t
                                 WHERE t.id = p.picking_type_id))
                        OR (mp.res_model = 'delivery.carrier'
                            AND mp.res_id = p.carrier_id))))""",
            system=system.id,
        )

    def _integration_record_milestone(self, system, values, pod=None):
        """Record one milestone; return ``(milestone, created)``.

        A repeat (same partner event id, or same status, time and carrier
        word) returns the milestone already recorded. The shipment moves on
        only if the milestone is newer and not behind its status.

        :param values: ``status``, ``occurred_at`` (naive UTC), optional
            ``carrier_status``, ``substatus``, ``description``, ``location``,
            ``eta``, ``event_id``
        :param pod: for ``delivered``: ``{"receiver_name", "name", "mimetype",
            "raw"}`` (the bytes already size-checked), or ``None``
        """
        self.ensure_one()
        picking = self.sudo()
        # what this needs and the milestone's company, not the whole row
        picking.fetch(
            [
                "company_id",
                "integration_tracking_status",
                "integration_tracking_status_at",
            ]
        )
        key = milestone_key(
            values["status"],
            values["occurred_at"],
            values.get("carrier_status"),
            values.get("event_id"),
        )
        current = (
            (
                picking.integration_tracking_status,
                picking.integration_tracking_status_at,
            )
            if picking.integration_tracking_status
            else None
        )
        new = (values["status"], values["occurred_at"])
        moved = next_status(current, new) == new and current != new
        Milestone = self.env["integration.shipment.milestone"].sudo()
        milestone_id = picking._integration_insert_milestone(
            {
                "picking_id": picking.id,
                "company_id": picking.company_id.id,
                "system_id": system.id,
                "key": key,
                "applied": moved,
                **{name: values.get(name) for name in MILESTONE_VALUES},
                "receiver_name": (pod or {}).get("receiver_name"),
            }
        )
        if milestone_id is None:
            existing = Milestone.search(
                [("picking_id", "=", picking.id), ("key", "=", key)], limit=1
            )
            return existing, False
        milestone = Milestone.browse(milestone_id)
        if pod and pod.get("raw"):
            milestone.pod_attachment_id = picking._integration_attach_pod(pod)
        if moved:
            picking._integration_move_on(milestone, system, values)
        return milestone, True

    def _integration_insert_milestone(self, values):
        """Insert one milestone row; its id, or ``None`` when the picking has
        the same key already (a repeat).

        One statement instead of a search and an ORM ``create``: milestones
        are only ever appended, and nothing overrides their creation.
        ``ON CONFLICT DO NOTHING`` makes two repeats sent at the same time
        safe as well: under Odoo's REPEATABLE READ, the second one fails
        with a serialization error when the first commits, and Odoo runs it
        again, when it finds the first and answers it as a repeat.
        """
        uid = self.env.uid
        columns = list(values)
        self.env.cr.execute(
            SQL(
                """INSERT INTO integration_shipment_milestone
                          (%s, create_uid, write_uid, create_date, write_date)
                   VALUES (%s, %s, %s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')
                   ON CONFLICT (picking_id, key) DO NOTHING
                   RETURNING id""",
                SQL(", ").join(SQL.identifier(column) for column in columns),
                SQL(", ").join(SQL("%s", values[column]) for column in columns),
                uid,
                uid,
            )
        )
        row = self.env.cr.fetchone()
        self.invalidate_recordset(["integration_milestone_ids"])
        return row[0] if row else None

    def _integration_attach_pod(self, pod):
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": pod.get("name") or f"POD {self.name}",
                    "raw": pod["raw"],
                    "mimetype": pod.get("mimetype"),
                    "res_model": "stock.picking",
                    "res_id": self.id,
                }
            )
        )

    def _integration_move_on(self, milestone, system, values):
        """The shipment moves on to ``milestone``, recorded from ``values``
        (see :meth:`_integration_record_milestone`).

        None of the fields written is tracked, so the chatter's tracking is
        skipped (``mail_notrack``): it read every tracked field of the
        picking first, for nothing.
        """
        vals = {
            "integration_tracking_status": values["status"],
            "integration_tracking_status_at": values["occurred_at"],
        }
        if values.get("eta"):
            vals["integration_eta"] = values["eta"]
        if values["status"] == "delivered":
            vals.update(
                integration_delivered_at=milestone.occurred_at,
                integration_pod_receiver=milestone.receiver_name,
                integration_pod_attachment_id=milestone.pod_attachment_id.id,
            )
        self.with_context(mail_notrack=True).write(vals)
        if values["status"] == "delivered":
            self._integration_emit_delivery_confirmed(milestone)
        if values["status"] in EXCEPTION_STATUSES:
            labels = dict(milestone._fields["status"]._description_selection(self.env))
            self.env["integration.exception"].report(
                "business_rule",
                _(
                    "%(picking)s: %(status)s",
                    picking=self.name,
                    status=labels[milestone.status],
                ),
                detail=_(
                    "The carrier reported %(word)s%(sub)s at %(location)s on %(time)s. "
                    "Contact the customer or the carrier, then resolve.",
                    word=milestone.carrier_status or milestone.status,
                    sub=f" ({milestone.substatus})" if milestone.substatus else "",
                    location=milestone.location or "?",
                    time=milestone.occurred_at,
                ),
                fingerprint=f"shipment:{self.id}:{milestone.status}",
                system=system,
                record=self,
                severity="high",
            )

    def _integration_emit_delivery_confirmed(self, milestone):
        order = self.sale_id or self.move_ids.sale_line_id.order_id[:1]
        system = order.integration_system_id
        return self.env["integration.event"]._emit(
            "delivery.confirmed",
            {
                "shipment_id": self.id,
                "shipment_ref": self.name,
                "order_ref": order.name or None,
                "external_ref": order.integration_external_ref or None,
                "source_system": system.code or None,
                "delivered_at": milestone.occurred_at,
                "received_by": milestone.receiver_name or None,
                "location": milestone.location or None,
                "carrier_status": milestone.carrier_status or None,
                "tracking_ref": (self["carrier_tracking_ref"] or None)
                if "carrier_tracking_ref" in self._fields
                else None,
                "proof_of_delivery": bool(milestone.pod_attachment_id),
                "reported_by": milestone.system_id.code or None,
            },
            record=self,
            subject=f"shipments/{self.name}",
            system=system or None,
        )
