from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.candidates import rank_candidates


class IntegrationExceptionMap(models.TransientModel):
    """Create the missing mapping from an exception, picking from the
    records the code most likely means (best first), then reprocess every
    exception that waited for the code."""

    _name = "integration.exception.map"
    _description = "Map an unknown code from an exception"

    exception_id = fields.Many2one(
        "integration.exception", required=True, readonly=True
    )
    system_id = fields.Many2one(related="exception_id.system_id")
    mapping_kind = fields.Char(related="exception_id.mapping_kind")
    mapping_code = fields.Char(related="exception_id.mapping_code")
    waiting_count = fields.Integer(
        string="Exceptions waiting for this code", compute="_compute_waiting_count"
    )
    candidate_ids = fields.One2many("integration.exception.map.candidate", "wizard_id")

    @api.depends("exception_id")
    def _compute_waiting_count(self):
        for wizard in self:
            mapping = self.env["integration.mapping"].new(
                {
                    "system_id": wizard.system_id.id,
                    "kind": wizard.mapping_kind,
                    "external_code": wizard.mapping_code,
                }
            )
            wizard.waiting_count = len(
                self.env["integration.exception"]._waiting_for_mappings(mapping)
            )

    def _fill_candidates(self):
        self.ensure_one()
        if not (self.mapping_kind and self.mapping_code):
            raise UserError(self.env._("This exception is not about an unmapped code."))
        Mapping = self.env["integration.mapping"]
        rows = Mapping._candidate_rows(
            self.system_id, self.mapping_kind, self.mapping_code
        )
        labels = {row[0]: row for row in rows}
        model = Mapping._kind_models().get(self.mapping_kind)
        reasons = dict(
            self.env["integration.exception.map.candidate"]._fields["reason"].selection
        )
        self.candidate_ids = [
            fields.Command.create(
                {
                    "res_model": model,
                    "res_id": candidate.res_id,
                    "label": " ".join(
                        str(part) for part in labels[candidate.res_id][1:] if part
                    ),
                    "score": candidate.score,
                    "reason": candidate.reason
                    if candidate.reason in reasons
                    else False,
                    "rank": rank,
                }
            )
            for rank, candidate in enumerate(
                rank_candidates(self.mapping_code, rows), start=1
            )
        ]

    def _map_to(self, res_id):
        """Create (or re-point) the mapping; the mapping reprocesses the
        exceptions waiting for its code. Returns the notification."""
        self.ensure_one()
        exception = self.exception_id
        Mapping = self.env["integration.mapping"]
        existing = Mapping.with_context(active_test=False).search(
            [
                ("system_id", "=", self.system_id.id),
                ("kind", "=", self.mapping_kind),
                ("external_code", "=", self.mapping_code),
            ],
            limit=1,
        )
        waiting = self.env["integration.exception"]._waiting_for_mappings(
            Mapping.new(
                {
                    "system_id": self.system_id.id,
                    "kind": self.mapping_kind,
                    "external_code": self.mapping_code,
                }
            )
        )
        note = self.env._("Fixes: %(name)s", name=exception.name)
        if existing:
            existing.write({"res_id": res_id, "active": True})
            mapping = existing
        else:
            mapping = Mapping.create(
                {
                    "system_id": self.system_id.id,
                    "kind": self.mapping_kind,
                    "external_code": self.mapping_code,
                    "res_id": res_id,
                    "note": note,
                }
            )
        solved = waiting.filtered(lambda e: e.state == "resolved")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Mapping saved"),
                "message": self.env._(
                    "%(mapping)s now maps to %(target)s: %(solved)s of %(total)s "
                    "waiting exceptions solved.",
                    mapping=mapping.display_name,
                    target=mapping.record_name or "-",
                    solved=len(solved),
                    total=len(waiting),
                ),
                "type": "success" if len(solved) == len(waiting) else "warning",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }


class IntegrationExceptionMapCandidate(models.TransientModel):
    _name = "integration.exception.map.candidate"
    _description = "Record proposed for an unknown code"
    _order = "rank, id"

    wizard_id = fields.Many2one(
        "integration.exception.map", required=True, ondelete="cascade"
    )
    rank = fields.Integer()
    res_model = fields.Char(required=True)
    res_id = fields.Many2oneReference(model_field="res_model", required=True)
    record_name = fields.Char(string="Record", compute="_compute_record_name")
    label = fields.Char(string="Code, barcode, name")
    score = fields.Integer(help="0-100: how well it matches the code.")
    reason = fields.Selection(
        [("code", "Internal reference"), ("barcode", "Barcode"), ("name", "Name")],
        string="Matched on",
    )

    @api.depends("res_model", "res_id")
    def _compute_record_name(self):
        for candidate in self:
            record = self.env[candidate.res_model].browse(candidate.res_id).exists()
            candidate.record_name = record.display_name if record else False

    def action_choose(self):
        self.ensure_one()
        return self.wizard_id._map_to(self.res_id)
