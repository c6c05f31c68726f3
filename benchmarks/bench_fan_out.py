"""Where a subscription's cost goes when a sale order is confirmed: in-process.

For 0, 1 and 10 active subscriptions to ``order.accepted``, confirms sale
orders one per transaction (as ``bench_confirm_overhead.py`` does) and
counts, per transaction, the SQL queries and the time of the whole
transaction (commit included), of the fan-out (``_fan_out``: deliveries and
drain jobs) and of the drain scheduling (``_enqueue``), so that the cost of
one subscription is measured apart from the machine's noise in the rest.

Run: ``BENCH_DB=... python3 benchmarks/bench_fan_out.py`` (needs the
database of ``bench_confirm_overhead.py``, or creates it).
"""

import contextlib
import cProfile
import os
import pstats
import statistics
import time

from bench_confirm_overhead import (
    bench_subscriptions,
    draft_orders,
    setup_data,
    switch,
)
from common import environment, prepare

from tests.odoo_env import receiver_class

DB = os.environ.get("BENCH_DB", "integration_bench_confirm")
ORDERS = int(os.environ.get("BENCH_ORDERS", 40))
MODES = (0, 1, 10)
# BENCH_PROFILE=1: also print where the fan-out's time goes with 10 subscriptions
PROFILE = os.environ.get("BENCH_PROFILE") == "1"


class Meter:
    """Time and queries spent in the wrapped methods, per transaction."""

    def __init__(self):
        self.spent = {}
        self.profile = None

    @contextlib.contextmanager
    def measure(self, name, cr):
        started, queries = time.perf_counter(), cr.sql_log_count
        try:
            yield
        finally:
            seconds, count = self.spent.get(name, (0.0, 0))
            self.spent[name] = (
                seconds + time.perf_counter() - started,
                count + cr.sql_log_count - queries,
            )

    def wrap(self, cls, method, name):
        original = getattr(cls, method)
        meter = self

        def wrapper(self, *args, **kwargs):
            with meter.measure(name, self.env.cr):
                if meter.profile and name == "fan-out":
                    return meter.profile.runcall(original, self, *args, **kwargs)
                return original(self, *args, **kwargs)

        setattr(cls, method, wrapper)
        return lambda: setattr(cls, method, original)


def wrap_all(meter):
    from odoo.addons.integration_webhook.models import (
        integration_delivery,
        integration_delivery_queue,
        integration_event,
        integration_subscription,
    )

    undo = [
        meter.wrap(integration_event.IntegrationEvent, "_fan_out", "fan-out"),
        meter.wrap(
            integration_delivery_queue.IntegrationDeliveryQueue, "_enqueue", "enqueue"
        ),
    ]
    # the fan-out's other two steps, where the code has them
    for cls, method, name in (
        (integration_subscription.IntegrationSubscription, "_listening", "listening"),
        (integration_delivery.IntegrationDelivery, "_insert", "insert"),
    ):
        if hasattr(cls, method):
            undo.append(meter.wrap(cls, method, name))
    hooks = getattr(integration_event, "FAN_OUT_HOOKS", ())
    for cls, method, name in hooks:
        undo.append(meter.wrap(cls, method, name))
    return undo


def confirm_each(registry, order_ids, meter):
    rows = []
    for order_id in order_ids:
        meter.spent = {}
        started = time.perf_counter()
        with environment(registry) as env:
            queries = env.cr.sql_log_count
            env["sale.order"].browse(order_id).action_confirm()
            env.cr.flush()  # the precommit hooks, counted with the transaction
            total_queries = env.cr.sql_log_count - queries
        rows.append((time.perf_counter() - started, total_queries, dict(meter.spent)))
    return rows


def micro(registry, url, repeat=200):
    """The fan-out alone: ``repeat`` ping events emitted one by one into 0, 1
    and 10 subscriptions, in one transaction rolled back at the end; the
    minimum and median per emit are steadier than a whole confirmation."""
    rows = {}
    with registry.cursor() as cr:
        from odoo import SUPERUSER_ID, api

        env = api.Environment(cr, SUPERUSER_ID, {})
        env["integration.subscription"].search([]).write({"state": "disabled"})
        ping = env.ref("integration_core.event_type_integration_ping")
        subscriptions = env["integration.subscription"]
        events = env["integration.event"]
        for count in MODES:
            if count > len(subscriptions):
                subscriptions |= subscriptions.create(
                    [
                        {
                            "name": f"Micro {n}",
                            "target_url": url,
                            "event_type_ids": [(6, 0, ping.ids)],
                        }
                        for n in range(count - len(subscriptions))
                    ]
                )
            emitted = []
            for index in range(repeat):
                [event] = events.create(
                    [
                        {
                            "event_type_id": ping.id,
                            "source": "bench",
                            "subject": f"bench/{index}",
                            "data": {"message": "x"},
                        }
                    ]
                )
                started, queries = time.perf_counter(), cr.sql_log_count
                event._fan_out()
                cr.flush()
                emitted.append(
                    (time.perf_counter() - started, cr.sql_log_count - queries)
                )
                # as if each emit were a transaction of its own: its drain jobs
                # do not find the previous emit's waiting (same identity key)
                cr.execute(
                    "UPDATE queue_job SET state = 'done' WHERE state = 'pending' "
                    "AND identity_key LIKE 'integration_webhook.drain-%%'"
                )
            rows[count] = emitted
        cr.rollback()
    print(f"\n== The fan-out of one event, {repeat} events per mode, one transaction")
    base = statistics.median(r[0] for r in rows[0])
    for count in MODES:
        times = [r[0] for r in rows[count]]
        median = statistics.median(times)
        print(
            f"{count:2d} subscriptions: min {min(times) * 1000:6.2f} ms, median "
            f"{median * 1000:6.2f} ms, {statistics.median(r[1] for r in rows[count]):3.0f} "
            f"queries; per subscription {(median - base) * 1000 / max(count, 1):5.2f} ms"
        )


def main():
    conf, registry = prepare(DB, "integration_distribution,base_automation")
    if os.environ.get("BENCH_MICRO_ONLY") == "1":
        with receiver_class()() as receiver:
            micro(registry, receiver.url)
        return
    customer_id, product_ids = setup_data(registry)
    meter = Meter()
    undo = wrap_all(meter)
    results = {}
    try:
        with receiver_class()() as receiver:
            subscription_ids = bench_subscriptions(registry, receiver.url)
            confirm_each(
                registry, draft_orders(registry, customer_id, product_ids, 5), meter
            )
            for mode in (*MODES, *MODES):
                switch(registry, subscription_ids, mode or "none")
                ids = draft_orders(registry, customer_id, product_ids, ORDERS)
                meter.profile = cProfile.Profile() if PROFILE and mode == 10 else None
                results.setdefault(mode, []).extend(confirm_each(registry, ids, meter))
                if meter.profile:
                    pstats.Stats(meter.profile).sort_stats("cumulative").print_stats(30)
            switch(registry, subscription_ids, "none")
    finally:
        for step in undo:
            step()
    print(f"\n== Confirming a sale order, {2 * ORDERS} per mode, medians")
    names = sorted({name for rows in results.values() for r in rows for name in r[2]})
    base = statistics.median(r[0] for r in results[0])
    base_queries = statistics.median(r[1] for r in results[0])
    for mode in MODES:
        rows = results[mode]
        total = statistics.median(r[0] for r in rows)
        queries = statistics.median(r[1] for r in rows)
        parts = "  ".join(
            f"{name} {statistics.median(r[2].get(name, (0, 0))[0] for r in rows) * 1000:6.2f} ms"
            f" / {statistics.median(r[2].get(name, (0, 0))[1] for r in rows):4.0f} q"
            for name in names
        )
        print(
            f"{mode:2d} subscriptions: {total * 1000:7.1f} ms ({total / base:.3f}x), "
            f"{queries:4.0f} queries (+{queries - base_queries:.0f})  {parts}"
        )


if __name__ == "__main__":
    main()
