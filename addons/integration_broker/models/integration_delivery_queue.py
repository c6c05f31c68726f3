import time
from concurrent import futures
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
        window at a time on one connection, three windows in the pipe: while
        the broker confirms one (a thread of its own), the outcomes of the
        previous one are written (a second thread, on this cursor) and the
        messages of the next one built. A crash thus publishes again at most
        two windows (the one in flight and the one being recorded), with the
        same ``message_id``.

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

        def read(delivery_ids):
            """The window's envelopes, in one query (the cursor's part of
            building a window)."""
            return (
                self.env["integration.event"]
                .browse([rows[delivery_id].event_id for delivery_id in delivery_ids])
                ._cloudevents(base_url)
            )

        def build(delivery_ids, envelopes):
            """The window's messages, without the database. The
            ``traceparent`` is the span of the attempt recording stores."""
            items = []
            for delivery_id in delivery_ids:
                row = rows[delivery_id]
                envelope = envelopes[row.event_id]
                # attempt_trace's ids are valid: no need for trace_context.make
                body, properties = build_message(
                    envelope, style, "00-{}-{}-01".format(*row.next_trace())
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
        windows.append([])  # the one after the last: nothing to build
        sent = 0
        unroutable = None
        routed = False  # an unroutable exception resolved by this drain

        # one connection for the drain, used by the relay thread only
        windows_publisher = publisher.Publisher(parameters, exchange, timeout, window)

        def publish(chunk):
            return windows_publisher.publish([message for _id, message in chunk])

        with (
            ThreadPoolExecutor(1, thread_name_prefix="broker-relay") as relay,
            ThreadPoolExecutor(1, thread_name_prefix="broker-record") as recorder,
        ):
            writing = None
            try:
                # the connection opens while the rows are read
                relay.submit(windows_publisher.open)
                # what recording needs, read once: a drain publishes each
                # delivery once
                rows = delivery_model._recording_rows(ids)
                chunk = build(windows[0], read(windows[0]))
                upcoming = relay.submit(publish, chunk) if chunk else None
                following = build(windows[1], read(windows[1])) if chunk else []
                for index in range(len(windows) - 1):
                    results = upcoming.result()
                    sent += len(chunk)
                    outcomes = []
                    for (delivery_id, _message), result in zip(
                        chunk, results, strict=True
                    ):
                        outcomes.append(
                            (
                                delivery_model.browse(delivery_id),
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
                    blocked = circuit_tools.allows(circuit, time.time()) == 0
                    upcoming = None
                    if following and not blocked and time.monotonic() < deadline:
                        # the next window goes out while this one is recorded
                        upcoming = relay.submit(publish, following)
                    plan = delivery_model._recording_plan(outcomes, rows=rows)
                    after_next = windows[index + 2] if upcoming else []
                    envelopes = read(after_next) if after_next else {}
                    # the outcomes are written while the window after the next
                    # is built; the cursor is the recorder's meanwhile
                    writing = recorder.submit(
                        delivery_model._write_recorded, plan.attempts, plan.updates
                    )
                    following_next = build(after_next, envelopes)
                    delivery_model._after_recorded(plan, writing.result())
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
                    chunk, following = following, following_next
            finally:
                if writing is not None:
                    futures.wait([writing])  # the cursor is this thread's again
                # after the window in flight, if any (the relay runs one at a time)
                relay.submit(windows_publisher.close)
                self._store_circuit(subscription, circuit)
        return sent
