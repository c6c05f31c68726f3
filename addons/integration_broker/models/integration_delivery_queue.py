import time
from concurrent.futures import ThreadPoolExecutor

from odoo import models
from odoo.exceptions import UserError

from odoo.addons.integration_webhook.models.integration_delivery_queue import (
    DRAIN_TIME_BUDGET,
)
from odoo.addons.integration_webhook.tools import circuit as circuit_tools
from odoo.addons.integration_webhook.tools.sender import SendResult

from ..tools import publisher
from ..tools.amqp_message import build_message, routing_key


class IntegrationDeliveryQueue(models.AbstractModel):
    _inherit = "integration.delivery.queue"

    def _send_rabbitmq(self, subscription, deliveries, circuit):
        """Publish the deliveries to the subscription's exchange, one confirm
        window at a time on one connection: while the broker confirms one
        window (a thread of its own), the outcomes of the previous one are
        recorded and committed. A crash thus publishes again at most two
        windows (the one in flight and the one being recorded), with the same
        ``message_id``.

        :return: the number of deliveries published (confirmed or not)
        """
        delivery_model = self.env["integration.delivery"]
        connection = subscription.broker_connection_id
        try:
            parameters = connection._parameters(name=f"odoo relay {subscription.name}")
        except (UserError, ValueError) as exc:
            return deliveries._fail_unsent(f"broker connection unusable: {exc}")
        template = subscription.broker_routing_key or "{type}"
        style = subscription.payload_style
        base_url = self.get_base_url()

        def prepare(delivery_ids):
            """The window's messages, read in one query, built while the
            previous window is published. The ``traceparent`` is the span of
            the attempt that recording stores."""
            events = self.env["integration.event"].browse(
                [rows[delivery_id].event_id for delivery_id in delivery_ids]
            )
            envelopes = events._cloudevents(base_url)
            items = []
            for delivery_id in delivery_ids:
                row = rows[delivery_id]
                envelope = envelopes[row.event_id]
                body, properties = build_message(
                    envelope, style, row.next_traceparent()
                )
                items.append(
                    (delivery_id, (routing_key(template, envelope), body, properties))
                )
            return items

        exchange, timeout = subscription.broker_exchange or "", subscription.timeout
        window, threshold = subscription.broker_window, subscription.failure_threshold
        cooldown = subscription.cooldown
        deadline = time.monotonic() + DRAIN_TIME_BUDGET
        ids = deliveries.ids
        windows = [ids[start : start + window] for start in range(0, len(ids), window)]
        sent = 0
        unroutable = None
        routed = False  # an unroutable exception resolved by this drain

        # one connection for the drain, used by the relay thread only
        windows_publisher = publisher.Publisher(parameters, exchange, timeout, window)

        def publish(chunk):
            return windows_publisher.publish([message for _id, message in chunk])

        with ThreadPoolExecutor(1, thread_name_prefix="broker-relay") as relay:
            try:
                # the connection opens while the rows are read
                relay.submit(windows_publisher.open)
                # what recording needs, read once: a drain publishes each
                # delivery once
                rows = delivery_model._recording_rows(ids)
                chunk = prepare(windows[0]) if windows else []
                upcoming = relay.submit(publish, chunk) if chunk else None
                for index in range(len(windows)):
                    following = (
                        prepare(windows[index + 1]) if index + 1 < len(windows) else []
                    )
                    results = upcoming.result()
                    sent += len(chunk)
                    outcomes = [
                        (
                            delivery_model.browse(delivery_id),
                            SendResult(
                                result.outcome,
                                duration_ms=result.duration_ms,
                                error=result.error,
                            ),
                        )
                        for (delivery_id, _message), result in zip(
                            chunk, results, strict=True
                        )
                    ]
                    # an unroutable message is the subscriber's set-up, not
                    # the broker failing: it does not open the circuit
                    circuit = circuit_tools.after_results(
                        circuit,
                        [r.outcome == "success" for r in results if not r.unroutable],
                        time.time(),
                        threshold,
                        cooldown,
                    )
                    if unroutable is None:
                        unroutable = next(
                            (r.error for r in results if r.unroutable), None
                        )
                    blocked = circuit_tools.allows(circuit, time.time()) == 0
                    upcoming = None
                    if following and not blocked and time.monotonic() < deadline:
                        # the next window goes out while this one is recorded
                        upcoming = relay.submit(publish, following)
                    delivery_model._record_results(outcomes, rows=rows)
                    if unroutable:
                        subscription._report_unroutable(unroutable)
                    elif not routed and any(
                        result.outcome == "success" for result in results
                    ):
                        # once a drain: an exception opens only in a later window
                        subscription._resolve_unroutable()
                        routed = True
                    self._commit()
                    if upcoming is None:
                        break
                    chunk = following
            finally:
                # after the window in flight, if any (the relay runs one at a time)
                relay.submit(windows_publisher.close)
                self._store_circuit(subscription, circuit)
        return sent
