from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    integration_webhook_allowed_networks = fields.Char(
        string="Internal networks allowed as webhook targets",
        config_parameter="integration_webhook.allowed_networks",
        help="Comma-separated CIDRs (e.g. 10.20.0.0/16) that webhooks may reach "
        "although they are private. Leave empty to allow public addresses only.",
    )
    integration_webhook_delivery_retention_days = fields.Integer(
        string="Keep delivered webhooks (days)",
        config_parameter="integration_webhook.delivery_retention_days",
        default=30,
    )
    integration_webhook_rotation_grace_hours = fields.Integer(
        string="Old secret valid after rotation (hours)",
        config_parameter="integration_webhook.rotation_grace_hours",
        default=24,
    )
