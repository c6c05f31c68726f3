from odoo import api, models


class IntegrationApiMessage(models.Model):
    """A message links to the record it made (its first one, when several),
    shown with its name instead of the bare ids of ``res_ids``."""

    _name = "integration.api.message"
    _inherit = ["integration.api.message", "integration.record.link.mixin"]

    def _record_link_target(self):
        self.ensure_one()
        ids = self._record_link_ids()
        return (self.res_model, ids[0]) if self.res_model and ids else (False, False)

    def _record_link_ids(self):
        return [
            int(part)
            for part in (self.res_ids or "").split(",")
            if part.strip().isdigit()
        ]

    @api.model
    def _domain_for_records(self, records):
        """Messages that made ``records`` (a recordset of one model)."""
        return [
            ("res_model", "=", records._name),
            ("res_ids", "in", [str(record_id) for record_id in records.ids]),
        ]
