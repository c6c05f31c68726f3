from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools.availability import allocate


class IntegrationSystem(models.Model):
    """Channel allocation: what a partner system is offered of Odoo's stock."""

    _inherit = "integration.system"

    availability_warehouse_ids = fields.Many2many(
        "stock.warehouse",
        "integration_system_availability_warehouse_rel",
        "system_id",
        "warehouse_id",
        string="Warehouses that feed it",
        domain="[('company_id', '=', company_id)]",
        help="The warehouses whose stock this channel may sell, in order of "
        "preference (the availability check promises from the first that has "
        "enough). Empty: every warehouse of the company.",
    )
    availability_buffer_kind = fields.Selection(
        [
            ("none", "No buffer"),
            ("absolute", "Units held back"),
            ("percent", "Share held back (%)"),
        ],
        string="Safety buffer",
        required=True,
        default="none",
        help="Held back from Odoo's free quantity before the channel is offered "
        "it, per product and warehouse: a marketplace that oversells is "
        "penalised, so offer it a little less than there is.",
    )
    availability_buffer = fields.Float(
        string="Buffer",
        digits="Product Unit of Measure",
        help="Units (or percent) held back per product and warehouse.",
    )
    availability_cap = fields.Float(
        string="Offer at most",
        digits="Product Unit of Measure",
        help="The most the channel is offered per product and warehouse; 0 for no cap.",
    )
    availability_publish = fields.Boolean(
        string="Publish availability changes",
        help="Announce availability.changed events for this channel's warehouses "
        "(in its own codes, after its allocation) whenever stock moves.",
    )

    count_threshold_kind = fields.Selection(
        [
            ("none", "Apply every count"),
            ("absolute", "Hold differences above a number of units"),
            ("percent", "Hold differences above a share of the books (%)"),
        ],
        string="Counts from this system",
        required=True,
        default="none",
        help="POST /api/v1/inventory/counts: a counted quantity that differs from "
        "Odoo's books by more than this is not applied; the count is kept and an "
        "exception asks a person to approve or reject it.",
    )
    count_threshold = fields.Float(
        string="Hold above", digits="Product Unit of Measure"
    )
    snapshot_enabled = fields.Boolean(
        string="Nightly snapshot",
        help="Every day, write the full availability of this channel's SKUs as "
        "files (JSON Lines and CSV, with record count and SHA-256) and announce "
        "them with an inventory.snapshot event; only this system's API keys can "
        "download them (GET /api/v1/snapshots/<id>).",
    )
    snapshot_hour = fields.Integer(
        string="Snapshot hour (UTC)", default=2, help="0-23, in UTC."
    )
    snapshot_retention_days = fields.Integer(string="Keep snapshots (days)", default=7)

    @api.constrains("snapshot_hour", "snapshot_retention_days")
    def _check_snapshot_schedule(self):
        for system in self:
            if not 0 <= system.snapshot_hour <= 23:
                raise ValidationError(_("The snapshot hour is between 0 and 23 (UTC)."))
            if system.snapshot_retention_days < 1:
                raise ValidationError(_("Snapshots are kept at least one day."))

    @api.constrains(
        "availability_buffer_kind", "availability_buffer", "availability_cap"
    )
    def _check_availability_allocation(self):
        for system in self:
            if system.availability_buffer < 0 or system.availability_cap < 0:
                raise ValidationError(_("A buffer or a cap cannot be negative."))
            if (
                system.availability_buffer_kind == "percent"
                and system.availability_buffer > 100
            ):
                raise ValidationError(_("A percentage buffer is at most 100."))

    def _availability_warehouses(self):
        """The warehouses that feed this channel, in preference order."""
        self.ensure_one()
        warehouses = self.sudo().availability_warehouse_ids
        if not warehouses:
            warehouses = (
                self.env["stock.warehouse"]
                .sudo()
                .search([("company_id", "=", self.company_id.id)])
            )
        return warehouses

    def _allocation(self):
        """``allocate(free, rounding)`` for this channel, its settings read once
        (called for every product and warehouse of a page)."""
        self.ensure_one()
        kind, buffer = self.availability_buffer_kind, self.availability_buffer
        cap = self.availability_cap or None

        def to_sell(free, rounding=None):
            return allocate(free, kind, buffer, cap=cap, rounding=rounding)

        return to_sell

    def _available_to_sell(self, free, rounding=None):
        """What this channel is offered of ``free`` (Odoo's free quantity)."""
        self.ensure_one()
        return allocate(
            free,
            self.availability_buffer_kind,
            self.availability_buffer,
            cap=self.availability_cap or None,
            rounding=rounding,
        )
