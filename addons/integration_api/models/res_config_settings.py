from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import metrics_access
from .integration_metrics import PARAM_ALLOWLIST, PARAM_ENABLED, PARAM_TOKEN_DIGEST


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    integration_metrics_enabled = fields.Boolean(
        string="Prometheus metrics",
        config_parameter=PARAM_ENABLED,
        help="Serve /metrics (Prometheus text format) to callers with the "
        "bearer token or from an allowed address.",
    )
    integration_metrics_allowed_addresses = fields.Char(
        string="Addresses allowed to scrape",
        config_parameter=PARAM_ALLOWLIST,
        help="Comma-separated addresses or CIDRs (e.g. 10.0.0.5, 10.1.0.0/16) "
        "that may read /metrics without a token. Behind a reverse proxy, "
        "start Odoo with --proxy-mode so the client's address is seen.",
    )
    integration_metrics_token = fields.Char(
        string="New bearer token",
        help="Type a token (at least 24 characters) to replace the current "
        "one; only its SHA-256 is stored. Leave empty to keep it.",
    )
    integration_metrics_token_set = fields.Boolean(
        string="Bearer token set",
        compute="_compute_integration_metrics_token_set",
        default=lambda self: self._integration_metrics_token_is_set(),
    )
    integration_metrics_clear_token = fields.Boolean(
        string="Remove the bearer token",
        help="Only the allowlist then grants access.",
    )

    @api.model
    def _integration_metrics_token_is_set(self):
        return bool(
            self.env["ir.config_parameter"].sudo().get_param(PARAM_TOKEN_DIGEST)
        )

    def _compute_integration_metrics_token_set(self):
        value = self._integration_metrics_token_is_set()
        for settings in self:
            settings.integration_metrics_token_set = value

    @api.constrains(
        "integration_metrics_allowed_addresses", "integration_metrics_token"
    )
    def _check_integration_metrics(self):
        for settings in self:
            try:
                metrics_access.parse_allowlist(
                    settings.integration_metrics_allowed_addresses
                )
            except ValueError as error:
                raise ValidationError(
                    self.env._("Metrics allowlist: %s", error)
                ) from None
            token = (settings.integration_metrics_token or "").strip()
            if token and len(token) < 24:
                raise ValidationError(
                    self.env._("The metrics token must have at least 24 characters.")
                )

    def set_values(self):
        result = super().set_values()
        params = self.env["ir.config_parameter"].sudo()
        for settings in self:
            token = (settings.integration_metrics_token or "").strip()
            if token:
                params.set_param(PARAM_TOKEN_DIGEST, metrics_access.token_digest(token))
            elif settings.integration_metrics_clear_token:
                params.set_param(PARAM_TOKEN_DIGEST, False)
        # the token itself is never kept, not even in the transient record
        self.write(
            {
                "integration_metrics_token": False,
                "integration_metrics_clear_token": False,
            }
        )
        return result
