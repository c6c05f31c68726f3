from odoo import fields, models


class IntegrationSecretReveal(models.TransientModel):
    """Shows a new signing secret once; it cannot be read again afterwards."""

    _name = "integration.secret.reveal"
    _description = "Show a webhook secret once"

    secret_id = fields.Many2one(
        "integration.subscription.secret", string="Key", required=True, readonly=True
    )
    scheme = fields.Selection(related="secret_id.scheme")
    plaintext = fields.Char(string="Secret", readonly=True)
    public_key = fields.Char(related="secret_id.public_key")
    public_keys_url = fields.Char(related="secret_id.subscription_id.public_keys_url")

    def read(self, fields=None, load="_classic_read"):
        """The plaintext is served once, to its creator, then wiped."""
        records = super().read(fields, load)
        if not fields or "plaintext" in fields:
            self.sudo().write({"plaintext": False})
        return records
