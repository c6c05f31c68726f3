from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.request_builder import RESERVED_HEADERS


class IntegrationSubscriptionHeader(models.Model):
    """An extra HTTP header sent with every delivery (e.g. an API token).

    Values are encrypted at rest, since they are often credentials.
    """

    _name = "integration.subscription.header"
    _description = "Webhook Extra Header"
    _inherit = ["integration.encryption.mixin"]

    subscription_id = fields.Many2one(
        "integration.subscription", required=True, ondelete="cascade", index=True
    )
    name = fields.Char(required=True)
    value = fields.Char(
        compute="_compute_value",
        inverse="_inverse_value",
        help="Stored encrypted; shown masked.",
    )
    value_encrypted = fields.Char(readonly=True, groups="base.group_system")

    @api.depends("value_encrypted")
    def _compute_value(self):
        for header in self:
            header.value = "********" if header.sudo().value_encrypted else False

    def _inverse_value(self):
        for header in self:
            if header.value and header.value != "********":
                header.sudo().value_encrypted = self._encrypt_secret(header.value)

    @api.constrains("name")
    def _check_name(self):
        for header in self:
            if header.name.strip().lower() in RESERVED_HEADERS:
                raise ValidationError(
                    self.env._("The header %(name)s is set by Odoo.", name=header.name)
                )

    def _plaintext(self):
        self.ensure_one()
        token = self.sudo().value_encrypted
        return self._decrypt_secret(token) if token else ""
