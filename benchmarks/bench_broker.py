"""The outbox relayed to RabbitMQ: throughput, and what it costs the user.

1. Relay throughput: ``EVENTS`` committed ``integration.ping`` events for one
   broker subscription, relayed by the drain (claim, CloudEvents AMQP
   message, pipelined publisher confirms, attempts recorded, committed per
   confirm window) into a queue on the local RabbitMQ, against in the same
   run a bare pika publisher of the same bodies and properties with the same
   pipelined confirms and nothing else (the limit on this machine), and the
   loop a naive integrator writes (``BlockingConnection``, one confirm per
   message). Target: the relay at least 0.5x the bare loop and 2,000 events/s.
2. Confirming a 5-line sale order, one transaction each: with a broker
   subscription to ``order.accepted`` vs none, alternating passes.
   Target: at most 1.05x.

Run: ``python3 benchmarks/bench_broker.py`` (``BENCH_PARTS=relay`` or
``confirm`` for one of them; RabbitMQ on 127.0.0.1:5672,
guest/guest, or ``BENCH_AMQP_URL``).
"""

import os
import time
import uuid

import pika
from bench_confirm_overhead import confirm, draft_orders, setup_data
from common import environment, prepare, summary

DB = os.environ.get("BENCH_DB", "integration_bench_broker")
AMQP_URL = os.environ.get("BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
EVENTS = int(os.environ.get("BENCH_EVENTS", 4000))
ORDERS = int(os.environ.get("BENCH_ORDERS", 60))
WINDOW = 500


def confirm_each(registry, order_ids):
    """Seconds per order: confirm and commit, as a user clicking Confirm."""
    return [confirm(registry, order_id)[0] for order_id in order_ids]


def on_channel(work):
    """Run ``work(channel)`` on a short-lived connection (a connection held
    idle through a long pass would miss its heartbeats and be closed)."""
    connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    try:
        return work(connection.channel())
    finally:
        connection.close()


def declare(tag):
    exchange, queue = f"odoo-bench.ex.{tag}", f"odoo-bench.q.{tag}"

    def work(channel):
        channel.exchange_declare(exchange, "topic")
        channel.queue_declare(queue)
        channel.queue_bind(queue, exchange, "#")

    on_channel(work)
    return exchange, queue


def remove(exchange, queue):
    def work(channel):
        channel.queue_delete(queue)
        channel.exchange_delete(exchange)

    on_channel(work)


def queued(queue, purge=False):
    def work(channel):
        count = channel.queue_declare(queue, passive=True).method.message_count
        if purge:
            channel.queue_purge(queue)
        return count

    return on_channel(work)


def subscribe(env, exchange, types):
    env["integration.subscription"].search([("state", "=", "active")]).write(
        {"state": "paused"}
    )
    broker = env["integration.broker.connection"].create(
        {"name": f"bench {exchange}", "url": AMQP_URL}
    )
    return env["integration.subscription"].create(
        {
            "name": f"bench {exchange}",
            "transport": "rabbitmq",
            "broker_connection_id": broker.id,
            "broker_exchange": exchange,
            "payload_style": "cloudevents_binary",
            "event_type_ids": [(6, 0, types.ids)],
            "batch_size": 5000,
            "broker_window": WINDOW,
        }
    )


def relay_throughput(registry):
    from odoo.addons.integration_broker.tools import publisher
    from odoo.addons.integration_broker.tools.amqp_message import (
        build_message,
        routing_key,
    )

    tag = uuid.uuid4().hex[:8]
    exchange, queue = declare(tag)
    with environment(registry) as env:
        ping = env.ref("integration_core.event_type_integration_ping")
        subscription_id = subscribe(env, exchange, ping).id
    print(f"emitting {EVENTS} events...", flush=True)
    for start in range(0, EVENTS, 500):
        with environment(registry) as env:
            env["integration.event"]._emit_many(
                [
                    {
                        "type": "integration.ping",
                        "data": {"message": f"bench {n}", "requested_by": "bench"},
                        "subject": f"bench/{n % 50}",
                    }
                    for n in range(start, min(EVENTS, start + 500))
                ]
            )
    with environment(registry) as env:
        events = env["integration.event"].search(
            [("type", "=", "integration.ping")], order="id desc", limit=EVENTS
        )
        messages = []
        for event in events:
            envelope = event.to_cloudevent()
            body, properties = build_message(envelope, "cloudevents_binary", None)
            messages.append((routing_key("{type}", envelope), body, properties))

    started = time.perf_counter()
    drains = 0
    while True:
        with environment(registry) as env:
            subscription = env["integration.subscription"].browse(subscription_id)
            subscription._drain()
            drains += 1
            pending = env["integration.delivery"].search_count(
                [("subscription_id", "=", subscription_id), ("state", "=", "pending")]
            )
        if not pending:
            break
    relay_seconds = time.perf_counter() - started
    with environment(registry) as env:
        delivered = env["integration.delivery"].search_count(
            [("subscription_id", "=", subscription_id), ("state", "=", "delivered")]
        )
        env["integration.subscription"].browse(subscription_id).state = "disabled"
    relayed = queued(queue, purge=True)

    parameters = pika.URLParameters(AMQP_URL)
    started = time.perf_counter()
    results = publisher.publish_batch(parameters, exchange, messages, window=WINDOW)
    bare_seconds = time.perf_counter() - started
    assert all(result.outcome == "success" for result in results)
    queued(queue, purge=True)

    naive_count = min(2000, len(messages))
    naive = pika.BlockingConnection(parameters)
    naive_channel = naive.channel()
    naive_channel.confirm_delivery()
    started = time.perf_counter()
    for key, body, properties in messages[:naive_count]:
        naive_channel.basic_publish(
            exchange, key, body, pika.BasicProperties(**properties), mandatory=True
        )
    naive_seconds = time.perf_counter() - started
    naive.close()
    remove(exchange, queue)

    relay_rate = EVENTS / relay_seconds
    bare_rate = len(messages) / bare_seconds
    naive_rate = naive_count / naive_seconds
    print(f"\n== Relay into RabbitMQ with publisher confirms ({EVENTS} events)")
    print(
        f"relay (this suite, {drains} drains)   {relay_rate:8.0f} events/s  "
        f"({delivered} delivered, {relayed} in the queue)"
    )
    print(f"bare pika loop, pipelined confirms  {bare_rate:8.0f} events/s")
    print(f"pika BlockingConnection, 1 confirm/message  {naive_rate:8.0f} events/s")
    print(f"ratio relay / bare loop: {relay_rate / bare_rate:.2f}x (target >= 0.5x)")
    return relay_rate, bare_rate


def confirm_cost(registry):
    customer_id, product_ids = setup_data(registry)
    tag = uuid.uuid4().hex[:8]
    exchange, queue = declare(tag)
    with environment(registry) as env:
        accepted = env["integration.event.type"]._get_by_code("order.accepted")
        subscription_id = subscribe(env, exchange, accepted).id
        env["integration.subscription"].browse(subscription_id).state = "disabled"
    results = {"none": [], "broker": []}
    confirm_each(registry, draft_orders(registry, customer_id, product_ids, 10))
    for mode in ("none", "broker", "none", "broker"):
        with environment(registry) as env:
            env["integration.subscription"].browse(subscription_id).state = (
                # disabled, not paused: a paused subscription still gets deliveries
                "active" if mode == "broker" else "disabled"
            )
        ids = draft_orders(registry, customer_id, product_ids, ORDERS)
        results[mode].extend(confirm_each(registry, ids))
    with environment(registry) as env:
        env["integration.subscription"].browse(subscription_id).state = "disabled"
        queued = env["integration.delivery"].search_count(
            [("subscription_id", "=", subscription_id)]
        )
    remove(exchange, queue)
    base, broker = summary(results["none"]), summary(results["broker"])
    print(f"\n== Confirming a 5-line sale order ({len(results['none'])} per mode)")
    print(f"no subscription          median {base['median'] * 1000:7.1f} ms")
    print(
        f"broker subscription      median {broker['median'] * 1000:7.1f} ms  "
        f"ratio {broker['median'] / base['median']:.3f}x (target <= 1.05x; "
        f"{queued} deliveries written in the broker passes, published after "
        "commit by the runner)"
    )


def main():
    _conf, registry = prepare(DB, "integration_broker,integration_distribution")
    parts = os.environ.get("BENCH_PARTS", "relay,confirm").split(",")
    if "relay" in parts:
        relay_throughput(registry)
    if "confirm" in parts:
        confirm_cost(registry)


if __name__ == "__main__":
    main()
