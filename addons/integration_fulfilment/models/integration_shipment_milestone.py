from odoo import api, fields, models

from ..tools.milestones import STATUSES


class IntegrationShipmentMilestone(models.Model):
    """One tracking milestone of a shipment, as a carrier reported it.

    Kept whatever its order of arrival: the timeline shows every one, the
    picking's status only moves forward (``tools.milestones.next_status``).
    """

    _name = "integration.shipment.milestone"
    _description = "Integration Shipment Milestone"
    _order = "occurred_at desc, id desc"

    picking_id = fields.Many2one(
        "stock.picking", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="picking_id.company_id", store=True)
    system_id = fields.Many2one("integration.system", readonly=True, index=True)
    status = fields.Selection(
        [(code, label) for code, label, _rank in STATUSES], required=True, readonly=True
    )
    carrier_status = fields.Char(string="Carrier's word", readonly=True)
    substatus = fields.Char(readonly=True)
    description = fields.Char(readonly=True)
    occurred_at = fields.Datetime(required=True, readonly=True)
    location = fields.Char(readonly=True)
    eta = fields.Datetime(string="New ETA", readonly=True)
    key = fields.Char(
        required=True, readonly=True, help="What makes a repeat a duplicate."
    )
    applied = fields.Boolean(
        readonly=True,
        help="It moved the shipment on (a late or stale one is kept, not applied).",
    )
    receiver_name = fields.Char(string="Received by", readonly=True)
    pod_attachment_id = fields.Many2one(
        "ir.attachment", string="Proof of delivery", readonly=True, ondelete="set null"
    )

    _sql_constraints = [
        ("picking_key_uniq", "unique(picking_id, key)", "A milestone is recorded once.")
    ]

    @api.depends("status", "occurred_at")
    def _compute_display_name(self):
        labels = dict(self._fields["status"]._description_selection(self.env))
        for milestone in self:
            milestone.display_name = (
                f"{labels.get(milestone.status, '')} {milestone.occurred_at or ''}"
            )
