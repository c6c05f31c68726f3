from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import publisher


class IntegrationBrokerConnection(models.Model):
    """A RabbitMQ server (or virtual host) that subscriptions publish to and
    consumers read from.

    The URL holds the credentials: it is stored encrypted like webhook
    secrets (``integration.encryption.mixin``) and shown without its password.
    """

    _name = "integration.broker.connection"
    _description = "Message Broker Connection"
    _inherit = ["integration.encryption.mixin"]
    _order = "name"

    name = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )
    url = fields.Char(
        string="URL",
        compute="_compute_url",
        inverse="_inverse_url",
        help="amqp://user:password@host:5672/vhost, or amqps:// for TLS. "
        "Stored encrypted; shown without the password.",
    )
    url_encrypted = fields.Char(readonly=True, groups="base.group_system", copy=False)
    url_display = fields.Char(string="Server", readonly=True, copy=False)
    tls_verify = fields.Boolean(
        string="Verify TLS certificate",
        default=True,
        help="With amqps://: check the server certificate and host name "
        "against the public CA bundle. Turn off only for a test broker.",
    )
    timeout = fields.Integer(
        string="Connect timeout (s)",
        default=10,
        help="How long to wait for the connection and the AMQP handshake.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("timeout_positive", "CHECK(timeout > 0)", "The timeout must be positive.")
    ]

    @api.depends("url_display")
    def _compute_url(self):
        for connection in self:
            connection.url = connection.url_display

    def _inverse_url(self):
        for connection in self:
            url = (connection.url or "").strip()
            if url == connection.url_display:
                continue  # the redacted value shown came back unchanged
            try:
                publisher.check_url(url)
            except ValueError as exc:
                raise ValidationError(str(exc)) from None
            connection.sudo().write(
                {
                    "url_encrypted": self._encrypt_secret(url),
                    "url_display": publisher.redact_url(url),
                }
            )
        # the cache holds what was typed: show the redacted value from now on
        self.invalidate_recordset(["url"])

    def _plain_url(self):
        self.ensure_one()
        token = self.sudo().url_encrypted
        if not token:
            raise UserError(
                self.env._("The broker connection %(name)s has no URL.", name=self.name)
            )
        return self._decrypt_secret(token)

    def _parameters(self, name=None):
        """pika connection parameters (with the decrypted credentials)."""
        self.ensure_one()
        return publisher.connection_parameters(
            self._plain_url(), self.tls_verify, float(self.timeout), name=name
        )

    def action_test_connection(self):
        """Open and close a connection, and say how it went."""
        self.ensure_one()
        self.check_access("write")
        import pika  # noqa: PLC0415 - only this button needs the blocking client

        try:
            pika.BlockingConnection(
                self._parameters(name="odoo connection test")
            ).close()
        except Exception as exc:  # noqa: BLE001 - shown to the admin, nothing else
            title, kind, message = (
                self.env._("Connection failed"),
                "danger",
                publisher._reason(exc),
            )
        else:
            title, kind, message = (
                self.env._("Connected"),
                "success",
                self.url_display,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": title, "message": message, "type": kind},
        }
