from odoo import api, fields, models
from odoo.tools import config

from ..tools import secret_box


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # the settings form is always a new record: the default is what it shows
    integration_encryption_key_configured = fields.Boolean(
        compute="_compute_integration_encryption_key_configured",
        default=lambda self: self._integration_encryption_key_is_set(),
    )
    integration_event_source = fields.Char(
        string="Event source URI",
        config_parameter="integration.event_source",
        help="CloudEvents 'source' of every event, set at installation from the "
        "base URL followed by /integration. Consumers tell systems apart by it: "
        "change it only together with them. Emptied, it is set again from the "
        "current base URL when you save.",
    )
    integration_event_retention_days = fields.Integer(
        string="Keep events (days)",
        config_parameter="integration.event_retention_days",
        default=90,
    )

    @api.model
    def _integration_encryption_key_is_set(self):
        return bool((config.get(secret_box.CONFIG_KEY) or "").strip())

    def _compute_integration_encryption_key_configured(self):
        configured = self._integration_encryption_key_is_set()
        for settings in self:
            settings.integration_encryption_key_configured = configured

    def set_values(self):
        result = super().set_values()
        self.env["integration.event"]._init_event_source()
        return result
