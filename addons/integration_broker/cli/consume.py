"""``odoo integration_broker_consume``: run the broker consumers.

Started beside the Odoo server (systemd unit, container), with the same
configuration file::

    odoo integration_broker_consume -c /etc/odoo.conf -d mydb [--consumer NAME]

Each active consumer (*Integrations > Configuration > Broker Consumers*) gets
*workers* threads, each with its own connection, channel (with *prefetch*)
and database cursor. A message is processed in a transaction, committed,
then acknowledged. SIGTERM / SIGINT stop after the message in hand.
"""

import argparse
import logging
import signal
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


def _headers(properties):
    """The message's headers as text (pika gives bytes for AMQP long strings)."""
    headers = {}
    for name, value in (properties.headers or {}).items():
        headers[name] = (
            value.decode("utf-8", "replace") if isinstance(value, bytes) else value
        )
    return headers


def make_handler(registry, consumer_id):
    """``handle(body, properties, redelivered)``: one message, one committed
    transaction (retried on a serialization failure)."""

    def handle(body, properties, redelivered):
        for attempt in range(1, MAX_TRANSACTION_RETRIES + 1):
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                consumer = env["integration.broker.consumer"].browse(consumer_id)
                try:
                    outcome = consumer._consume(
                        body, properties.message_id, _headers(properties), redelivered
                    )
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
            _logger.info("message %s: %s", properties.message_id, outcome)
            return outcome
        return None

    return handle


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
        for consumer_id, name, parameters, queue, prefetch, workers in plans:
            for number in range(workers):
                thread = threading.Thread(
                    target=consume_forever,
                    args=(
                        parameters,
                        queue,
                        prefetch,
                        make_handler(registry, consumer_id),
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
