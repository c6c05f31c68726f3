from odoo import fields, models
from odoo.tools import config

from ..tools import secret_box


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    integration_encryption_key_configured = fields.Boolean(
        compute="_compute_integration_encryption_key_configured"
    )
    integration_event_source = fields.Char(
        string="Event source URI",
        config_parameter="integration.event_source",
        help="CloudEvents 'source' of every event; defaults to the base URL "
        "followed by /integration.",
    )
    integration_event_retention_days = fields.Integer(
        string="Keep events (days)",
        config_parameter="integration.event_retention_days",
        default=90,
    )

    def _compute_integration_encryption_key_configured(self):
        configured = bool((config.get(secret_box.CONFIG_KEY) or "").strip())
        for settings in self:
            settings.integration_encryption_key_configured = configured
