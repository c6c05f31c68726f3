from odoo import api, fields, models
from odoo.exceptions import UserError


class IntegrationSystemUserWizard(models.TransientModel):
    """Create the technical user of a partner system with least privilege.

    The groups are those the chosen scopes declare (``integration.api.scope.
    group_ids``) plus *Internal User*; a group that grants administration is
    never given, whatever a scope says.
    """

    _name = "integration.system.user.wizard"
    _description = "Create the technical user of a partner system"

    #: Groups a technical user never gets: they administer Odoo or its users.
    _FORBIDDEN_GROUPS = ("base.group_system", "base.group_erp_manager")

    system_id = fields.Many2one("integration.system", required=True, ondelete="cascade")
    name = fields.Char(compute="_compute_identity", store=True, readonly=False)
    login = fields.Char(compute="_compute_identity", store=True, readonly=False)
    scope_ids = fields.Many2many(
        "integration.api.scope",
        string="Scopes its keys will carry",
        compute="_compute_scope_ids",
        store=True,
        readonly=False,
        help="Proposed from the system's active API keys.",
    )
    group_ids = fields.Many2many(
        "res.groups",
        string="Groups it gets",
        compute="_compute_group_ids",
        help="Internal User and the groups the scopes need, nothing more.",
    )

    @api.depends("system_id")
    def _compute_identity(self):
        for wizard in self:
            system = wizard.system_id
            wizard.name = (
                self.env._("%(system)s (integration)", system=system.name)
                if system
                else False
            )
            wizard.login = f"integration_{system.code}" if system.code else False

    @api.depends("system_id")
    def _compute_scope_ids(self):
        for wizard in self:
            keys = wizard.system_id.api_key_ids.filtered(
                lambda key: key.state == "active"
            )
            wizard.scope_ids = keys.scope_ids

    @api.depends("scope_ids")
    def _compute_group_ids(self):
        for wizard in self:
            wizard.group_ids = wizard._groups_for(wizard.scope_ids)

    @api.model
    def _groups_for(self, scopes):
        """Internal User plus the scopes' groups, minus any administrator group."""
        # real records (in the form's onchange the scopes are new records)
        scopes = self.env["integration.api.scope"].sudo().browse(scopes._origin.ids)
        groups = self.env.ref("base.group_user") | scopes.group_ids
        forbidden = self.env["res.groups"].browse(
            [self.env.ref(xmlid).id for xmlid in self._FORBIDDEN_GROUPS]
        )
        return groups.filtered(
            lambda group: not (group.trans_implied_ids | group) & forbidden
        )

    def action_create_user(self):
        """Create the user (as superuser: integration managers need not manage
        users), set it on the system and open the system again."""
        self.ensure_one()
        system = self.system_id
        if not (self.name and self.login):
            raise UserError(self.env._("Give the technical user a name and a login."))
        if system.user_id:
            raise UserError(
                self.env._(
                    "%(system)s already has a technical user, %(user)s.",
                    system=system.display_name,
                    user=system.user_id.display_name,
                )
            )
        if (
            self.env["res.users"]
            .sudo()
            .with_context(active_test=False)
            .search_count([("login", "=", self.login)])
        ):
            raise UserError(
                self.env._(
                    "A user with the login %(login)s exists already: "
                    "choose another login.",
                    login=self.login,
                )
            )
        user = (
            self.env["res.users"]
            .sudo()
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": self.name,
                    "login": self.login,
                    "company_id": system.company_id.id,
                    "company_ids": [fields.Command.set(system.company_id.ids)],
                    "groups_id": [
                        fields.Command.set(self._groups_for(self.scope_ids).ids)
                    ],
                }
            )
        )
        system.user_id = user
        system.message_post(
            body=self.env._(
                "Technical user %(user)s created with the groups: %(groups)s.",
                user=user.display_name,
                groups=", ".join(user.groups_id.mapped("full_name")),
            )
        )
        return {"type": "ir.actions.act_window_close"}
