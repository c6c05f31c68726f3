"""The outbox relayed to RabbitMQ: throughput, and what it costs the user.

1. Relay throughput, ``BENCH_ROUNDS`` rounds (5): ``EVENTS`` committed
   ``integration.ping`` events for one broker subscription, relayed by the
   drain (claim, CloudEvents AMQP message, pipelined publisher confirms,
   attempts recorded, committed per confirm window) into a queue on the
   local RabbitMQ, then in the same round a bare pika publisher of the same
   bodies and properties with the same pipelined confirms and nothing else
   (the limit on this machine); in the first round also the loop a naive
   integrator writes (``BlockingConnection``, one confirm per message).
   Medians over the rounds. Target: the relay at least 0.5x the bare loop
   and 2,000 events/s.
2. Confirming a 5-line sale order, one transaction each: with a broker
   subscription to ``order.accepted`` vs none, alternating passes.
   Target: at most 1.05x.

Run: ``python3 benchmarks/bench_broker.py`` (``BENCH_PARTS=relay`` or
``confirm`` for one of them; RabbitMQ on 127.0.0.1:5672,
guest/guest, or ``BENCH_AMQP_URL``).
"""

import os
import statistics
import time
import uuid

import pika
from bench_confirm_overhead import confirm, draft_orders, setup_data
from common import environment, prepare, summary

DB = os.environ.get("BENCH_DB", "integration_bench_broker")
AMQP_URL = os.environ.get("BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
EVENTS = int(os.environ.get("BENCH_EVENTS", 4000))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 5))
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


def emit_pings(registry, count):
    """``count`` committed ``integration.ping`` events, 500 per transaction;
    their messages as the bare loop publishes them."""
    from odoo.addons.integration_broker.tools.amqp_message import (
        build_message,
        routing_key,
    )

    first = None
    for start in range(0, count, 500):
        with environment(registry) as env:
            events = env["integration.event"]._emit_many(
                [
                    {
                        "type": "integration.ping",
                        "data": {"message": f"bench {n}", "requested_by": "bench"},
                        "subject": f"bench/{n % 50}",
                    }
                    for n in range(start, min(count, start + 500))
                ]
            )
            first = first or min(events.ids)
    with environment(registry) as env:
        events = env["integration.event"].search(
            [("type", "=", "integration.ping"), ("id", ">=", first)], order="id"
        )
        messages = []
        for event in events:
            envelope = event.to_cloudevent()
            body, properties = build_message(envelope, "cloudevents_binary", None)
            messages.append((routing_key("{type}", envelope), body, properties))
    return messages


def relay_once(registry, subscription_id):
    """Seconds for the drain jobs to relay every pending delivery (run here
    one after the other, as the job runner would), and the drains run."""
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
            return time.perf_counter() - started, drains


def relay_throughput(registry):
    """Rounds of: EVENTS new events relayed by the drain, then the same
    messages by the bare loop (and, in the first round, the naive loop). A
    round takes well under a second, and RabbitMQ's own pace moves from one
    to the next (its queue and message store work after a purge): the
    medians over the rounds are what is reported, the ratio per round too."""
    from odoo.addons.integration_broker.tools import publisher

    tag = uuid.uuid4().hex[:8]
    exchange, queue = declare(tag)
    with environment(registry) as env:
        ping = env.ref("integration_core.event_type_integration_ping")
        subscription_id = subscribe(env, exchange, ping).id
    parameters = pika.URLParameters(AMQP_URL)
    relay_rates, bare_rates, naive_rate, relayed = [], [], None, 0
    print(f"{ROUNDS} rounds of {EVENTS} events...", flush=True)
    for _round in range(ROUNDS):
        messages = emit_pings(registry, EVENTS)
        relay_seconds, drains = relay_once(registry, subscription_id)
        relay_rates.append(EVENTS / relay_seconds)
        relayed += queued(queue, purge=True)

        started = time.perf_counter()
        results = publisher.publish_batch(parameters, exchange, messages, window=WINDOW)
        bare_rates.append(len(messages) / (time.perf_counter() - started))
        assert all(result.outcome == "success" for result in results)
        queued(queue, purge=True)
        print(
            f"  relay ({drains} drains) {relay_rates[-1]:8.0f}/s   bare loop "
            f"{bare_rates[-1]:8.0f}/s   ratio {relay_rates[-1] / bare_rates[-1]:.2f}x",
            flush=True,
        )

        if naive_rate is None:
            naive_count = min(2000, len(messages))
            naive = pika.BlockingConnection(parameters)
            naive_channel = naive.channel()
            naive_channel.confirm_delivery()
            started = time.perf_counter()
            for key, body, properties in messages[:naive_count]:
                naive_channel.basic_publish(
                    exchange,
                    key,
                    body,
                    pika.BasicProperties(**properties),
                    mandatory=True,
                )
            naive_rate = naive_count / (time.perf_counter() - started)
            naive.close()
            queued(queue, purge=True)
    with environment(registry) as env:
        delivered = env["integration.delivery"].search_count(
            [("subscription_id", "=", subscription_id), ("state", "=", "delivered")]
        )
        env["integration.subscription"].browse(subscription_id).state = "disabled"
    remove(exchange, queue)

    relay_rate = statistics.median(relay_rates)
    bare_rate = statistics.median(bare_rates)
    ratios = sorted(r / b for r, b in zip(relay_rates, bare_rates, strict=True))
    print(f"\n== Relay into RabbitMQ with publisher confirms ({EVENTS} events)")
    print(
        f"relay (this suite), median of {ROUNDS}  {relay_rate:8.0f} events/s  "
        f"({delivered} delivered, {relayed} in the queue)"
    )
    print(f"bare pika loop, pipelined confirms  {bare_rate:8.0f} events/s")
    print(f"pika BlockingConnection, 1 confirm/message  {naive_rate:8.0f} events/s")
    print(
        f"ratio relay / bare loop: {relay_rate / bare_rate:.2f}x of the medians, "
        f"per round {ratios[0]:.2f}x-{ratios[-1]:.2f}x, median "
        f"{statistics.median(ratios):.2f}x (target >= 0.5x)"
    )
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
