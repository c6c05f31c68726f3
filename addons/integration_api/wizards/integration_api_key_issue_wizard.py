from odoo import api, fields, models


class IntegrationApiKeyIssueWizard(models.TransientModel):
    """Issue a key; the next step shows its token once.

    The token never reaches the database: the second step opens a *new*,
    unsaved record whose default comes from the action context, and it has
    only a Close button.
    """

    _name = "integration.api.key.issue.wizard"
    _description = "Issue an Integration API Key"

    system_id = fields.Many2one("integration.system", required=True)
    name = fields.Char(required=True, default="API key")
    scope_ids = fields.Many2many("integration.api.scope", string="Scopes")
    expires_at = fields.Datetime(string="Expires on")
    rate_limit_per_minute = fields.Integer(default=600)
    # Step two, never saved:
    api_key_id = fields.Many2one("integration.api.key", readonly=True)
    token = fields.Char(readonly=True)

    def action_issue(self):
        self.ensure_one()
        key = self.env["integration.api.key"].create(
            {
                "system_id": self.system_id.id,
                "name": self.name,
                "scope_ids": [fields.Command.set(self.scope_ids.ids)],
                "expires_at": self.expires_at,
                "rate_limit_per_minute": self.rate_limit_per_minute,
            }
        )
        return self._action_show_token(key, key._issue_secret())

    @api.model
    def _action_show_token(self, key, token):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Your new API key"),
            "res_model": self._name,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "integration_api.integration_api_key_token_view_form"
                    ).id,
                    "form",
                )
            ],
            "target": "new",
            "context": {
                "default_api_key_id": key.id,
                "default_system_id": key.system_id.id,
                "default_token": token,
            },
        }
