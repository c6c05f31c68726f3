from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.api_keys import (
    display_prefix,
    generate_api_key,
    generate_public_id,
    hash_secret,
)


class IntegrationApiKey(models.Model):
    """A scoped credential of one partner system.

    Only a keyed hash of the secret is stored; the token is shown once when
    issued. Requests authenticated by the key run as the system's technical
    user.
    """

    _name = "integration.api.key"
    _description = "Integration API Key"
    _inherit = ["mail.thread"]
    _order = "system_id, name"

    name = fields.Char(
        required=True, tracking=True, help="What this key is for, e.g. 'order import'."
    )
    system_id = fields.Many2one(
        "integration.system",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
    )
    company_id = fields.Many2one(related="system_id.company_id", store=True, index=True)
    scope_ids = fields.Many2many(
        "integration.api.scope",
        relation="integration_api_key_scope_rel",
        column1="key_id",
        column2="scope_id",
        string="Scopes",
        tracking=True,
    )
    public_id = fields.Char(
        string="Key ID",
        readonly=True,
        copy=False,
        index=True,
        help="Public part of the key, used to find it; not a secret.",
    )
    prefix = fields.Char(compute="_compute_prefix", string="Key")
    secret_hash = fields.Char(readonly=True, copy=False, groups="base.group_system")
    expires_at = fields.Datetime(string="Expires on", tracking=True)
    state = fields.Selection(
        [("active", "Active"), ("revoked", "Revoked")],
        required=True,
        default="active",
        tracking=True,
    )
    active = fields.Boolean(default=True)
    last_used_at = fields.Datetime(readonly=True, help="Updated at most once a minute.")
    rate_limit_per_minute = fields.Integer(
        default=600, help="Requests allowed per minute; 0 means unlimited."
    )
    request_log_count = fields.Integer(compute="_compute_request_log_count")

    _sql_constraints = [
        ("public_id_uniq", "unique(public_id)", "Key ids are unique."),
        (
            "rate_limit_positive",
            "CHECK(rate_limit_per_minute >= 0)",
            "The rate limit cannot be negative.",
        ),
    ]

    @api.depends("public_id")
    def _compute_prefix(self):
        for key in self:
            key.prefix = display_prefix(key.public_id) if key.public_id else False

    def _compute_request_log_count(self):
        groups = self.env["integration.api.request.log"]._read_group(
            [("api_key_id", "in", self.ids)], ["api_key_id"], ["__count"]
        )
        counts = {key.id: count for key, count in groups}
        for key in self:
            key.request_log_count = counts.get(key.id, 0)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals.setdefault("public_id", generate_public_id())
        return super().create(vals_list)

    def _issue_secret(self):
        """Give the key a new secret and return the token, to show it once.

        :return: ``odk_<public id>_<secret>``
        """
        self.ensure_one()
        _public_id, _secret, token = generate_api_key(self.public_id)
        self.sudo().secret_hash = hash_secret(self.public_id, _secret)
        self.message_post(body=self.env._("A new secret was issued."))
        return token

    def action_revoke(self):
        self.write({"state": "revoked"})
        return True

    def action_rotate(self):
        """Replace the secret: the old token stops working at once."""
        self.ensure_one()
        if self.state != "active":
            raise UserError(self.env._("Only an active key can get a new secret."))
        return self.env["integration.api.key.issue.wizard"]._action_show_token(
            self, self._issue_secret()
        )

    def action_view_request_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "integration_api.integration_api_request_log_action"
        )
        action["domain"] = [("api_key_id", "=", self.id)]
        return action
