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

``none`` and the subscription counts run twice, alternating (drift from the
machine's load hits all of them); ``native`` once.

Target: 3 subscriptions at most 1.05x none; goal: 10 at most 1.05x.
Run: ``python3 benchmarks/bench_confirm_overhead.py``.
"""

import os
import time
import uuid

from common import environment, prepare, summary

from tests.odoo_env import receiver_class

DB = os.environ.get("BENCH_DB", "integration_bench_confirm")
ORDERS = int(os.environ.get("BENCH_ORDERS", 60))
LINES = 5
SUBSCRIPTIONS = (1, 3, 10)


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


def confirm_each(registry, order_ids):
    """Seconds per order: confirm and commit, as a user clicking Confirm."""
    timings = []
    for order_id in order_ids:
        started = time.perf_counter()
        with environment(registry) as env:
            env["sale.order"].browse(order_id).action_confirm()
        timings.append(time.perf_counter() - started)
    return timings


def configure(registry, mode, receiver_url, native_url):
    with environment(registry) as env:
        subscriptions = env["integration.subscription"]
        # disabled, not paused: a paused subscription still gets its deliveries
        # (sent when resumed), so "none" would not be none
        subscriptions.search([]).write({"state": "disabled"})
        automations = env["base.automation"].with_context(active_test=False)
        automations.search([("name", "=like", "Bench native webhook%")]).write(
            {"active": False}
        )
        if isinstance(mode, int):  # that many subscriptions
            accepted = env["integration.event.type"]._get_by_code("order.accepted")
            subscriptions.create(
                [
                    {
                        "name": f"Bench partner {n}",
                        "target_url": receiver_url,
                        "event_type_ids": [(6, 0, accepted.ids)],
                    }
                    for n in range(mode)
                ]
            )
        if mode == "native":
            model = env["ir.model"]._get("sale.order")
            state_field = env["ir.model.fields"]._get("sale.order", "state")
            automations.create(
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
            )


def main():
    conf, registry = prepare(DB, "integration_distribution,base_automation")
    customer_id, product_ids = setup_data(registry)
    results = {}
    with receiver_class()() as fast, receiver_class()(delay=0.05) as slow:
        # warm-up: caches, first-time compiles
        confirm_each(registry, draft_orders(registry, customer_id, product_ids, 10))
        passes = ("none", *SUBSCRIPTIONS, "native", "none", *SUBSCRIPTIONS)
        for mode in passes:
            configure(registry, mode, fast.url, slow.url)
            ids = draft_orders(registry, customer_id, product_ids, ORDERS)
            results.setdefault(mode, []).extend(confirm_each(registry, ids))
        configure(registry, "none", fast.url, slow.url)
        with environment(registry) as env:
            pending = env["integration.delivery"].search_count(
                [("state", "=", "pending")]
            )
    base = summary(results["none"])
    print(
        f"\n== Confirming a {LINES}-line sale order, one transaction each "
        f"({len(results['none'])} orders per mode, {ORDERS} per pass)"
    )
    rows = [("none", "no subscription")]
    rows += [
        (count, f"{count} subscription{'s' if count > 1 else ''} (this suite)")
        for count in SUBSCRIPTIONS
    ]
    rows += [("native", "Odoo webhook action, 50 ms receiver")]
    for mode, label in rows:
        stats = summary(results[mode])
        print(
            f"{label:38s} mean {stats['mean'] * 1000:7.1f} ms  median "
            f"{stats['median'] * 1000:7.1f} ms  ratio {stats['median'] / base['median']:.3f}x"
        )
    for count in SUBSCRIPTIONS:
        extra = summary(results[count])["median"] - base["median"]
        print(
            f"cost per subscription, {count:2d} vs none (median): "
            f"{extra * 1000 / count:+6.2f} ms = {extra / count / base['median'] * 100:+.2f}%"
        )
    print(
        f"(deliveries queued for the runner, none sent during the benchmark: {pending})"
    )


if __name__ == "__main__":
    main()
