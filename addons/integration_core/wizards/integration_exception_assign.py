from odoo import api, fields, models
from odoo.exceptions import UserError


class IntegrationExceptionAssign(models.TransientModel):
    """Assign exceptions picked in the list to a person and/or a team."""

    _name = "integration.exception.assign"
    _description = "Assign integration exceptions"

    exception_ids = fields.Many2many(
        "integration.exception", required=True, readonly=True
    )
    user_id = fields.Many2one(
        "res.users", string="Assign to", domain=[("share", "=", False)]
    )
    team_id = fields.Many2one("integration.exception.team")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        ids = self.env.context.get("active_ids") or []
        if self.env.context.get("active_model") == "integration.exception" and ids:
            values["exception_ids"] = [fields.Command.set(ids)]
        return values

    def action_assign(self):
        self.ensure_one()
        if not (self.user_id or self.team_id):
            raise UserError(self.env._("Choose a person or a team."))
        vals = {}
        if self.user_id:
            vals["user_id"] = self.user_id.id
        if self.team_id:
            vals["team_id"] = self.team_id.id
        self.exception_ids.write(vals)
        if self.user_id:
            self.exception_ids.filtered(lambda e: e.state == "new").write(
                {"state": "in_progress"}
            )
        return {"type": "ir.actions.act_window_close"}
