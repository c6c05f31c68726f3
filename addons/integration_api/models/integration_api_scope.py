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
    description = fields.Text(translate=True)

    _sql_constraints = [("code_uniq", "unique(code)", "A scope code exists once.")]
