from odoo import _, api, fields, models

from ..tools.release import ROW_STATES, ack_transition

SLA_FINGERPRINT = "release-ack:{picking_id}"
REJECTED_FINGERPRINT = "release-rejected:{picking_id}"


class IntegrationShipmentRelease(models.Model):
    """One release of a delivery to one system, and that system's answer.

    A row per system the ``shipment.released`` event was built for (the
    3PL running the warehouse, and any other system the delivery belongs to
    that subscribed). Releasing again (after a rejection) supersedes the
    rows of the earlier release: only ``current`` rows count.
    """

    _name = "integration.shipment.release"
    _description = "Integration Shipment Release"
    _order = "released_at desc, id desc"

    picking_id = fields.Many2one(
        "stock.picking", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="picking_id.company_id", store=True)
    system_id = fields.Many2one(
        "integration.system", required=True, index=True, readonly=True
    )
    release_number = fields.Integer(string="Release", readonly=True)
    current = fields.Boolean(
        default=True,
        readonly=True,
        help="Part of the delivery's latest release (an earlier one was "
        "superseded when the delivery was released again).",
    )
    event_id = fields.Many2one("integration.event", readonly=True, ondelete="set null")
    released_at = fields.Datetime(required=True, readonly=True)
    ack_due_at = fields.Datetime(
        string="Acknowledgement due",
        readonly=True,
        index="btree_not_null",
        help="Release time plus the system's acknowledgement window; empty "
        "when the system has none.",
    )
    state = fields.Selection(
        ROW_STATES, required=True, default="pending", readonly=True, index=True
    )
    acknowledged_at = fields.Datetime(readonly=True)
    reason = fields.Text(readonly=True)
    warehouse_reference = fields.Char(readonly=True)
    breached = fields.Boolean(
        string="Window missed",
        readonly=True,
        help="No answer came within the acknowledgement window (an SLA breach "
        "exception was opened; a late answer resolves it).",
    )

    _sql_constraints = [
        (
            "picking_system_release_uniq",
            "unique(picking_id, system_id, release_number)",
            "A system answers a release once (its later answers change it).",
        )
    ]

    @api.depends("picking_id", "system_id", "release_number")
    def _compute_display_name(self):
        for release in self:
            release.display_name = (
                f"{release.picking_id.name} #{release.release_number} "
                f"({release.system_id.code or ''})"
            )

    # ------------------------------------------------------------------
    # The answer (POST /shipments/{ref}/ack)
    # ------------------------------------------------------------------
    def _integration_acknowledge(self, status, reason=None, warehouse_reference=None):
        """Record this system's answer; return ``True`` if it changed anything
        (``False``: the same answer again).

        A rejection opens a business-rule exception on the delivery; an
        acceptance resolves it. Any answer resolves a missed-window exception.
        """
        self.ensure_one()
        release = self.sudo()
        if ack_transition(release.state, status) == "duplicate" and (
            not warehouse_reference
            or warehouse_reference == release.warehouse_reference
        ):
            return False
        release.write(
            {
                "state": status,
                "acknowledged_at": fields.Datetime.now(),
                "reason": reason or False,
                "warehouse_reference": warehouse_reference
                or release.warehouse_reference,
            }
        )
        picking = release.picking_id
        if release.breached:
            picking._integration_resolve_ack_breach(
                _(
                    "%(system)s answered late (%(status)s) at %(time)s.",
                    system=release.system_id.display_name,
                    status=status,
                    time=release.acknowledged_at,
                )
            )
        if status == "rejected":
            release._integration_report_rejection()
        else:
            picking._integration_resolve_rejection(
                _(
                    "%(system)s accepted the release.",
                    system=release.system_id.display_name,
                )
            )
        return True

    def _integration_report_rejection(self):
        self.ensure_one()
        picking = self.picking_id
        return self.env["integration.exception"].report(
            "business_rule",
            _(
                "%(picking)s: release rejected by %(system)s",
                picking=picking.name,
                system=self.system_id.display_name,
            ),
            detail=_(
                "The warehouse rejected release %(number)s of %(picking)s: %(reason)s",
                number=self.release_number,
                picking=picking.name,
                reason=self.reason or _("(no reason given)"),
            ),
            fingerprint=REJECTED_FINGERPRINT.format(picking_id=picking.id),
            system=self.system_id,
            record=picking,
            severity="high",
            suggested_fix=_(
                "Correct the delivery (address, quantities, carrier) or agree with "
                "the warehouse, then use Release again on the delivery (or cancel "
                "it)."
            ),
        )

    # ------------------------------------------------------------------
    # Acknowledgement windows (cron)
    # ------------------------------------------------------------------
    @api.model
    def _cron_check_ack_windows(self, now=None):
        """Open one SLA breach exception per delivery whose release was not
        answered within a system's window; return the releases marked."""
        now = now or fields.Datetime.now()
        late = self.sudo().search(
            [
                ("current", "=", True),
                ("state", "=", "pending"),
                ("breached", "=", False),
                ("ack_due_at", "!=", False),
                ("ack_due_at", "<", now),
                ("picking_id.state", "not in", ("done", "cancel")),
            ],
            order="ack_due_at, id",
        )
        late.write({"breached": True})
        for release in late:
            picking = release.picking_id
            self.env["integration.exception"].report(
                "sla_breach",
                _(
                    "%(picking)s: release not acknowledged by %(system)s",
                    picking=picking.name,
                    system=release.system_id.display_name,
                ),
                detail=_(
                    "Released at %(released)s; the acknowledgement was due at "
                    "%(due)s (window of %(window)s minutes). Ask the warehouse "
                    "whether it received the order.",
                    released=release.released_at,
                    due=release.ack_due_at,
                    window=release.system_id.release_ack_window,
                ),
                fingerprint=SLA_FINGERPRINT.format(picking_id=picking.id),
                system=release.system_id,
                record=picking,
                severity="medium",
                suggested_fix=_(
                    "Contact the warehouse; the exception resolves itself when its "
                    "acknowledgement arrives."
                ),
            )
        return late
