from odoo import models

from odoo.addons.integration_webhook.tools.sender import SendResult

from ..tools import publisher
from ..tools.amqp_message import build_message, routing_key


class IntegrationDelivery(models.Model):
    _inherit = "integration.delivery"

    def _send_now(self):
        """The test button of a broker subscription publishes one message."""
        self.ensure_one()
        subscription = self.subscription_id.sudo()
        if subscription.transport != "rabbitmq":
            return super()._send_now()
        envelope = self.event_id.to_cloudevent()
        body, properties = build_message(
            envelope, subscription.payload_style, self._traceparent()
        )
        (result,) = publisher.publish_batch(
            subscription.broker_connection_id._parameters(name="odoo test event"),
            subscription.broker_exchange or "",
            [
                (
                    routing_key(subscription.broker_routing_key, envelope),
                    body,
                    properties,
                )
            ],
            subscription.timeout,
        )
        outcome = SendResult(
            result.outcome, duration_ms=result.duration_ms, error=result.error
        )
        self._record_results([(self, outcome)])
        return outcome
