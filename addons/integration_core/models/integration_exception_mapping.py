from odoo import api, fields, models

from ..tools.mapping_codes import unmapped_from_fingerprint

OPEN_STATES = ("new", "in_progress")


class IntegrationException(models.Model):
    """The "create the missing mapping" fix of unmapped-code exceptions.

    Kept apart from ``integration_exception.py``: it is the bridge between
    the exception queue and the code mappings.
    """

    _inherit = "integration.exception"

    mapping_kind = fields.Char(compute="_compute_mapping_hint")
    mapping_code = fields.Char(string="Unmapped code", compute="_compute_mapping_hint")
    edit_log_ids = fields.One2many(
        "integration.edit.log", "exception_id", string="Edits", readonly=True
    )
    can_edit = fields.Boolean(compute="_compute_can_edit")

    def _compute_can_edit(self):
        for exception in self:
            # sudo: whether the message has declared fields, not its content
            source = exception.sudo()._source() if exception.source_model else None
            exception.can_edit = bool(source and source._integration_editable_fields())

    @api.model
    def _waiting_for_mappings(self, mappings):
        """Open unmapped-code exceptions that ``mappings`` answer (their
        fingerprint is ``[<system>:]unmapped:<kind>:<code>``)."""
        domain = []
        for mapping in mappings:
            prints = [
                f"unmapped:{mapping.kind}:{mapping.external_code}",
                f"{mapping.system_id.code}:unmapped:{mapping.kind}:{mapping.external_code}",
            ]
            domain = (
                (["|"] if domain else [])
                + domain
                + [
                    "&",
                    ("system_id", "=", mapping.system_id.id),
                    ("fingerprint", "in", prints),
                ]
            )
        if not domain:
            return self.browse()
        return self.sudo().search(
            [("kind", "=", "unmapped_code"), ("state", "in", OPEN_STATES)] + domain,
            order="first_seen, id",
        )

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

    def action_open_map_wizard(self):
        """Map the unknown code to one of the ranked candidates."""
        self.ensure_one()
        wizard = self.env["integration.exception.map"].create({"exception_id": self.id})
        wizard._fill_candidates()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Map %(code)s", code=self.mapping_code),
            "res_model": "integration.exception.map",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_open_edit_wizard(self):
        """Correct the declared fields of the kept message, then reprocess."""
        self.ensure_one()
        wizard = self.env["integration.exception.edit"].create(
            {"exception_id": self.id}
        )
        wizard._fill_lines()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Correct the message"),
            "res_model": "integration.exception.edit",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

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
