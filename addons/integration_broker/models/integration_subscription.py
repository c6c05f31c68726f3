from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.integration_core.models.integration_exception import OPEN_STATES

from ..tools.amqp_message import check_template


class IntegrationSubscription(models.Model):
    """A subscription whose deliveries are published to a RabbitMQ exchange.

    Same events, filters, deliveries, attempts, retries, circuit breaker,
    dead deliveries and replay as a webhook: only the sending differs
    (``integration.delivery.queue._send_rabbitmq``).
    """

    _inherit = "integration.subscription"

    transport = fields.Selection(
        selection_add=[("rabbitmq", "RabbitMQ exchange")],
        ondelete={"rabbitmq": "cascade"},
    )
    broker_connection_id = fields.Many2one(
        "integration.broker.connection",
        string="Broker",
        ondelete="restrict",
        tracking=True,
    )
    broker_exchange = fields.Char(
        string="Exchange",
        tracking=True,
        help="The exchange to publish to; it must exist (declared by the "
        "broker's administrator, with the queues bound to it).",
    )
    broker_routing_key = fields.Char(
        string="Routing key",
        default="{type}",
        help="Template of the routing key: {type} (e.g. order.accepted), "
        "{subject}, {source}, {dataversion}, {id}.",
    )
    broker_window = fields.Integer(
        string="Confirm window",
        default=500,
        help="Messages published before waiting for the broker's confirms; "
        "each window's outcomes are committed while the next one is "
        "published, so a crash publishes again at most twice this many "
        "(with the same message_id).",
    )

    @api.onchange("transport")
    def _onchange_transport_broker(self):
        if self.transport == "rabbitmq" and self.payload_style == "cloudevents":
            self.payload_style = "cloudevents_binary"

    @api.constrains(
        "transport", "broker_connection_id", "broker_exchange", "broker_routing_key"
    )
    def _check_broker_target(self):
        for subscription in self.filtered(lambda s: s.transport == "rabbitmq"):
            if not subscription.broker_connection_id:
                raise ValidationError(self.env._("Choose the broker to publish to."))
            if not subscription.broker_exchange:
                raise ValidationError(self.env._("Name the exchange to publish to."))
            try:
                check_template(subscription.broker_routing_key)
            except ValueError as exc:
                raise ValidationError(str(exc)) from None
            if not 1 <= subscription.broker_window <= 10000:
                raise ValidationError(self.env._("Confirm window: 1 to 10,000."))

    def _report_unroutable(self, error):
        """One exception per subscription, counted, while messages come back."""
        self.ensure_one()
        return self.env["integration.exception"].report(
            kind="connection",
            title=self.env._(
                "Events published to %(exchange)s are unroutable",
                exchange=self.broker_exchange or "(default exchange)",
            ),
            detail=error,
            fingerprint=f"broker-unroutable:{self.id}",
            system=self.system_id or None,
            source=self,
            severity="high",
            suggested_fix=self.env._(
                "Bind a queue to the exchange for these routing keys (or fix the "
                "routing key template); the deliveries are retried on their "
                "schedule, Reprocess sends them now."
            ),
        )

    def _resolve_unroutable(self):
        self.ensure_one()
        self.env["integration.exception"].sudo().search(
            [
                ("fingerprint", "=", f"broker-unroutable:{self.id}"),
                ("state", "in", OPEN_STATES),
            ]
        ).action_resolve(self.env._("The broker routed the messages again."))

    def _integration_reprocess(self):
        """An unroutable exception: send the waiting deliveries now."""
        if all(s.transport == "rabbitmq" for s in self):
            pending = (
                self.env["integration.delivery"]
                .sudo()
                .search(
                    [("subscription_id", "in", self.ids), ("state", "=", "pending")]
                )
            )
            pending.write({"next_attempt_at": fields.Datetime.now()})
        return super()._integration_reprocess()
