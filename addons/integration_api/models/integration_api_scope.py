from odoo import fields, models


class IntegrationApiScope(models.Model):
    """A permission an API key can carry, e.g. ``orders:write``.

    Modules that add resources ship their scopes as data records.
    """

    _name = "integration.api.scope"
    _description = "Integration API Scope"
    _order = "code"
    _rec_name = "code"

    code = fields.Char(required=True, help="e.g. orders:write")
    name = fields.Char(required=True, translate=True)
    description = fields.Text(
        translate=True,
        help="What a key with this scope may do, shown when a key is issued.",
    )
    group_ids = fields.Many2many(
        "res.groups",
        "integration_api_scope_res_groups_rel",
        "scope_id",
        "group_id",
        string="Groups of the technical user",
        help="The narrowest groups the system's technical user needs for requests "
        "with this scope; 'Create technical user' gives it these. Set by the module "
        "that adds the scope's resources.",
    )

    _sql_constraints = [("code_uniq", "unique(code)", "A scope code exists once.")]
