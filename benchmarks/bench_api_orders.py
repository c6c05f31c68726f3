"""Order intake: ``POST /api/v1/orders`` vs the XML-RPC flow a partner writes.

4 concurrent clients (threads, each with its own keep-alive session and its
own external references) send 5-line orders to a started Odoo with
``BENCH_WORKERS`` HTTP workers (default 4: one per client; on 2 cores the
work is CPU-bound either way, and fewer workers than clients would queue
requests in the kernel, not in Odoo).

* suite: one ``POST /api/v1/orders`` per order (API key, Idempotency-Key,
  schema validation, code mappings, create + confirm, kept message, log).
* XML-RPC: what a partner writes with an Odoo API key (``res.users.apikeys``)
  as password: search the customer by ref, the 5 products by default_code,
  ``sale.order`` ``create`` with the lines, ``action_confirm``: 4 calls.

Run: ``python3 benchmarks/bench_api_orders.py`` (creates the database
``integration_bench_api`` the first time).
"""

import os
import uuid
import xmlrpc.client

import requests
from api_common import describe, ensure_user, issue_api_key, run_clients
from common import OdooServer, environment, prepare

DB = os.environ.get("BENCH_DB", "integration_bench_api")
ORDERS = int(os.environ.get("BENCH_ORDERS", 200))
WORKERS = int(os.environ.get("BENCH_WORKERS", 4))
CLIENTS = 4
SKUS = [f"BENCH-P{n}" for n in range(1, 6)]
CUSTOMER_REF = "BENCH-CUST"
SYSTEM = "bench_orders"


def setup_data(registry):
    """Products, customer and the system's mappings; an XML-RPC user and key."""
    system_id, token = issue_api_key(registry, SYSTEM, ["orders:write", "orders:read"])
    with environment(registry, {"tracking_disable": True}) as env:
        Product = env["product.product"]
        products = Product.search([("default_code", "in", SKUS)])
        for sku in set(SKUS) - set(products.mapped("default_code")):
            products |= Product.create({"name": f"Bench {sku}", "default_code": sku,
                                        "type": "consu", "list_price": 10.0})
        customer = env["res.partner"].search([("ref", "=", CUSTOMER_REF)], limit=1)
        if not customer:
            customer = env["res.partner"].create({"name": "Bench customer", "ref": CUSTOMER_REF})
        Mapping = env["integration.mapping"]
        wanted = [("customer", CUSTOMER_REF, customer.id)] + [
            ("product", product.default_code, product.id) for product in products]
        for kind, code, res_id in wanted:
            if not Mapping.search_count([("system_id", "=", system_id), ("kind", "=", kind),
                                         ("external_code", "=", code)]):
                Mapping.create({"system_id": system_id, "kind": kind, "external_code": code,
                                "res_id": res_id})
        rpc_user = ensure_user(env, "bench_xmlrpc")
        rpc_key = env["res.users.apikeys"].with_user(rpc_user).sudo()._generate(
            "rpc", "bench", None)
        return token, rpc_user.login, rpc_key


def order_body(ref):
    return {"external_ref": ref, "customer": {"code": CUSTOMER_REF},
            "lines": [{"sku": sku, "qty": n + 1} for n, sku in enumerate(SKUS)]}


def main():
    conf, registry = prepare(DB, "integration_distribution")
    token, login, rpc_key = setup_data(registry)
    run = uuid.uuid4().hex[:8]
    with OdooServer(conf, DB, workers=WORKERS) as server:
        api_url = f"{server.url}/api/v1/orders"

        def api_session():
            session = requests.Session()
            session.headers.update({"X-Api-Key": token})
            return session

        def api_order(tag):
            def call(session, index, n):
                response = session.post(api_url, json=order_body(f"{tag}-{run}-{index}-{n}"),
                                        headers={"Idempotency-Key": str(uuid.uuid4())},
                                        timeout=120)
                if response.status_code != 201:
                    raise RuntimeError(f"API: {response.status_code} {response.text[:300]}")
            return call

        uid = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common").authenticate(
            DB, login, rpc_key, {})

        def rpc_session():
            return xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object", allow_none=True)

        def rpc_order(session, index, n):
            def call(model, method, *args, **kw):
                return session.execute_kw(DB, uid, rpc_key, model, method, list(args), kw)
            (partner_id,) = call("res.partner", "search", [("ref", "=", CUSTOMER_REF)], limit=1)
            products = call("product.product", "search_read", [("default_code", "in", SKUS)],
                            fields=["default_code"])
            by_code = {p["default_code"]: p["id"] for p in products}
            order_id = call("sale.order", "create", {
                "partner_id": partner_id,
                "client_order_ref": f"rpc-{run}-{index}-{n}",
                "order_line": [(0, 0, {"product_id": by_code[sku], "product_uom_qty": q + 1})
                               for q, sku in enumerate(SKUS)],
            })
            call("sale.order", "action_confirm", [order_id])

        # warm every worker (registry, caches, prepared statements)
        run_clients(CLIENTS, 3, api_session, api_order("warm"))
        run_clients(CLIENTS, 3, rpc_session, rpc_order)
        per_client = ORDERS // CLIENTS // 2
        results = {"api": ([], []), "rpc": ([], [])}
        for round_ in (1, 2):  # alternate: drift (colleagues' load) hits both
            for name, make, call in (("api", api_session, api_order(f"r{round_}")),
                                     ("rpc", rpc_session, rpc_order)):
                rate, latencies = run_clients(CLIENTS, per_client, make, call)
                results[name][0].append(len(latencies) / rate)
                results[name][1].extend(latencies)

    rates = {name: len(lat) / sum(secs) for name, (secs, lat) in results.items()}
    print(f"\n== Order intake, 5 lines, {CLIENTS} concurrent clients, {WORKERS} HTTP workers, "
          f"{ORDERS} orders each (2 alternating rounds)")
    print(describe("POST /api/v1/orders", rates["api"], results["api"][1], "orders/s"))
    print(describe("XML-RPC (4 calls, API key)", rates["rpc"], results["rpc"][1], "orders/s"))
    print(f"ratio suite / XML-RPC: {rates['api'] / rates['rpc']:.2f}x orders/s")


if __name__ == "__main__":
    main()
