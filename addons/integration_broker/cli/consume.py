"""``odoo integration_broker_consume``: run the broker consumers.

Started beside the Odoo server (systemd unit, container), with the same
configuration file::

    odoo integration_broker_consume -c /etc/odoo.conf -d mydb [--consumer NAME]

Each active consumer (*Integrations > Configuration > Broker Consumers*) gets
*workers* threads, each with its own connection, channel (with *prefetch*)
and database cursor. A message is processed in a transaction, committed,
then acknowledged. SIGTERM / SIGINT stop after the message in hand. Each
worker counts its outcomes and beats (``--heartbeat``) into
``integration.broker.consumer.worker``, which ``/metrics`` reads.
"""

import argparse
import logging
import signal
import socket
import sys
import threading
import time

import odoo
from odoo import SUPERUSER_ID, api
from odoo.cli import Command

from odoo.addons.integration_core.tools.outcomes import RETRY_NOW, classify_exception

from ..tools.consumer_loop import consume_forever

_logger = logging.getLogger("odoo.addons.integration_broker.consume")

MAX_TRANSACTION_RETRIES = 5
HEARTBEAT_INTERVAL = 10.0


def _headers(properties):
    """The message's headers as text (pika gives bytes for AMQP long strings)."""
    headers = {}
    for name, value in (properties.headers or {}).items():
        headers[name] = (
            value.decode("utf-8", "replace") if isinstance(value, bytes) else value
        )
    return headers


class Worker:
    """One consumer thread's row of ``integration.broker.consumer.worker``:
    its counters and heartbeat.

    A message's outcome is counted in the transaction that processed it;
    acknowledgements and requeues (known after that commit) are held here
    and written with the next write, which is the next message or the
    heartbeat every ``interval`` seconds while the queue is idle.
    """

    def __init__(self, registry, consumer_id, name, interval=HEARTBEAT_INTERVAL):
        self.registry = registry
        self.consumer_id = consumer_id
        self.name = name
        self.interval = interval
        self.worker_id = None
        self.acked = 0  # acknowledged, not written yet
        self.requeued = 0
        self.last_write = 0.0

    def register(self):
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                self.worker_id = env[
                    "integration.broker.consumer.worker"
                ]._worker_start(self.consumer_id, self.name)
            self.last_write = time.monotonic()
        except Exception as exc:  # noqa: BLE001 - retried with the next heartbeat
            _logger.warning("worker %s not registered (%s)", self.name, exc)

    def record(self, env, outcome=None):
        """Write ``outcome`` and what is held in ``env``'s transaction;
        :return: what was written, for :meth:`committed`"""
        if self.worker_id is None:
            return (0, 0)
        pending = (self.acked, self.requeued)
        env["integration.broker.consumer.worker"]._worker_record(
            self.worker_id, outcome, *pending
        )
        return pending

    def committed(self, pending):
        self.acked -= pending[0]
        self.requeued -= pending[1]
        self.last_write = time.monotonic()

    def on_ack(self):
        self.acked += 1

    def on_requeue(self):
        self.requeued += 1

    def beat(self, force=False):
        """The heartbeat (and the held counts), at most every ``interval``."""
        if not force and time.monotonic() - self.last_write < self.interval:
            return
        if self.worker_id is None:
            self.register()
            if self.worker_id is None:
                self.last_write = time.monotonic()  # try again in an interval
                return
        try:
            with self.registry.cursor() as cr:
                pending = self.record(api.Environment(cr, SUPERUSER_ID, {}))
                cr.commit()  # pylint: disable=invalid-commit
            self.committed(pending)
        except Exception as exc:  # noqa: BLE001 - the next beat tries again
            _logger.warning("worker %s: heartbeat not written (%s)", self.name, exc)
            self.last_write = time.monotonic()


def make_handler(registry, consumer_id, worker=None):
    """``handle(body, properties, redelivered)``: one message, one committed
    transaction (retried on a serialization failure), its outcome counted
    by ``worker`` in that transaction."""

    def handle(body, properties, redelivered):
        for attempt in range(1, MAX_TRANSACTION_RETRIES + 1):
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                consumer = env["integration.broker.consumer"].browse(consumer_id)
                try:
                    outcome = consumer._consume(
                        body, properties.message_id, _headers(properties), redelivered
                    )
                    pending = worker.record(env, outcome) if worker else None
                    # the consumer's own transaction, acknowledged only once committed
                    cr.commit()  # pylint: disable=invalid-commit
                except Exception as exc:
                    cr.rollback()
                    if (
                        classify_exception(exc) == RETRY_NOW
                        and attempt < MAX_TRANSACTION_RETRIES
                    ):
                        time.sleep(0.05 * attempt)
                        continue
                    raise
            if worker:
                worker.committed(pending)
            _logger.info("message %s: %s", properties.message_id, outcome)
            return outcome
        return None

    return handle


def run_worker(worker, parameters, queue, prefetch, should_stop, idle_timeout):
    """A consumer thread: register, consume, last heartbeat on the way out."""
    worker.register()
    try:
        consume_forever(
            parameters,
            queue,
            prefetch,
            make_handler(worker.registry, worker.consumer_id, worker),
            should_stop,
            idle_timeout,
            on_ack=worker.on_ack,
            on_requeue=worker.on_requeue,
            on_idle=worker.beat,
        )
    finally:
        worker.beat(force=True)


class IntegrationBrokerConsume(Command):
    """Consume the configured RabbitMQ queues into the integration API pipeline"""

    name = "integration_broker_consume"

    def run(self, cmdargs):
        parser = argparse.ArgumentParser(
            prog="odoo integration_broker_consume",
            description=self.__doc__,
            epilog="Other options are Odoo's (-c, -d, --log-level, ...).",
        )
        parser.add_argument(
            "--consumer",
            action="append",
            default=[],
            help="name of a consumer to run (repeat; default: every active one)",
        )
        parser.add_argument(
            "--heartbeat",
            type=float,
            default=HEARTBEAT_INTERVAL,
            help="seconds between the heartbeats of an idle worker (default "
            f"{HEARTBEAT_INTERVAL:g}); /metrics shows the age of the last one",
        )
        parser.add_argument(
            "--stop-when-idle",
            type=float,
            default=0,
            help="exit after this many seconds without a message (tests, batch runs)",
        )
        options, odoo_args = parser.parse_known_args(cmdargs)
        odoo.tools.config.parse_config(odoo_args)
        odoo.netsvc.init_logger()
        db = odoo.tools.config["db_name"]
        if not db:
            parser.error("give the database with -d")
        db = db.split(",")[0]
        registry = odoo.modules.registry.Registry(db)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            domain = [("active", "=", True)]
            if options.consumer:
                domain.append(("name", "in", options.consumer))
            consumers = env["integration.broker.consumer"].search(domain)
            plans = [
                (
                    consumer.id,
                    consumer.name,
                    consumer.connection_id._parameters(
                        name=f"odoo consumer {consumer.name}"
                    ),
                    consumer.queue,
                    consumer.prefetch,
                    consumer.concurrency,
                )
                for consumer in consumers
            ]
        if not plans:
            _logger.error("no active broker consumer to run")
            sys.exit(1)
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_args: stop.set())
        threads = []
        host = socket.gethostname()
        for consumer_id, name, parameters, queue, prefetch, workers in plans:
            for number in range(workers):
                worker = Worker(
                    registry, consumer_id, f"{host}/{number}", options.heartbeat
                )
                thread = threading.Thread(
                    target=run_worker,
                    args=(
                        worker,
                        parameters,
                        queue,
                        prefetch,
                        stop.is_set,
                        options.stop_when_idle or None,
                    ),
                    name=f"broker-{name}-{number}",
                    daemon=True,
                )
                thread.start()
                threads.append(thread)
        _logger.info("%s consumer thread(s) running", len(threads))
        while any(thread.is_alive() for thread in threads):
            for thread in threads:
                thread.join(0.5)
        return 0
