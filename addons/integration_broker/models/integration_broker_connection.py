from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import publisher, tls


class IntegrationBrokerConnection(models.Model):
    """A RabbitMQ server (or virtual host) that subscriptions publish to and
    consumers read from.

    The URL holds the credentials: it is stored encrypted like webhook
    secrets (``integration.encryption.mixin``) and shown without its password.
    With ``amqps://``: the CA certificate of a private CA, host name
    verification, an optional client certificate whose key is stored
    encrypted the same way (``tools/tls.py`` builds the SSL context).
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
    uses_tls = fields.Boolean(
        string="TLS", compute="_compute_uses_tls", help="The URL is amqps://."
    )
    tls_verify = fields.Boolean(
        string="Verify TLS certificate",
        default=True,
        help="With amqps://: check that the server certificate was issued by "
        "the CA certificate below (or, without one, by a public CA). Turn off "
        "only for a test broker.",
    )
    tls_check_hostname = fields.Boolean(
        string="Verify host name",
        default=True,
        help="Check that the server certificate names the host of the URL. "
        "Turn off only when the certificate cannot name it (the certificate "
        "itself is still verified).",
    )
    tls_ca_cert = fields.Text(
        string="CA certificate",
        help="PEM certificate(s) of the authority that issued the broker's "
        "certificate (a private CA). Empty: the public CA bundle.",
    )
    tls_client_cert = fields.Text(
        string="Client certificate",
        copy=False,  # its key is not copied either
        help="Optional, for brokers that require one (mutual TLS, RabbitMQ's "
        "EXTERNAL authentication): the PEM certificate Odoo presents.",
    )
    tls_client_key = fields.Text(
        string="Client key",
        compute="_compute_tls_client_key",
        inverse="_inverse_tls_client_key",
        help="The PEM private key of the client certificate, without a "
        "passphrase. Stored encrypted; never shown again.",
    )
    tls_client_key_encrypted = fields.Char(
        readonly=True, groups="base.group_system", copy=False
    )
    tls_client_key_set = fields.Boolean(
        string="Client key stored", readonly=True, copy=False
    )
    tls_summary = fields.Text(string="Certificates", compute="_compute_tls_summary")
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

    @api.depends("url")
    def _compute_uses_tls(self):
        for connection in self:
            connection.uses_tls = (connection.url or "").strip().startswith("amqps:")

    def _compute_tls_client_key(self):
        # write-only: the key is never read back into the form
        for connection in self:
            connection.tls_client_key = False

    def _inverse_tls_client_key(self):
        for connection in self:
            key = (connection.tls_client_key or "").strip()
            if not key:
                continue  # the empty value shown came back unchanged
            try:
                tls.load_private_key(key)
            except ValueError as exc:
                raise ValidationError(str(exc)) from None
            connection.sudo().write(
                {
                    "tls_client_key_encrypted": self._encrypt_secret(key),
                    "tls_client_key_set": True,
                }
            )
        self.invalidate_recordset(["tls_client_key"])

    @api.depends("tls_ca_cert", "tls_client_cert")
    def _compute_tls_summary(self):
        for connection in self:
            lines = []
            for label, pem in (
                (self.env._("CA"), connection.tls_ca_cert),
                (self.env._("Client"), connection.tls_client_cert),
            ):
                try:
                    described = tls.describe(pem)
                except ValueError as exc:
                    described = str(exc)
                lines.extend(f"{label}: {line}" for line in described.splitlines())
            connection.tls_summary = "\n".join(lines) or False

    @api.constrains("tls_ca_cert", "tls_client_cert")
    def _check_tls_certificates(self):
        for connection in self:
            try:
                if (connection.tls_ca_cert or "").strip():
                    tls.load_certificates(connection.tls_ca_cert, "CA certificate")
                if (connection.tls_client_cert or "").strip():
                    tls.load_certificates(
                        connection.tls_client_cert, "client certificate"
                    )
            except ValueError as exc:
                raise ValidationError(str(exc)) from None

    @api.constrains("tls_client_cert", "tls_client_key")
    def _check_tls_client_pair(self):
        for connection in self:
            if not (connection.tls_client_cert or "").strip():
                continue
            if not connection.tls_client_key_set:
                raise ValidationError(
                    self.env._("Paste the client key of the client certificate.")
                )
            try:
                tls.check_client_pair(
                    connection.tls_client_cert, connection._plain_client_key()
                )
            except ValueError as exc:
                raise ValidationError(str(exc)) from None

    def write(self, vals):
        if "tls_client_cert" in vals and not (vals["tls_client_cert"] or "").strip():
            # no client certificate any more: its key goes with it
            vals = dict(vals, tls_client_key=False)
            self.sudo().write(
                {"tls_client_key_encrypted": False, "tls_client_key_set": False}
            )
        return super().write(vals)

    def _plain_client_key(self):
        self.ensure_one()
        token = self.sudo().tls_client_key_encrypted
        return self._decrypt_secret(token) if token else ""

    def _tls_settings(self):
        self.ensure_one()
        return tls.TlsSettings(
            verify=self.tls_verify,
            check_hostname=self.tls_check_hostname,
            ca_pem=self.tls_ca_cert or "",
            client_cert_pem=self.tls_client_cert or "",
            client_key_pem=self._plain_client_key()
            if (self.tls_client_cert or "").strip()
            else "",
        )

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
            self._plain_url(), self._tls_settings(), float(self.timeout), name=name
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
