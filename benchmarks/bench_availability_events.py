"""availability.changed: coalescing, the user's cost, and freshness.

1. **Burst**: 1,000 stock moves on 20 products, validated in one
   transaction (a wave of pickings, an inventory import), then the drain:
   events emitted per subject (target: at most one per subject per window).
2. **User-facing cost**: validating a 5-line delivery, one transaction each,
   with no channel publishing availability vs two channels with webhook
   subscriptions to ``availability.changed`` (the dirty rows and the drain
   job are written in the user's transaction; the events later). Target: at
   most 1.05x.
3. **Freshness**: a started server (2 workers, job runner) and a real
   receiver; stock changes committed one by one; the time from the change's
   commit to the receiver getting the event, p50/p95 (target: p95 at most
   2 s beyond the coalescing window).

Run: ``python3 benchmarks/bench_availability_events.py`` (creates the
database ``integration_bench_inventory_events`` the first time).
"""

import json
import os
import time
import uuid
from datetime import UTC, datetime

from common import OdooServer, environment, prepare, summary

from odoo import fields

from tests.odoo_env import receiver_class

DB = os.environ.get("BENCH_DB", "integration_bench_inventory_events")
PICKINGS = int(os.environ.get("BENCH_PICKINGS", 40))
CHANGES = int(os.environ.get("BENCH_CHANGES", 40))
LINES = 5


def set_up(registry, receiver_url):
    with environment(registry, {"tracking_disable": True}) as env:
        env["ir.config_parameter"].set_param(
            "integration_webhook.allowed_networks", "127.0.0.1/32"
        )
        changed = env["integration.event.type"]._get_by_code("availability.changed")
        systems = env["integration.system"]
        for n in range(2):
            code = f"bench_channel_{n}"
            system = systems.search([("code", "=", code)])
            if not system:
                system = systems.create(
                    {"name": f"Bench channel {n}", "code": code, "state": "active"}
                )
            systems |= system
        # a new configuration file has a new encryption key: subscriptions
        # of an earlier run cannot sign any more, so each run makes its own
        Subscription = env["integration.subscription"]
        Subscription.search([("system_id", "in", systems.ids)]).write(
            {"state": "disabled"}
        )
        for system in systems:
            Subscription.create(
                {
                    "name": f"Bench availability {system.code}",
                    "target_url": receiver_url,
                    "system_id": system.id,
                    "event_type_ids": [(6, 0, changed.ids)],
                }
            )
        products = env["product.product"].create(
            [
                {"name": f"Bench stock {uuid.uuid4().hex[:6]}", "is_storable": True}
                for _ in range(20)
            ]
        )
        warehouse = env["stock.warehouse"].search([("code", "=", "WH")], limit=1)
        for product in products:
            env["stock.quant"]._update_available_quantity(
                product, warehouse.lot_stock_id, 100000
            )
        return systems.ids, products.ids, warehouse.id


def publishing(registry, system_ids, on):
    with environment(registry) as env:
        env["integration.system"].browse(system_ids).write({"availability_publish": on})
        env["integration.availability.dirty"].search([]).unlink()


def burst(registry, product_ids, warehouse_id):
    with environment(registry) as env:
        warehouse = env["stock.warehouse"].browse(warehouse_id)
        supplier = env.ref("stock.stock_location_suppliers")
        products = env["product.product"].browse(product_ids)
        moves = env["stock.move"].create(
            [
                {
                    "name": p.name,
                    "product_id": p.id,
                    "product_uom_qty": 1,
                    "product_uom": p.uom_id.id,
                    "location_id": supplier.id,
                    "location_dest_id": warehouse.lot_stock_id.id,
                }
                for _ in range(50)
                for p in products
            ]
        )
        moves._action_confirm()
        for move in moves:
            move.quantity = 1
        moves.picked = True
        moves._action_done()
    with environment(registry) as env:
        before = env["integration.event"].search_count(
            [("type", "=", "availability.changed")]
        )
        env["integration.availability.dirty"]._drain()
        events = env["integration.event"].search(
            [("type", "=", "availability.changed")],
            order="id desc",
            limit=env["integration.event"].search_count(
                [("type", "=", "availability.changed")]
            )
            - before,
        )
        return len(moves), events.mapped("subject")


def deliveries(registry, product_ids, warehouse_id, count):
    with environment(registry, {"tracking_disable": True}) as env:
        warehouse = env["stock.warehouse"].browse(warehouse_id)
        customer = env["res.partner"].create({"name": "Bench availability customer"})
        pickings = env["stock.picking"].create(
            [
                {
                    "picking_type_id": warehouse.out_type_id.id,
                    "partner_id": customer.id,
                    "location_id": warehouse.lot_stock_id.id,
                    "location_dest_id": env.ref("stock.stock_location_customers").id,
                    "move_ids": [
                        fields.Command.create(
                            {
                                "name": "bench",
                                "product_id": pid,
                                "product_uom_qty": 1,
                                "location_id": warehouse.lot_stock_id.id,
                                "location_dest_id": env.ref(
                                    "stock.stock_location_customers"
                                ).id,
                            }
                        )
                        for pid in product_ids[:LINES]
                    ],
                }
                for _ in range(count)
            ]
        )
        pickings.action_confirm()
        pickings.action_assign()
        return pickings.ids


def validate_each(registry, picking_ids):
    timings = []
    for picking_id in picking_ids:
        started = time.perf_counter()
        with environment(registry) as env:
            picking = env["stock.picking"].browse(picking_id)
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
            picking.move_ids.picked = True
            picking.button_validate()
        timings.append(time.perf_counter() - started)
    return timings


def freshness(conf, registry, receiver, product_ids, warehouse_id):
    """Commit-to-received lags measured at the receiver: its arrival time
    against the event's ``changed_at`` (when the change was committed)."""
    with environment(registry) as env:
        window = env["integration.availability.dirty"]._window()
    started = time.time()
    with OdooServer(
        conf,
        DB,
        workers=2,
        channels="root:4,root.integration_webhook:2,root.integration_inventory:1",
    ):
        time.sleep(3)
        for n in range(CHANGES):
            product_id = product_ids[n % len(product_ids)]
            with environment(registry) as env:
                warehouse = env["stock.warehouse"].browse(warehouse_id)
                env["stock.quant"]._update_available_quantity(
                    env["product.product"].browse(product_id), warehouse.lot_stock_id, 1
                )
            time.sleep(window + 0.5)  # one change per window: each gives its own event
        receiver.wait_for(len(receiver.received) + 1, timeout=window + 10)
        time.sleep(2)
    lags = []
    for request in receiver.received:
        if request.at < started:
            continue
        event = json.loads(request.body)
        if event.get("type") != "availability.changed":
            continue
        changed_at = (
            datetime.fromisoformat(event["data"]["changed_at"].rstrip("Z"))
            .replace(tzinfo=UTC)
            .timestamp()
        )
        if changed_at < started:
            continue  # the burst's events, queued before the server started
        lags.append(request.at - changed_at)
    return window, lags


def main():
    conf, registry = prepare(DB, "integration_inventory")
    with receiver_class()() as receiver:
        system_ids, product_ids, warehouse_id = set_up(registry, receiver.url)
        publishing(registry, system_ids, True)
        moves, subjects = burst(registry, product_ids, warehouse_id)
        per_subject = max((subjects.count(s) for s in set(subjects)), default=0)
        print(
            f"\n== Burst: {moves} moves on {len(product_ids)} products, one transaction, "
            f"2 channels -> {len(subjects)} events for {len(set(subjects))} subjects, "
            f"at most {per_subject} per subject"
        )
        results = {}
        validate_each(
            registry, deliveries(registry, product_ids, warehouse_id, 5)
        )  # warm-up
        for mode in ("none", "two", "none", "two"):
            publishing(registry, system_ids, mode == "two")
            ids = deliveries(registry, product_ids, warehouse_id, PICKINGS // 2)
            results.setdefault(mode, []).extend(validate_each(registry, ids))
        base = summary(results["none"])["median"]
        two = summary(results["two"])["median"]
        print(
            f"== Validating a {LINES}-line delivery, one transaction each "
            f"({len(results['none'])} per mode): no channel {base * 1000:.1f} ms, "
            f"two publishing channels {two * 1000:.1f} ms: ratio {two / base:.3f}x"
        )
        publishing(registry, system_ids, True)
        window, lags = freshness(conf, registry, receiver, product_ids, warehouse_id)
    if lags:
        stats = summary(lags)
        print(
            f"== Freshness, stock change committed -> delivered to the receiver "
            f"(window {window:g} s, {stats['n']} deliveries): p50 {stats['median']:.2f} s, "
            f"p95 {stats['p95']:.2f} s, {stats['p95'] - window:.2f} s beyond the window"
        )
    else:
        print("== Freshness: no delivery measured (see the server log)")
    print(f"(at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
