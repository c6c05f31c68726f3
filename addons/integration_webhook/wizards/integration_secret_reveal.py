from odoo import fields, models


class IntegrationSecretReveal(models.TransientModel):
    """Shows what to give the partner for a signing key.

    v1: the shared secret, once. v1a: the public key and the keys URL; the
    private key is never shown. The form is opened unsaved, filled from the
    action's context: a plaintext goes to the manager's browser and is never
    written to the database, not even in this transient table.
    """

    _name = "integration.secret.reveal"
    _description = "Show a webhook signing key"

    secret_id = fields.Many2one(
        "integration.subscription.secret", string="Key", required=True, readonly=True
    )
    scheme = fields.Selection(related="secret_id.scheme")
    plaintext = fields.Char(string="Secret", readonly=True)
    public_key = fields.Char(related="secret_id.public_key")
    public_keys_url = fields.Char(
        string="Public keys URL", related="secret_id.subscription_id.public_keys_url"
    )
