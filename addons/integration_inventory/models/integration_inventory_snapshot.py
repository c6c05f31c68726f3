import csv
import hashlib
import io
import json
from datetime import timedelta

from odoo import api, fields, models

from odoo.addons.integration_core.tools.canonical_json import to_jsonable

from ..tools.availability import FIGURES

FORMATS = {
    "jsonl": ("application/x-ndjson", "jsonl"),
    "csv": ("text/csv", "csv"),
}
CSV_COLUMNS = ("sku", "product_id", "warehouse", "uom", "uom_code", *FIGURES)


class IntegrationInventorySnapshot(models.Model):
    """The full availability of a channel's SKUs at one moment, as files.

    The batch path with controls: a receiver checks it got every line
    (``record_count``) and every byte (SHA-256) of what the
    ``inventory.snapshot`` event announced.
    """

    _name = "integration.inventory.snapshot"
    _description = "Integration Inventory Snapshot"
    _order = "id desc"

    system_id = fields.Many2one(
        "integration.system",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(related="system_id.company_id", store=True)
    taken_at = fields.Datetime(
        required=True, readonly=True, default=fields.Datetime.now
    )
    expires_at = fields.Datetime(readonly=True)
    record_count = fields.Integer(readonly=True)
    jsonl_attachment_id = fields.Many2one(
        "ir.attachment", readonly=True, ondelete="set null"
    )
    csv_attachment_id = fields.Many2one(
        "ir.attachment", readonly=True, ondelete="set null"
    )
    jsonl_sha256 = fields.Char(string="SHA-256 (JSON Lines)", readonly=True)
    csv_sha256 = fields.Char(string="SHA-256 (CSV)", readonly=True)
    event_id = fields.Many2one("integration.event", readonly=True, ondelete="set null")

    @api.depends("system_id", "taken_at")
    def _compute_display_name(self):
        for snapshot in self:
            snapshot.display_name = f"{snapshot.system_id.code} {snapshot.taken_at}"

    # ------------------------------------------------------------------
    # Taking one
    # ------------------------------------------------------------------
    @api.model
    def _take(self, system):
        """Write the snapshot of ``system``'s allocated SKUs and announce it."""
        resource = self.env["integration.api.availability.resource"]
        items = []
        products = (
            self.env["product.product"]
            .sudo()
            .with_company(system.company_id)
            .search(resource._stocked_domain(system), order="id")
        )
        warehouses = system._availability_warehouses()
        for start in range(0, len(products), 500):
            items += resource._availability_items(
                system, products[start : start + 500], warehouses
            )
        jsonl = "".join(
            json.dumps(item, default=to_jsonable, sort_keys=True, ensure_ascii=False)
            + "\n"
            for item in items
        ).encode()
        buffer = io.StringIO()
        writer = csv.DictWriter(
            buffer, CSV_COLUMNS, extrasaction="ignore", lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(items)
        csv_bytes = buffer.getvalue().encode()
        taken_at = fields.Datetime.now()
        snapshot = self.sudo().create(
            {
                "system_id": system.id,
                "taken_at": taken_at,
                "expires_at": taken_at
                + timedelta(days=system.snapshot_retention_days or 7),
                "record_count": len(items),
                "jsonl_sha256": hashlib.sha256(jsonl).hexdigest(),
                "csv_sha256": hashlib.sha256(csv_bytes).hexdigest(),
            }
        )
        Attachment = self.env["ir.attachment"].sudo()
        name = f"availability-{system.code}-{taken_at:%Y%m%dT%H%M%S}"
        snapshot.write(
            {
                "jsonl_attachment_id": Attachment.create(
                    snapshot._attachment_vals(f"{name}.jsonl", jsonl, "jsonl")
                ).id,
                "csv_attachment_id": Attachment.create(
                    snapshot._attachment_vals(f"{name}.csv", csv_bytes, "csv")
                ).id,
            }
        )
        snapshot.event_id = snapshot._announce()
        return snapshot

    def _attachment_vals(self, name, content, fmt):
        return {
            "name": name,
            "raw": content,
            "mimetype": FORMATS[fmt][0],
            "res_model": self._name,
            "res_id": self.id,
        }

    def _announce(self):
        self.ensure_one()
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        url = f"{base.rstrip('/')}/api/v1/snapshots/{self.id}"
        return (
            self.env["integration.event"]
            .with_company(self.company_id)
            ._emit(
                "inventory.snapshot",
                {
                    "snapshot_id": self.id,
                    "system": self.system_id.code,
                    "taken_at": self.taken_at,
                    "expires_at": self.expires_at,
                    "record_count": self.record_count,
                    "files": [
                        {
                            "format": "jsonl",
                            "content_type": FORMATS["jsonl"][0],
                            "url": f"{url}?format=jsonl",
                            "sha256": self.jsonl_sha256,
                            "bytes": self.jsonl_attachment_id.file_size,
                        },
                        {
                            "format": "csv",
                            "content_type": FORMATS["csv"][0],
                            "url": f"{url}?format=csv",
                            "sha256": self.csv_sha256,
                            "bytes": self.csv_attachment_id.file_size,
                        },
                    ],
                },
                record=self,
                subject=f"snapshots/{self.system_id.code}/{self.id}",
                system=self.system_id,
            )
        )

    def _content(self, fmt):
        """``(bytes, content type, sha256)`` of one of the snapshot's files."""
        self.ensure_one()
        attachment = (
            self.jsonl_attachment_id if fmt == "jsonl" else self.csv_attachment_id
        )
        digest = self.jsonl_sha256 if fmt == "jsonl" else self.csv_sha256
        return attachment.sudo().raw or b"", FORMATS[fmt][0], digest

    # ------------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------------
    @api.model
    def _cron_take_due(self, now=None):
        """Take today's snapshot of each system whose hour (UTC) has come."""
        now = now or fields.Datetime.now()
        systems = (
            self.env["integration.system"]
            .sudo()
            .search(
                [
                    ("snapshot_enabled", "=", True),
                    ("state", "=", "active"),
                    ("snapshot_hour", "<=", now.hour),
                ]
            )
        )
        start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
        taken = (
            self.sudo()
            .search(
                [("system_id", "in", systems.ids), ("taken_at", ">=", start_of_day)]
            )
            .system_id
        )
        snapshots = self
        for system in systems - taken:
            snapshots |= self._take(system)
        return snapshots

    @api.model
    def _cron_purge_expired(self):
        expired = self.sudo().search([("expires_at", "<", fields.Datetime.now())])
        (expired.jsonl_attachment_id | expired.csv_attachment_id).unlink()
        expired.unlink()
