"""What the outbox costs the user: confirming sale orders, one per transaction.

Three runs on the same orders data:

* ``none``: no subscription (Odoo alone, plus the outbox row);
* ``suite``: 3 active webhook subscriptions to ``order.accepted`` (the event,
  3 deliveries and 3 queue jobs written in the user's transaction, nothing
  sent before commit);
* ``native``: Odoo's own automation "Send Webhook Notification" on the order
  becoming a sale order, to a receiver that answers in 50 ms (the user waits
  for the partner, inside the transaction).

Target: suite at most 1.05x none.
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


def setup_data(registry):
    with environment(registry) as env:
        env["ir.config_parameter"].set_param(
            "integration_webhook.allowed_networks", "127.0.0.1/32"
        )
        customer = env["res.partner"].create({"name": f"Bench customer {uuid.uuid4().hex[:4]}"})
        products = env["product.product"].create(
            [
                {"name": f"Bench product {n}", "type": "consu", "is_storable": True,
                 "list_price": 10 + n}
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
                        (0, 0, {"product_id": pid, "product_uom_qty": 2}) for pid in product_ids
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
        subscriptions.search([]).write({"state": "paused"})
        automations = env["base.automation"].with_context(active_test=False)
        automations.search([("name", "=like", "Bench native webhook%")]).write({"active": False})
        if mode == "suite":
            accepted = env["integration.event.type"]._get_by_code("order.accepted")
            subscriptions.create(
                [
                    {
                        "name": f"Bench partner {n}",
                        "target_url": receiver_url,
                        "event_type_ids": [(6, 0, accepted.ids)],
                    }
                    for n in range(3)
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
                        (0, 0, {"name": "Bench native webhook call", "model_id": model.id,
                                "state": "webhook", "webhook_url": native_url})
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
        for mode in ("none", "suite", "native", "none", "suite"):
            configure(registry, mode, fast.url, slow.url)
            ids = draft_orders(registry, customer_id, product_ids, ORDERS)
            results.setdefault(mode, []).extend(confirm_each(registry, ids))
        configure(registry, "none", fast.url, slow.url)
        with environment(registry) as env:
            pending = env["integration.delivery"].search_count([("state", "=", "pending")])
    base = summary(results["none"])
    print(f"\n== Confirming a {LINES}-line sale order, one transaction each "
          f"({len(results['none'])} orders per mode)")
    for mode, label in (("none", "no subscription"), ("suite", "3 subscriptions (this suite)"),
                        ("native", "Odoo webhook action, 50 ms receiver")):
        stats = summary(results[mode])
        print(f"{label:38s} mean {stats['mean'] * 1000:7.1f} ms  median "
              f"{stats['median'] * 1000:7.1f} ms  ratio {stats['median'] / base['median']:.3f}x")
    print(f"(deliveries queued for the runner, none sent during the benchmark: {pending})")


if __name__ == "__main__":
    main()
