from odoo import _, fields, models

from ..tools.milestones import EXCEPTION_STATUSES, STATUSES, milestone_key, next_status


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
        picking = self.sudo()
        order = picking.sale_id or picking.move_ids.sale_line_id.order_id[:1]
        if order and order.integration_system_id == system:
            return True
        Mapping = self.env["integration.mapping"].sudo()
        records = [picking.picking_type_id.warehouse_id]
        if "carrier_id" in picking._fields:
            records.append(picking.carrier_id)
        return any(
            record
            and Mapping.search_count(
                [
                    ("system_id", "=", system.id),
                    ("res_model", "=", record._name),
                    ("res_id", "=", record.id),
                ],
                limit=1,
            )
            for record in records
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
        key = milestone_key(
            values["status"],
            values["occurred_at"],
            values.get("carrier_status"),
            values.get("event_id"),
        )
        Milestone = self.env["integration.shipment.milestone"].sudo()
        existing = Milestone.search(
            [("picking_id", "=", picking.id), ("key", "=", key)], limit=1
        )
        if existing:
            return existing, False
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
        milestone = Milestone.create(
            {
                "picking_id": picking.id,
                "system_id": system.id,
                "key": key,
                "applied": moved,
                **{
                    name: values.get(name)
                    for name in (
                        "status",
                        "carrier_status",
                        "substatus",
                        "description",
                        "occurred_at",
                        "location",
                        "eta",
                    )
                },
                "receiver_name": (pod or {}).get("receiver_name"),
            }
        )
        if pod and pod.get("raw"):
            milestone.pod_attachment_id = picking._integration_attach_pod(pod)
        if values.get("eta") and moved:
            picking.integration_eta = values["eta"]
        if moved:
            picking._integration_move_on(milestone, system)
        return milestone, True

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

    def _integration_move_on(self, milestone, system):
        self.write(
            {
                "integration_tracking_status": milestone.status,
                "integration_tracking_status_at": milestone.occurred_at,
            }
        )
        if milestone.status == "delivered":
            self.write(
                {
                    "integration_delivered_at": milestone.occurred_at,
                    "integration_pod_receiver": milestone.receiver_name,
                    "integration_pod_attachment_id": milestone.pod_attachment_id.id,
                }
            )
            self._integration_emit_delivery_confirmed(milestone)
        if milestone.status in EXCEPTION_STATUSES:
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
