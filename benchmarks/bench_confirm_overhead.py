"""What the outbox costs the user: confirming sale orders, one per transaction.

Runs on the same orders data:

* ``none``: no subscription (Odoo alone, plus the outbox row);
* 1, 3 and 10 active webhook subscriptions to ``order.accepted`` (the event,
  one delivery per subscription and the drain jobs written in the user's
  transaction, nothing sent before commit): the ratios to ``none`` show what
  each subscription costs;
* ``native``: Odoo's own automation "Send Webhook Notification" on the order
  becoming a sale order, to a receiver that answers in 50 ms (the user waits
  for the partner, inside the transaction).

The machine's drift from minute to minute is larger than what is measured, so
``none`` and the subscription counts are interleaved order by order: each
round confirms one order per mode, the modes rotated from round to round (each
mode in each position as often). Before every order, in a transaction of its
own and outside the timing, ten bench subscriptions are switched to the
mode's count (the others *disabled*: a paused subscription still gets its
deliveries, so "none" would not be none). Reported: the median per mode, the
interquartile range of the per-order times, the ratio of medians to ``none``
and its bootstrap 95% interval (rounds resampled, which keeps the pairing).
``native`` runs once, after them (switching an automation reloads the
registry).

Target: 3 subscriptions at most 1.05x none; goal: 10 at most 1.05x.
Run: ``python3 benchmarks/bench_confirm_overhead.py`` (``BENCH_ORDERS``:
orders per mode, ``BENCH_BOOTSTRAP``: resamples).
"""

import os
import random
import statistics
import time
import uuid

from common import environment, prepare, summary

from tests.odoo_env import receiver_class

DB = os.environ.get("BENCH_DB", "integration_bench_confirm")
ORDERS = int(os.environ.get("BENCH_ORDERS", 60))
BOOTSTRAP = int(os.environ.get("BENCH_BOOTSTRAP", 2000))
LINES = 5
SUBSCRIPTIONS = (1, 3, 10)
MODES = ("none", *SUBSCRIPTIONS)
WARM_UP_ROUNDS = 3
BENCH_PARTNER = "Bench partner"
DRAIN_CHANNEL = "root.integration_webhook"  # integration_delivery_queue.DRAIN_CHANNEL


def setup_data(registry):
    with environment(registry) as env:
        env["ir.config_parameter"].set_param(
            "integration_webhook.allowed_networks", "127.0.0.1/32"
        )
        customer = env["res.partner"].create(
            {"name": f"Bench customer {uuid.uuid4().hex[:4]}"}
        )
        products = env["product.product"].create(
            [
                {
                    "name": f"Bench product {n}",
                    "type": "consu",
                    "is_storable": True,
                    "list_price": 10 + n,
                }
                for n in range(LINES)
            ]
        )
        warehouse = env["stock.warehouse"].search([], limit=1)
        for product in products:
            env["stock.quant"]._update_available_quantity(
                product, warehouse.lot_stock_id, 10_000
            )
        return customer.id, products.ids


def draft_orders(registry, customer_id, product_ids, count):
    with environment(registry) as env:
        orders = env["sale.order"].create(
            [
                {
                    "partner_id": customer_id,
                    "order_line": [
                        (0, 0, {"product_id": pid, "product_uom_qty": 2})
                        for pid in product_ids
                    ],
                }
                for _ in range(count)
            ]
        )
        return orders.ids


def confirm(registry, order_id):
    """``(wall seconds, CPU seconds of this process)`` of confirming and
    committing one order, as a user clicking Confirm."""
    started, cpu = time.perf_counter(), time.process_time()
    with environment(registry) as env:
        env["sale.order"].browse(order_id).action_confirm()
    return time.perf_counter() - started, time.process_time() - cpu


def bench_subscriptions(registry, receiver_url):
    """Every subscription disabled, the ten bench subscriptions (those of
    earlier runs, created the first time) disabled and pointed at
    ``receiver_url``; their ids.

    What earlier runs left is removed first, so that every run starts from
    the same state: their deliveries and the drain jobs that no runner took
    (the benchmark starts no job runner).
    """
    with environment(registry) as env:
        subscriptions = env["integration.subscription"]
        subscriptions.search([("state", "!=", "disabled")]).write({"state": "disabled"})
        existing = subscriptions.search(
            [("name", "=like", f"{BENCH_PARTNER} %")], order="id"
        )
        env.cr.execute(
            "DELETE FROM integration_delivery WHERE subscription_id = ANY(%s)",
            (existing.ids,),
        )
        env.cr.execute(
            "DELETE FROM queue_job WHERE channel = %s AND state = 'pending'",
            (DRAIN_CHANNEL,),
        )
        existing.write({"target_url": receiver_url})
        accepted = env["integration.event.type"]._get_by_code("order.accepted")
        created = subscriptions.create(
            [
                {
                    "name": f"{BENCH_PARTNER} {n}",
                    "target_url": receiver_url,
                    "event_type_ids": [(6, 0, accepted.ids)],
                    "state": "disabled",
                }
                for n in range(len(existing), max(SUBSCRIPTIONS))
            ]
        )
        return (existing | created).ids[: max(SUBSCRIPTIONS)]


def switch(registry, subscription_ids, mode):
    """Make the first ``mode`` bench subscriptions active, the others disabled
    (``none``: all disabled). Run before every order, whatever it changes, so
    that each mode follows the same kind of transaction."""
    count = 0 if mode == "none" else mode
    with environment(registry) as env:
        subscriptions = (
            env["integration.subscription"]
            .with_context(tracking_disable=True)
            .browse(subscription_ids)
        )
        subscriptions[:count].write({"state": "active"})
        subscriptions[count:].write({"state": "disabled"})


def native_automation(registry, native_url):
    with environment(registry) as env:
        automations = env["base.automation"].with_context(active_test=False)
        automations.search([("name", "=like", "Bench native webhook%")]).write(
            {"active": False}
        )
        model = env["ir.model"]._get("sale.order")
        state_field = env["ir.model.fields"]._get("sale.order", "state")
        return automations.create(
            {
                "name": "Bench native webhook",
                "model_id": model.id,
                "trigger": "on_create_or_write",
                "trigger_field_ids": [(6, 0, state_field.ids)],
                "filter_pre_domain": "[('state', '!=', 'sale')]",
                "filter_domain": "[('state', '=', 'sale')]",
                "action_server_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Bench native webhook call",
                            "model_id": model.id,
                            "state": "webhook",
                            "webhook_url": native_url,
                        },
                    )
                ],
            }
        ).id


def archive(registry, automation_id):
    with environment(registry) as env:
        env["base.automation"].browse(automation_id).active = False


def rotated(round_number):
    """The modes in this round's order: rotated by one each round."""
    shift = round_number % len(MODES)
    return MODES[shift:] + MODES[:shift]


def run_rounds(registry, subscription_ids, order_ids, rounds):
    """``{mode: [(wall, cpu), ...]}``, one entry per round, in round order;
    and ``{mode: [order ids]}``."""
    timings = {mode: [] for mode in MODES}
    confirmed = {mode: [] for mode in MODES}
    ids = iter(order_ids)
    for round_number in range(rounds):
        for mode in rotated(round_number):
            order_id = next(ids)
            switch(registry, subscription_ids, mode)
            timings[mode].append(confirm(registry, order_id))
            confirmed[mode].append(order_id)
    return timings, confirmed


def quartiles(values):
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


def bootstrap_ratio(walls, mode, resamples, rng):
    """Bootstrap 95% interval of median(mode) / median(none): rounds are
    resampled, so each resample keeps a mode's order next to the ``none``
    order of its round."""
    rounds = len(walls["none"])
    ratios = []
    for _ in range(resamples):
        picked = [rng.randrange(rounds) for _ in range(rounds)]
        ratios.append(
            statistics.median(walls[mode][i] for i in picked)
            / statistics.median(walls["none"][i] for i in picked)
        )
    ratios.sort()
    return ratios[int(0.025 * resamples)], ratios[int(0.975 * resamples) - 1]


def deliveries_of(registry, confirmed):
    """``{mode: deliveries created for its orders}``: ``none`` must have 0."""
    with environment(registry) as env:
        result = {}
        for mode, ids in confirmed.items():
            events = env["integration.event"].search(
                [("res_model", "=", "sale.order"), ("res_id", "in", ids)]
            )
            result[mode] = env["integration.delivery"].search_count(
                [("event_id", "in", events.ids)]
            )
        return result


def label(mode):
    if mode == "none":
        return "no subscription"
    if mode == "native":
        return "Odoo webhook action, 50 ms receiver"
    return f"{mode} subscription{'s' if mode > 1 else ''} (this suite)"


def report(timings, native, deliveries, loads):
    walls = {mode: [wall for wall, _cpu in rows] for mode, rows in timings.items()}
    cpus = {mode: [cpu for _wall, cpu in rows] for mode, rows in timings.items()}
    base = statistics.median(walls["none"])
    rng = random.Random(20261202)
    print(
        f"\n== Confirming a {LINES}-line sale order, one transaction each: "
        f"{len(walls['none'])} orders per mode, interleaved order by order "
        f"(load average {loads[0]:.2f} before, {loads[1]:.2f} after)"
    )
    print(
        f"{'':38s} {'median':>8s} {'IQR (p25-p75)':>17s} {'CPU':>7s}"
        f" {'ratio':>7s}  bootstrap 95%"
    )
    for mode in MODES:
        q1, q2, q3 = quartiles(walls[mode])
        line = (
            f"{label(mode):38s} {q2 * 1000:6.1f}ms {q1 * 1000:7.1f}-{q3 * 1000:5.1f}ms"
            f" {statistics.median(cpus[mode]) * 1000:5.1f}ms {q2 / base:6.3f}x"
        )
        if mode != "none":
            low, high = bootstrap_ratio(walls, mode, BOOTSTRAP, rng)
            line += f"  [{low:.3f}, {high:.3f}]"
        print(line)
    stats = summary(native)
    print(
        f"{label('native'):38s} {stats['median'] * 1000:6.1f}ms"
        f" (a block of {stats['n']} after the others) {stats['median'] / base:.3f}x"
    )
    for count in SUBSCRIPTIONS:
        extra = statistics.median(walls[count]) - base
        extra_cpu = statistics.median(cpus[count]) - statistics.median(cpus["none"])
        print(
            f"cost per subscription, {count:2d} vs none (median): "
            f"{extra * 1000 / count:+6.2f} ms = {extra / count / base * 100:+.2f}%"
            f" (CPU of this process {extra_cpu * 1000 / count:+.2f} ms)"
        )
    for count, bound in ((3, "target"), (10, "goal")):
        ratio = statistics.median(walls[count]) / base
        print(
            f"{bound}: {count} subscriptions at most 1.05x: "
            f"{'met' if ratio <= 1.05 else 'NOT met'} ({ratio:.3f}x)"
        )
    print(
        "deliveries created per mode (none must be 0): "
        + ", ".join(f"{mode}: {count}" for mode, count in deliveries.items())
    )


def main():
    conf, registry = prepare(DB, "integration_distribution,base_automation")
    customer_id, product_ids = setup_data(registry)
    with receiver_class()() as fast, receiver_class()(delay=0.05) as slow:
        subscription_ids = bench_subscriptions(registry, fast.url)
        rounds = WARM_UP_ROUNDS + ORDERS
        order_ids = draft_orders(
            registry, customer_id, product_ids, rounds * len(MODES)
        )
        warm_up = WARM_UP_ROUNDS * len(MODES)  # caches, first-time compiles
        run_rounds(registry, subscription_ids, order_ids[:warm_up], WARM_UP_ROUNDS)
        load_before = os.getloadavg()[0]
        timings, confirmed = run_rounds(
            registry, subscription_ids, order_ids[warm_up:], ORDERS
        )
        load_after = os.getloadavg()[0]
        switch(registry, subscription_ids, "none")
        automation_id = native_automation(registry, slow.url)
        native = [
            confirm(registry, order_id)[0]
            for order_id in draft_orders(registry, customer_id, product_ids, ORDERS)
        ]
        archive(registry, automation_id)
    report(
        timings, native, deliveries_of(registry, confirmed), (load_before, load_after)
    )


if __name__ == "__main__":
    main()
