from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import config

from ..tools import secret_box


class IntegrationEncryptionMixin(models.AbstractModel):
    """Encrypt and decrypt secrets with the key from the configuration file."""

    _name = "integration.encryption.mixin"
    _description = "Integration secret encryption"

    # the default is what a new (unsaved) form shows: the web client does not
    # compute a field without dependencies on a new record
    encryption_key_configured = fields.Boolean(
        compute="_compute_encryption_key_configured",
        default=lambda self: self._encryption_key_is_set(),
        help="Technical: whether integration_encryption_key is set in the Odoo "
        "configuration file. Secrets cannot be stored without it.",
    )

    @api.model
    def _encryption_keys(self):
        return config.get(secret_box.CONFIG_KEY) or ""

    @api.model
    def _encryption_key_is_set(self):
        return bool(self._encryption_keys().strip())

    def _compute_encryption_key_configured(self):
        configured = self._encryption_key_is_set()
        for record in self:
            record.encryption_key_configured = configured

    @api.model
    def _encrypt_secret(self, plaintext):
        try:
            return secret_box.encrypt(self._encryption_keys(), plaintext)
        except secret_box.SecretBoxError as exc:
            raise UserError(
                self.env._(
                    "Secrets cannot be stored: %(reason)s. Ask the server "
                    "administrator to add integration_encryption_key to the Odoo "
                    "configuration file and restart Odoo.",
                    reason=exc,
                )
            ) from None

    @api.model
    def _decrypt_secret(self, token):
        return secret_box.decrypt(self._encryption_keys(), token)
