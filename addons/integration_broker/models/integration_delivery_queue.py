import time

from odoo import models
from odoo.exceptions import UserError

from odoo.addons.integration_webhook.models.integration_delivery_queue import (
    DRAIN_TIME_BUDGET,
)
from odoo.addons.integration_webhook.tools import circuit as circuit_tools
from odoo.addons.integration_webhook.tools.sender import SendResult

from ..tools import publisher
from ..tools.amqp_message import build_message, routing_key
from ..tools.traceparent import continue_trace


class IntegrationDeliveryQueue(models.AbstractModel):
    _inherit = "integration.delivery.queue"

    def _send_rabbitmq(self, subscription, deliveries, circuit):
        """Publish the deliveries to the subscription's exchange, one confirm
        window at a time: publish the window, wait for the broker's confirms,
        record the outcomes and commit, then the next window. A crash thus
        publishes again at most one window, with the same ``message_id``.

        :return: the number of deliveries published (confirmed or not)
        """
        delivery_model = self.env["integration.delivery"]
        connection = subscription.broker_connection_id
        try:
            parameters = connection._parameters(name=f"odoo relay {subscription.name}")
        except (UserError, ValueError) as exc:
            return deliveries._fail_unsent(f"broker connection unusable: {exc}")
        deliveries._prefetch_for_sending()
        events = deliveries.event_id
        has_trace = "trace_id" in events._fields  # set by the tracing module
        template = subscription.broker_routing_key or "{type}"
        style = subscription.payload_style
        items = []
        for delivery in deliveries:
            event = delivery.event_id
            envelope = event.to_cloudevent()
            trace_id = event.trace_id if has_trace else None
            body, properties = build_message(
                envelope, style, continue_trace(trace_id, envelope["id"])
            )
            items.append(
                (delivery.id, (routing_key(template, envelope), body, properties))
            )
        exchange, timeout = subscription.broker_exchange or "", subscription.timeout
        window, threshold = subscription.broker_window, subscription.failure_threshold
        cooldown = subscription.cooldown
        deadline = time.monotonic() + DRAIN_TIME_BUDGET
        sent = 0
        unroutable = None
        try:
            for start in range(0, len(items), window):
                chunk = items[start : start + window]
                results = publisher.publish_batch(
                    parameters,
                    exchange,
                    [message for _id, message in chunk],
                    timeout,
                    window,
                )
                sent += len(chunk)
                outcomes = []
                # one recordset: reading what recording needs is one query
                # for the window, not one per delivery (a commit cleared the cache)
                records = delivery_model.browse(
                    [delivery_id for delivery_id, _m in chunk]
                )
                for delivery, result in zip(records, results, strict=True):
                    outcomes.append(
                        (
                            delivery,
                            SendResult(
                                result.outcome,
                                duration_ms=result.duration_ms,
                                error=result.error,
                            ),
                        )
                    )
                    # an unroutable message is the subscriber's set-up, not
                    # the broker failing: it does not open the circuit
                    if not result.unroutable:
                        circuit = circuit_tools.after_result(
                            circuit,
                            result.outcome == "success",
                            time.time(),
                            threshold,
                            cooldown,
                        )
                    elif unroutable is None:
                        unroutable = result.error
                delivery_model._record_results(outcomes)
                if unroutable:
                    subscription._report_unroutable(unroutable)
                elif any(result.outcome == "success" for result in results):
                    subscription._resolve_unroutable()
                self._commit()
                blocked = circuit_tools.allows(circuit, time.time()) == 0
                if blocked or time.monotonic() > deadline:
                    break
        finally:
            self._store_circuit(subscription, circuit)
        return sent
