"""Consume a RabbitMQ queue, acknowledging each message after it was handled.

No ORM: ``handle(body, properties, redelivered)`` does the work and commits
it; only when it returns is the message acknowledged. When it raises (the
database is unreachable, a transaction kept failing) the message is given
back to the queue (``nack`` with requeue) and the loop pauses, so nothing
is lost and nothing is acknowledged before its transaction committed. A
message the handler kept as poison returns normally: it is acknowledged
and never redelivered.
"""

import logging
import time

import pika
import pika.exceptions

_logger = logging.getLogger(__name__)

RECONNECT_DELAY = 2.0
HANDLER_FAILURE_PAUSE = 1.0


def _nothing():
    return None


def consume_once(
    parameters,
    queue,
    prefetch,
    handle,
    should_stop,
    idle_timeout=None,
    on_ack=_nothing,
    on_requeue=_nothing,
    on_idle=_nothing,
):
    """One connection's worth of consuming; returns when ``should_stop()``,
    after ``idle_timeout`` seconds without a message, or raises when the
    connection is lost.

    :param on_ack: called after each acknowledgement, ``on_requeue`` after
        each message given back, ``on_idle`` about twice a second while the
        queue is empty (the worker's counters and heartbeat)
    :return: the number of messages acknowledged
    """
    acked = 0
    connection = pika.BlockingConnection(parameters)
    try:
        channel = connection.channel()
        channel.basic_qos(prefetch_count=prefetch)
        idle_since = time.monotonic()
        for method, properties, body in channel.consume(queue, inactivity_timeout=0.5):
            if should_stop():
                break
            if method is None:
                on_idle()
                if idle_timeout and time.monotonic() - idle_since > idle_timeout:
                    break
                continue
            idle_since = time.monotonic()
            try:
                handle(body, properties, method.redelivered)
            except Exception:  # noqa: BLE001 - given back to the queue, not lost
                _logger.exception(
                    "message %s from %s not processed, requeued",
                    properties.message_id,
                    queue,
                )
                channel.basic_nack(method.delivery_tag, requeue=True)
                on_requeue()
                time.sleep(HANDLER_FAILURE_PAUSE)
                continue
            channel.basic_ack(method.delivery_tag)
            acked += 1
            on_ack()
        channel.cancel()
    finally:
        if connection.is_open:
            connection.close()
    return acked


def consume_forever(
    parameters, queue, prefetch, handle, should_stop, idle_timeout=None, **hooks
):
    """:func:`consume_once` (``hooks``: its ``on_*`` callbacks), reconnecting
    after a lost connection."""
    total = 0
    while not should_stop():
        try:
            total += consume_once(
                parameters, queue, prefetch, handle, should_stop, idle_timeout, **hooks
            )
            if idle_timeout:
                return total
        except (pika.exceptions.AMQPError, OSError) as exc:
            _logger.warning(
                "broker connection for %s lost (%s), reconnecting", queue, exc
            )
            time.sleep(RECONNECT_DELAY)
    return total
