from odoo import api, fields, models

from ..tools.mapping_codes import unmapped_from_fingerprint


class IntegrationException(models.Model):
    """The "create the missing mapping" fix of unmapped-code exceptions.

    Kept apart from ``integration_exception.py``: it is the bridge between
    the exception queue and the code mappings.
    """

    _inherit = "integration.exception"

    mapping_kind = fields.Char(compute="_compute_mapping_hint")
    mapping_code = fields.Char(string="Unmapped code", compute="_compute_mapping_hint")

    @api.depends("kind", "fingerprint")
    def _compute_mapping_hint(self):
        kinds = dict(self.env["integration.mapping"]._fields["kind"].selection)
        for exception in self:
            hint = None
            if exception.kind == "unmapped_code":
                hint = unmapped_from_fingerprint(exception.fingerprint)
            if hint and hint[0] in kinds:
                exception.mapping_kind, exception.mapping_code = hint
            else:
                exception.mapping_kind = exception.mapping_code = False

    def action_create_mapping(self):
        """Open the mapping of the unknown code, pre-filled (or the existing
        one, e.g. archived); save it, then reprocess the exception."""
        self.ensure_one()
        existing = (
            self.env["integration.mapping"]
            .with_context(active_test=False)
            .search(
                [
                    ("system_id", "=", self.system_id.id),
                    ("kind", "=", self.mapping_kind),
                    ("external_code", "=", self.mapping_code),
                ],
                limit=1,
            )
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Map %(code)s", code=self.mapping_code),
            "res_model": "integration.mapping",
            "view_mode": "form",
            "target": "new",
            "res_id": existing.id or False,
            "context": {
                "default_system_id": self.system_id.id,
                "default_kind": self.mapping_kind,
                "default_external_code": self.mapping_code,
                "default_note": self.env._("Fixes: %(name)s", name=self.name),
            },
        }
