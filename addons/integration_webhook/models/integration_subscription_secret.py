import secrets

from odoo import api, fields, models

from odoo.addons.integration_core.tools import signing
from odoo.addons.integration_core.tools.params import config_param

DEFAULT_GRACE_HOURS = 24


class IntegrationSubscriptionSecret(models.Model):
    """A signing secret of a subscription, encrypted at rest.

    Rotation keeps the previous secret valid until ``expires_at``: while
    several are valid every delivery carries one signature per secret.
    """

    _name = "integration.subscription.secret"
    _description = "Webhook Signing Secret"
    _inherit = ["integration.encryption.mixin"]
    _order = "id desc"

    subscription_id = fields.Many2one(
        "integration.subscription", required=True, ondelete="cascade", index=True
    )
    scheme = fields.Selection(
        [("v1", "HMAC-SHA256 (v1)"), ("v1a", "Ed25519 (v1a)")], required=True
    )
    key_id = fields.Char(
        required=True, readonly=True, help="Public, non-secret identifier of the key."
    )
    secret_encrypted = fields.Char(
        required=True, readonly=True, groups="base.group_system", copy=False
    )
    public_key = fields.Char(
        readonly=True, help="whpk_ public key (Ed25519 only): publish it to receivers."
    )
    hint = fields.Char(
        readonly=True, help="The last characters, to tell secrets apart."
    )
    revealed = fields.Boolean(readonly=True, copy=False)
    expires_at = fields.Datetime(
        readonly=True, help="Empty for the current secret; set when it was rotated."
    )
    is_valid = fields.Boolean(compute="_compute_is_valid")

    @api.depends("expires_at")
    def _compute_is_valid(self):
        now = fields.Datetime.now()
        for secret in self:
            secret.is_valid = not secret.expires_at or secret.expires_at > now

    @api.model
    def _grace_hours(self):
        return config_param(
            self.env,
            "integration_webhook.rotation_grace_hours",
            DEFAULT_GRACE_HOURS,
            minimum=0,
        )

    @api.model
    def _generate(self, subscription):
        """Create a secret for ``subscription``'s scheme; return the record."""
        if subscription.signing_scheme == "v1a":
            plaintext, public_key = signing.generate_ed25519_keypair()
        else:
            plaintext, public_key = signing.generate_hmac_secret(), False
        secret = self.sudo().create(
            {
                "subscription_id": subscription.id,
                "scheme": subscription.signing_scheme,
                "key_id": f"key_{secrets.token_hex(6)}",
                "secret_encrypted": self._encrypt_secret(plaintext),
                "public_key": public_key,
                "hint": plaintext[-4:]
                if subscription.signing_scheme == "v1"
                else public_key[-4:],
            }
        )
        return secret

    @api.model
    def _signing_material(self, subscription):
        """``(hmac secrets, ed25519 secret keys)`` of ``subscription`` valid
        now, newest first; only those of its current scheme."""
        valid = self.sudo().search(
            [
                ("subscription_id", "=", subscription.id),
                "|",
                ("expires_at", "=", False),
                ("expires_at", ">", fields.Datetime.now()),
            ],
            order="id desc",
        )
        hmac_secrets, ed_keys = [], []
        for secret in valid:
            plain = secret._plaintext()
            (hmac_secrets if secret.scheme == "v1" else ed_keys).append(plain)
        if subscription.signing_scheme == "v1a":
            hmac_secrets = []
        else:
            ed_keys = []
        return hmac_secrets, ed_keys

    def _plaintext(self):
        self.ensure_one()
        return self._decrypt_secret(self.sudo().secret_encrypted)

    def _reveal_action(self):
        """Open the wizard that shows what to give the partner.

        v1 (HMAC): the shared secret, once. v1a (Ed25519): the public key and
        the keys URL, as often as asked; the private key never leaves Odoo.
        """
        self.ensure_one()
        context = {"default_secret_id": self.id}
        if self.scheme == "v1":
            context["default_plaintext"] = self._plaintext()
            name = self.env._("Signing secret")
        else:
            name = self.env._("Public key")
        self.sudo().revealed = True
        return {
            "type": "ir.actions.act_window",
            "res_model": "integration.secret.reveal",
            "view_mode": "form",
            "target": "new",
            "name": name,
            "context": context,
        }
