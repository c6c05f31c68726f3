"""Order intake: ``POST /api/v1/orders`` vs the XML-RPC flow a partner writes.

4 concurrent clients (threads, each with its own keep-alive session and its
own external references) send 5-line orders to a started Odoo with
``BENCH_WORKERS`` HTTP workers (default 4: one per client; on 2 cores the
work is CPU-bound either way, and fewer workers than clients would queue
requests in the kernel, not in Odoo) and the queue_job runner.

* suite, queued intake (the system's "Order intake: queued", what a partner
  with volume is given): ``POST /api/v1/orders`` answers 202 and the drain
  job creates and confirms the orders in batches. The clock stops when the
  last order is confirmed, not when the last answer came back, so the rate
  compares confirmed orders with confirmed orders.
* suite, immediate intake (the default): ``POST /api/v1/orders`` answers 201
  with the confirmed order (API key, Idempotency-Key, schema validation,
  code mappings, create + confirm, kept message, log).
* XML-RPC: what a partner writes with an Odoo API key (``res.users.apikeys``)
  as password: search the customer by ref, the 5 products by default_code,
  ``sale.order`` ``create`` with the lines, ``action_confirm``: 4 calls.
* the limit of intake: the same orders created and confirmed by the ORM in
  this one process, no HTTP, no API: the queued drain's batch size
  (``integration_api.queue_batch_size``, default 50) of orders per
  transaction, one ``create`` and one ``action_confirm``, as the queued
  system's user. The queued intake's rate is printed as a share of it (the
  queued intake runs up to two drains at once, the limit one process).

Run: ``python3 benchmarks/bench_api_orders.py`` (creates the database
``integration_bench_api`` the first time).
"""

import os
import time
import uuid
import xmlrpc.client

import requests
from api_common import describe, ensure_user, issue_api_key, run_clients
from common import OdooServer, environment, prepare, summary

from odoo.fields import Command

DB = os.environ.get("BENCH_DB", "integration_bench_api")
ORDERS = int(os.environ.get("BENCH_ORDERS", 400))
WORKERS = int(os.environ.get("BENCH_WORKERS", 4))
CLIENTS = 4
SKUS = [f"BENCH-P{n}" for n in range(1, 6)]
CUSTOMER_REF = "BENCH-CUST"
SYSTEM = "bench_orders"
SYSTEM_QUEUED = "bench_orders_queued"


def setup_data(registry):
    """Products, customer and the systems' mappings; an XML-RPC user and key.

    :return: ``(immediate token, queued token, queued system id, XML-RPC
        login, XML-RPC key)``
    """
    system_id, token = issue_api_key(registry, SYSTEM, ["orders:write", "orders:read"])
    queued_id, queued_token = issue_api_key(registry, SYSTEM_QUEUED, ["orders:write"])
    with environment(registry, {"tracking_disable": True}) as env:
        env["integration.system"].browse(queued_id).order_intake_mode = "queued"
        Product = env["product.product"]
        products = Product.search([("default_code", "in", SKUS)])
        for sku in set(SKUS) - set(products.mapped("default_code")):
            products |= Product.create(
                {
                    "name": f"Bench {sku}",
                    "default_code": sku,
                    "type": "consu",
                    "list_price": 10.0,
                }
            )
        customer = env["res.partner"].search([("ref", "=", CUSTOMER_REF)], limit=1)
        if not customer:
            customer = env["res.partner"].create(
                {"name": "Bench customer", "ref": CUSTOMER_REF}
            )
        Mapping = env["integration.mapping"]
        wanted = [("customer", CUSTOMER_REF, customer.id)] + [
            ("product", product.default_code, product.id) for product in products
        ]
        for system in (system_id, queued_id):
            for kind, code, res_id in wanted:
                if not Mapping.search_count(
                    [
                        ("system_id", "=", system),
                        ("kind", "=", kind),
                        ("external_code", "=", code),
                    ]
                ):
                    Mapping.create(
                        {
                            "system_id": system,
                            "kind": kind,
                            "external_code": code,
                            "res_id": res_id,
                        }
                    )
        rpc_user = ensure_user(env, "bench_xmlrpc")
        rpc_key = (
            env["res.users.apikeys"]
            .with_user(rpc_user)
            .sudo()
            ._generate("rpc", "bench", None)
        )
        return token, queued_token, queued_id, rpc_user.login, rpc_key


def wait_confirmed(registry, system_id, refs, timeout=600):
    """Block until the queued orders ``refs`` are confirmed; the acceptance
    lags (message received -> processed), in seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with environment(registry) as env:
            # cheap on purpose: this poll runs on the same cores as the drains
            env.cr.execute(
                """SELECT 1 FROM integration_api_message
                    WHERE system_id = %s AND state = 'queued' LIMIT 1""",
                (system_id,),
            )
            if not env.cr.fetchone():
                break
        time.sleep(0.05)
    else:
        raise RuntimeError("the queued orders were not processed in time")
    with environment(registry) as env:
        env.cr.execute(
            """SELECT count(*) FROM sale_order
                WHERE integration_system_id = %s AND integration_external_ref IN %s
                  AND state = 'sale'""",
            (system_id, tuple(refs)),
        )
        confirmed = env.cr.fetchone()[0]
        env.cr.execute(
            """SELECT EXTRACT(EPOCH FROM write_date - create_date) FROM integration_api_message
                WHERE system_id = %s AND reference IN %s AND state = 'done'""",
            (system_id, tuple(refs)),
        )
        lags = [float(row[0]) for row in env.cr.fetchall()]
    if confirmed != len(refs):
        raise RuntimeError(f"{confirmed} of {len(refs)} queued orders confirmed")
    return lags


def drain_batch_size(registry):
    """The queued drain's batch size: its setting, else its default."""
    from odoo.addons.integration_api.models.integration_api_queue import (
        DEFAULT_BATCH_SIZE,
    )

    with environment(registry) as env:
        value = env["ir.config_parameter"].get_param("integration_api.queue_batch_size")
    return max(1, int(value)) if value else DEFAULT_BATCH_SIZE


def orm_round(registry, system_id, tag, count, batch_size):
    """Seconds to create and confirm ``count`` orders in batches, no HTTP."""
    with environment(registry) as env:
        user_id = env["integration.system"].browse(system_id).user_id.id
    started = time.perf_counter()
    for first in range(0, count, batch_size):
        with environment(registry) as env:
            env = env(user=user_id)
            customer = env["res.partner"].search([("ref", "=", CUSTOMER_REF)], limit=1)
            products = env["product.product"].search([("default_code", "in", SKUS)])
            by_code = {product.default_code: product.id for product in products}
            env["sale.order"].create(
                [
                    {
                        "partner_id": customer.id,
                        "client_order_ref": f"{tag}-{n}",
                        "order_line": [
                            Command.create(
                                {"product_id": by_code[sku], "product_uom_qty": q + 1}
                            )
                            for q, sku in enumerate(SKUS)
                        ],
                    }
                    for n in range(first, min(count, first + batch_size))
                ]
            ).action_confirm()
    return time.perf_counter() - started


def order_body(ref):
    return {
        "external_ref": ref,
        "customer": {"code": CUSTOMER_REF},
        "lines": [{"sku": sku, "qty": n + 1} for n, sku in enumerate(SKUS)],
    }


def main():
    conf, registry = prepare(DB, "integration_distribution")
    token, queued_token, queued_id, login, rpc_key = setup_data(registry)
    run = uuid.uuid4().hex[:8]
    with OdooServer(conf, DB, workers=WORKERS) as server:
        api_url = f"{server.url}/api/v1/orders"

        def api_session(key):
            def make():
                session = requests.Session()
                session.headers.update({"X-Api-Key": key})
                return session

            return make

        def api_order(tag, expected, refs=None):
            def call(session, index, n):
                ref = f"{tag}-{run}-{index}-{n}"
                response = session.post(
                    api_url,
                    json=order_body(ref),
                    headers={"Idempotency-Key": str(uuid.uuid4())},
                    timeout=120,
                )
                if response.status_code != expected:
                    raise RuntimeError(
                        f"API: {response.status_code} {response.text[:300]}"
                    )
                if refs is not None:
                    refs.append(ref)

            return call

        uid = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common").authenticate(
            DB, login, rpc_key, {}
        )

        def rpc_session():
            return xmlrpc.client.ServerProxy(
                f"{server.url}/xmlrpc/2/object", allow_none=True
            )

        def rpc_order(session, index, n):
            def call(model, method, *args, **kw):
                return session.execute_kw(
                    DB, uid, rpc_key, model, method, list(args), kw
                )

            (partner_id,) = call(
                "res.partner", "search", [("ref", "=", CUSTOMER_REF)], limit=1
            )
            products = call(
                "product.product",
                "search_read",
                [("default_code", "in", SKUS)],
                fields=["default_code"],
            )
            by_code = {p["default_code"]: p["id"] for p in products}
            order_id = call(
                "sale.order",
                "create",
                {
                    "partner_id": partner_id,
                    "client_order_ref": f"rpc-{run}-{index}-{n}",
                    "order_line": [
                        (0, 0, {"product_id": by_code[sku], "product_uom_qty": q + 1})
                        for q, sku in enumerate(SKUS)
                    ],
                },
            )
            call("sale.order", "action_confirm", [order_id])

        def queued_round(tag, per_client):
            """Orders per second from the first request to the last order confirmed."""
            refs = []
            started = time.perf_counter()
            _rate, latencies = run_clients(
                CLIENTS,
                per_client,
                api_session(queued_token),
                api_order(tag, 202, refs),
            )
            accepted = time.perf_counter() - started
            lags = wait_confirmed(registry, queued_id, refs)
            return time.perf_counter() - started, latencies, lags, accepted

        # warm every worker (registry, caches, prepared statements) and the runner
        run_clients(CLIENTS, 3, api_session(token), api_order("warm", 201))
        queued_round("warm", 3)
        run_clients(CLIENTS, 3, rpc_session, rpc_order)
        batch_size = drain_batch_size(registry)
        orm_round(registry, queued_id, f"orm-warm-{run}", batch_size, batch_size)
        per_client = ORDERS // CLIENTS // 2
        results = {name: ([], [], []) for name in ("queued", "api", "rpc")}
        orm_seconds = []
        accepting = []
        for round_ in (1, 2):  # alternate: drift (colleagues' load) hits all three
            seconds, latencies, lags, accepted = queued_round(f"q{round_}", per_client)
            results["queued"][0].append(seconds)
            results["queued"][1].extend(latencies)
            results["queued"][2].extend(lags)
            accepting.append(accepted)
            orm_seconds.append(
                orm_round(
                    registry,
                    queued_id,
                    f"orm{round_}-{run}",
                    per_client * CLIENTS,
                    batch_size,
                )
            )
            for name, make, call in (
                ("api", api_session(token), api_order(f"r{round_}", 201)),
                ("rpc", rpc_session, rpc_order),
            ):
                rate, latencies = run_clients(CLIENTS, per_client, make, call)
                results[name][0].append(len(latencies) / rate)
                results[name][1].extend(latencies)

    rates = {name: len(lat) / sum(secs) for name, (secs, lat, _lags) in results.items()}
    orm_rate = 2 * per_client * CLIENTS / sum(orm_seconds)
    lags = summary(results["queued"][2])
    print(
        f"\n== Order intake, 5 lines, {CLIENTS} concurrent clients, {WORKERS} HTTP workers, "
        f"{ORDERS} orders each (2 alternating rounds)"
    )
    print(
        describe(
            "POST /api/v1/orders, queued",
            rates["queued"],
            results["queued"][1],
            "orders/s",
        )
        + "  (rate: until the last order is confirmed; p50/p95: the 202)"
    )
    print(
        f"{'':<34}  received -> confirmed: p50 {lags['median'] * 1000:6.1f} ms, "
        f"p95 {lags['p95'] * 1000:6.1f} ms; all answered 202 at "
        f"{len(results['queued'][1]) / sum(accepting):.1f} orders/s (a promise, not a ratio)"
    )
    print(
        f"{'ORM in one process, no HTTP':<34}: {orm_rate:7.1f} orders/s, batches of "
        f"{batch_size} (one create, one action_confirm, one commit), "
        f"{1000 / orm_rate:.1f} ms per order (the limit of intake)"
    )
    print(
        describe(
            "POST /api/v1/orders, immediate",
            rates["api"],
            results["api"][1],
            "orders/s",
        )
    )
    print(
        describe(
            "XML-RPC (4 calls, API key)", rates["rpc"], results["rpc"][1], "orders/s"
        )
    )
    print(f"ratio queued / ORM limit: {rates['queued'] / orm_rate:.2f}x orders/s")
    print(f"ratio queued / XML-RPC: {rates['queued'] / rates['rpc']:.2f}x orders/s")
    print(f"ratio immediate / XML-RPC: {rates['api'] / rates['rpc']:.2f}x orders/s")


if __name__ == "__main__":
    main()
