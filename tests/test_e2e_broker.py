"""End to end with a real RabbitMQ: two Odoo servers (HTTP workers, a
queue_job runner each) on one database relay the outbox to an exchange
behind a load balancer; a SIGKILL of one server and a broker restart
mid-relay lose no committed event and duplicate only with the same
message_id; the consumer command takes a partner's queue into the API
pipeline and acknowledges after commit."""

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import uuid

import pika
import pytest

from .odoo_env import environment, wait_until
from .odoo_server import LAUNCHER, OdooServer
from .tcp_balancer import TcpBalancer
from .test_e2e_api import order, orders_with_ref, shop  # noqa: F401 - a fixture

AMQP_URL = os.environ.get(
    "INTEGRATION_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F"
)
WINDOW = 100  # the subscription's confirm window: what a crash may publish again


class Collector:
    """A separate consumer, in its own thread and connection, that records
    every message it receives (reconnecting after a broker restart)."""

    def __init__(self, queue):
        self.queue = queue
        self.received = []  # (message_id, subject header, sequence)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            try:
                connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
                channel = connection.channel()
                channel.basic_qos(prefetch_count=500)
                for method, props, _body in channel.consume(
                    self.queue, inactivity_timeout=0.2
                ):
                    if self._stop.is_set():
                        break
                    if method is None:
                        continue
                    headers = props.headers or {}
                    self.received.append(
                        (
                            props.message_id,
                            headers.get("cloudEvents:subject"),
                            int(headers.get("cloudEvents:sequence", 0)),
                        )
                    )
                    channel.basic_ack(method.delivery_tag)
                connection.close()
            except (pika.exceptions.AMQPError, OSError):
                time.sleep(0.5)

    def ids(self):
        return {message_id for message_id, _s, _n in self.received}

    def stop(self):
        self._stop.set()
        self._thread.join(10)


@pytest.fixture()
def relay(registry):
    """A durable exchange and queue, and a broker subscription to ping events
    (every other subscription paused); removed afterwards."""
    tag = uuid.uuid4().hex[:8]
    exchange, queue = f"odoo-e2e.ex.{tag}", f"odoo-e2e.q.{tag}"
    connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    channel = connection.channel()
    channel.exchange_declare(exchange, "topic", durable=True)
    channel.queue_declare(queue, durable=True)
    channel.queue_bind(queue, exchange, "#")
    connection.close()
    with environment(registry) as env:
        env["integration.subscription"].search([("state", "=", "active")]).write(
            {"state": "paused"}
        )
        broker = env["integration.broker.connection"].create(
            {"name": f"e2e {tag}", "url": AMQP_URL, "timeout": 5}
        )
        subscription = env["integration.subscription"].create(
            {
                "name": f"e2e relay {tag}",
                "transport": "rabbitmq",
                "broker_connection_id": broker.id,
                "broker_exchange": exchange,
                "payload_style": "cloudevents_binary",
                "event_type_ids": [
                    (6, 0, env.ref("integration_core.event_type_integration_ping").ids)
                ],
                "retry_schedule": ",".join(["1"] * 30),
                "failure_threshold": 1000,
                "cooldown": 1,
                "broker_window": WINDOW,
                # a drain claims two windows at most: a thousand events take
                # five drains or more, however fast the relay empties the
                # outbox, so the drains' mutual exclusion is always exercised
                "batch_size": 2 * WINDOW,
            }
        )
        subscription_id = subscription.id
    collector = Collector(queue).start()
    yield {"subscription_id": subscription_id, "collector": collector}
    collector.stop()
    with environment(registry) as env:
        env["integration.subscription"].browse(subscription_id).state = "disabled"
    connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    channel = connection.channel()
    channel.queue_delete(queue)
    channel.exchange_delete(exchange)
    connection.close()


def emit(registry, count, per_transaction=10, subjects=5):
    """Commit ``count`` ping events on a few subjects; return their ids."""
    ids = []
    for start in range(0, count, per_transaction):
        with environment(registry) as env:
            events = env["integration.event"]._emit_many(
                [
                    {
                        "type": "integration.ping",
                        "data": {"message": f"e2e {n}"},
                        "subject": f"integration.e2e/{n % subjects}",
                    }
                    for n in range(start, min(count, start + per_transaction))
                ]
            )
            ids += events.mapped("uuid")
    return ids


def delivery_states(registry, subscription_id):
    with environment(registry) as env:
        return dict(
            env["integration.delivery"]._read_group(
                [("subscription_id", "=", subscription_id)], ["state"], ["__count"]
            )
        )


def drain_jobs(registry, subscription_id):
    """``(started, done, worker pid, result)`` of the subscription's drains."""
    with environment(registry) as env:
        env.cr.execute(
            """
            SELECT date_started, date_done, worker_pid, result FROM queue_job
             WHERE model_name = 'integration.subscription' AND method_name = '_drain'
               AND (records #>> '{}') LIKE %s AND date_started IS NOT NULL
             ORDER BY date_started
            """,
            (f'%"ids": [{subscription_id}]%',),
        )
        return env.cr.fetchall()


def attempt_order(registry, subscription_id):
    """The delivery ids of the subscription's attempts, in creation order."""
    with environment(registry) as env:
        env.cr.execute(
            """
            SELECT a.delivery_id FROM integration_delivery_attempt a
              JOIN integration_delivery d ON d.id = a.delivery_id
             WHERE d.subscription_id = %s ORDER BY a.id
            """,
            (subscription_id,),
        )
        return [row[0] for row in env.cr.fetchall()]


def two_servers(conf, db):
    """Two servers whose queue_job runners send jobs through one balancer
    (only one runner is active at a time: queue_job elects it)."""
    servers = [OdooServer(conf, db, workers=2) for _ in range(2)]
    balancer = TcpBalancer([server.port for server in servers]).start()
    for server in servers:
        server.queue_job_port = balancer.port
    return servers, balancer


def test_two_servers_share_the_relay(registry, odoo_settings, relay):
    conf, db = odoo_settings
    servers, balancer = two_servers(conf, db)
    try:
        for server in servers:
            server.start()
        pgids = {server.process.pid: index for index, server in enumerate(servers)}
        ids = emit(registry, 1000, per_transaction=10)
        collector = relay["collector"]
        assert wait_until(lambda: set(ids) <= collector.ids(), timeout=240), (
            f"{len(set(ids) - collector.ids())} of {len(ids)} not received"
        )
        assert wait_until(
            lambda: (
                delivery_states(registry, relay["subscription_id"])
                == {"delivered": 1000}
            ),
            timeout=60,
        ), delivery_states(registry, relay["subscription_id"])
        jobs = drain_jobs(registry, relay["subscription_id"])
        by_server = set()
        for _started, _done, pid, _result in jobs:
            try:
                by_server.add(pgids.get(os.getpgid(pid)))
            except (ProcessLookupError, TypeError):
                pass
    finally:
        for server in servers:
            server.stop()
        balancer.close()
    received = [message_id for message_id, _s, _n in collector.received]
    # no crash: every event exactly once
    assert len(received) == len(set(received)) == 1000
    # both servers ran drains (the balancer spread the jobs)
    assert by_server >= {0, 1}, f"drains ran on servers {by_server}"
    # One endpoint, one drain at a time. Each drain claims the oldest due
    # deliveries (by id) and records their attempts as the confirms come;
    # two drains at once would claim disjoint sets (SKIP LOCKED) and record
    # interleaved: attempts in creation order would go back in delivery ids.
    claimed = attempt_order(registry, relay["subscription_id"])
    assert len(claimed) == 1000
    assert claimed == sorted(claimed), "two drains of one endpoint ran at once"
    assert sum(1 for *_x, result in jobs if "sent" in (result or "")) > 1
    # per subject, the one queue holds the events in sequence order
    last = {}
    for _id, subject, sequence in collector.received:
        assert sequence > last.get(subject, 0), f"{subject} out of order"
        last[subject] = sequence


def test_sigkill_of_one_server_mid_relay_loses_nothing(registry, odoo_settings, relay):
    conf, db = odoo_settings
    servers, balancer = two_servers(conf, db)
    collector = relay["collector"]
    ids = []
    try:
        for server in servers:
            server.start()
        emitter = threading.Thread(
            target=lambda: ids.extend(emit(registry, 3000, per_transaction=20))
        )
        emitter.start()
        assert wait_until(lambda: len(collector.received) >= 300, timeout=180)
        servers[0].kill()  # workers, cron, maybe the active runner: all at once
        killed_at = len(collector.received)
        emitter.join(300)
        assert len(ids) == 3000
        assert killed_at < 3000, "the kill came too late to prove anything"
        expected = set(ids)
        assert wait_until(lambda: expected <= collector.ids(), timeout=300), (
            f"lost {len(expected - collector.ids())} events"
        )
        assert wait_until(
            lambda: (
                delivery_states(registry, relay["subscription_id"])
                == {"delivered": 3000}
            ),
            timeout=120,
        ), delivery_states(registry, relay["subscription_id"])
    finally:
        for server in servers:
            server.stop()
        balancer.close()
    received = [message_id for message_id, _s, _n in collector.received]
    duplicates = len(received) - len(set(received))
    print(f"\nSIGKILL after {killed_at} of 3000: {duplicates} duplicates, 0 lost")
    # duplicates carry the same message_id (they are the same event ids) and
    # are at most what the killed drain had published and not yet committed
    assert set(received) == set(ids)
    assert duplicates <= 2 * WINDOW, f"{duplicates} published twice"


def _rabbitmqctl(*args):
    return subprocess.run(
        ["rabbitmqctl", *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_broker_restart_mid_relay_loses_nothing(registry, odoo_settings, relay):
    conf, db = odoo_settings
    restart = shutil.which("rabbitmqctl") and _rabbitmqctl("status").returncode == 0
    collector = relay["collector"]
    ids = []
    with OdooServer(conf, db, workers=2):
        emitter = threading.Thread(
            target=lambda: ids.extend(emit(registry, 2000, per_transaction=20))
        )
        emitter.start()
        assert wait_until(lambda: len(collector.received) >= 200, timeout=180)
        if restart:
            assert _rabbitmqctl("stop_app").returncode == 0
            time.sleep(3)  # the relay finds the broker down meanwhile
            assert _rabbitmqctl("start_app").returncode == 0
            how = "stop_app/start_app"
        else:
            # no rabbitmqctl here: the broker closes the connections instead
            _rabbitmqctl("close_all_connections", "e2e broker-side close")
            how = "connections closed by the broker"
        emitter.join(300)
        assert len(ids) == 2000
        expected = set(ids)
        assert wait_until(lambda: expected <= collector.ids(), timeout=300), (
            f"lost {len(expected - collector.ids())} events after {how}"
        )
        assert wait_until(
            lambda: (
                delivery_states(registry, relay["subscription_id"])
                == {"delivered": 2000}
            ),
            timeout=120,
        ), delivery_states(registry, relay["subscription_id"])
    received = [message_id for message_id, _s, _n in collector.received]
    print(f"\n{how}: {len(received) - len(set(received))} duplicates, 0 lost")
    assert set(received) == expected


def _addons_path(conf):
    with open(conf) as config:
        for line in config:
            if line.split("=")[0].strip() == "addons_path":
                return line.split("=", 1)[1].strip()
    raise AssertionError(f"no addons_path in {conf}")


@pytest.fixture()
def orders_queue(registry):
    with environment(registry) as env:
        if "sale.order" not in env or "POST /orders" not in dict(
            env["integration.broker.consumer"]._selection_route()
        ):
            pytest.skip("integration_distribution (POST /orders) is not installed")
    name = f"odoo-e2e.orders.{uuid.uuid4().hex[:8]}"
    connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    channel = connection.channel()
    channel.queue_declare(name, durable=True)
    yield channel, name
    channel.queue_delete(name)
    connection.close()


def test_consumer_command_feeds_the_api_pipeline(
    registry,
    odoo_settings,
    orders_queue,
    shop,  # noqa: F811 - the fixture imported above
):
    channel, queue = orders_queue
    conf, db = odoo_settings
    system = shop["system_id"]
    ref = f"Q-{uuid.uuid4().hex[:8]}"
    with environment(registry) as env:
        broker = env["integration.broker.connection"].create(
            {"name": "e2e consumer", "url": AMQP_URL}
        )
        consumer = env["integration.broker.consumer"].create(
            {
                "name": f"e2e orders {queue}",
                "connection_id": broker.id,
                "system_id": system,
                "queue": queue,
                "route": "POST /orders",
                "prefetch": 5,
                "concurrency": 2,
            }
        )
        consumer_id, consumer_name = consumer.id, consumer.name
    unmapped = dict(order(f"{ref}-U"), lines=[{"sku": "NOPE", "qty": 1}])
    published = [
        ("m-valid", json.dumps(order(ref)).encode()),
        ("m-valid", json.dumps(order(ref)).encode()),  # the same message again
        ("m-invalid", b'{"external_ref": 5}'),
        ("m-poison", b"\x00\x01 not json"),
        ("m-unmapped", json.dumps(unmapped).encode()),
    ]
    for message_id, body in published:
        channel.basic_publish(
            "",
            queue,
            body,
            pika.BasicProperties(message_id=f"{ref}-{message_id}", delivery_mode=2),
        )
    run = subprocess.run(
        [
            sys.executable,
            str(LAUNCHER),
            f"--addons-path={_addons_path(conf)}",
            "integration_broker_consume",
            "-c",
            conf,
            "-d",
            db,
            "--consumer",
            consumer_name,
            "--stop-when-idle",
            "3",
            "--log-level=warn",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    # every message acknowledged, none left for ever
    assert channel.queue_declare(queue, passive=True).method.message_count == 0
    assert orders_with_ref(registry, system, ref) == 1
    with environment(registry) as env:
        messages = env["integration.api.message"].search(
            [("broker_consumer_id", "=", consumer_id)]
        )
        states = {m.idempotency_key.rsplit("-", 1)[-1]: m.state for m in messages}
        assert len(messages) == 4, states
        assert states == {
            "valid": "done",
            "invalid": "rejected",
            "poison": "failed",
            "unmapped": "needs_fix",
        }
        assert all(m.exception_id for m in messages if m.state != "done")
        # the command's workers counted every outcome and acknowledgement
        workers = env["integration.broker.consumer"].browse(consumer_id).worker_ids
        assert len(workers) == 2, workers.mapped("name")
        assert all(workers.mapped("last_seen_at"))
        totals = {
            column: sum(workers.mapped(column))
            for column in (
                "processed_count",
                "duplicate_count",
                "rejected_count",
                "poison_count",
                "needs_fix_count",
                "acknowledged_count",
                "requeued_count",
            )
        }
        assert totals == {
            "processed_count": 1,
            "duplicate_count": 1,
            "rejected_count": 1,
            "poison_count": 1,
            "needs_fix_count": 1,
            "acknowledged_count": 5,
            "requeued_count": 0,
        }, totals
        text = env["integration.metrics"]._metrics_text()
        assert (
            "integration_broker_consumer_acknowledged_total{"
            f'consumer="{consumer_name}",consumer_id="{consumer_id}"}} 5'
        ) in text, text[-3000:]
