"""Availability of many SKUs in 3 warehouses: one API call vs XML-RPC reads.

* API: ``GET /api/v1/availability?sku=...`` with the channel's own SKUs
  (mapped), every warehouse that feeds the channel: on hand, reserved, free,
  incoming, outgoing, forecast, available to sell and the next receipt, per
  SKU and warehouse.
* XML-RPC: what a partner writes with an Odoo API key: find the products by
  code, then read ``qty_available``, ``free_qty``, ``incoming_qty``,
  ``outgoing_qty`` and ``virtual_available`` with the warehouse in the
  context, once per warehouse (and still without the allocation or the next
  receipt).

Both on the same started server (2 HTTP workers), alternating, for 50 and
500 SKUs; prints the time per call, per SKU, and the ratio. Target: the API
at least 5x faster at 500 SKUs, and its time per SKU flat from 50 to 500.

Run: ``python3 benchmarks/bench_availability.py`` (creates the database
``integration_bench_inventory`` the first time).
"""

import os
import time
import xmlrpc.client

import requests
from api_common import ensure_user, issue_api_key
from common import OdooServer, environment, prepare, summary

from odoo import fields

DB = os.environ.get("BENCH_DB", "integration_bench_inventory")
SYSTEM = "bench_availability"
SKUS = 500
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 5))
WAREHOUSES = ("WH", "BWH2", "BWH3")
FIELDS = [
    "qty_available",
    "free_qty",
    "incoming_qty",
    "outgoing_qty",
    "virtual_available",
]


def set_up(registry):
    system_id, token = issue_api_key(registry, SYSTEM, ["availability:read"])
    with environment(registry, {"tracking_disable": True}) as env:
        Warehouse = env["stock.warehouse"]
        warehouses = Warehouse.search([("code", "=", "WH")], limit=1)
        for code in WAREHOUSES[1:]:
            warehouse = Warehouse.search([("code", "=", code)], limit=1)
            if not warehouse:
                warehouse = Warehouse.create({"name": f"Bench {code}", "code": code})
            warehouses |= warehouse
        Product = env["product.product"]
        codes = [f"BAV-{i:04d}" for i in range(SKUS)]
        existing = Product.search([("default_code", "in", codes)])
        missing = sorted(set(codes) - set(existing.mapped("default_code")))
        if missing:
            created = Product.create(
                [
                    {
                        "name": f"Bench item {code}",
                        "default_code": code,
                        "is_storable": True,
                    }
                    for code in missing
                ]
            )
            Quant = env["stock.quant"]
            for index, product in enumerate(created):
                for n, warehouse in enumerate(warehouses):
                    Quant._update_available_quantity(
                        product, warehouse.lot_stock_id, 10 + (index + n) % 17
                    )
        products = Product.search([("default_code", "in", codes)], order="default_code")
        system = env["integration.system"].browse(system_id)
        system.write(
            {"availability_warehouse_ids": [fields.Command.set(warehouses.ids)]}
        )
        Mapping = env["integration.mapping"]
        mapped = set(
            Mapping.search(
                [("system_id", "=", system_id), ("kind", "=", "product")]
            ).mapped("external_code")
        )
        Mapping.create(
            [
                {
                    "system_id": system_id,
                    "kind": "product",
                    "external_code": f"CH-{p.default_code}",
                    "res_id": p.id,
                }
                for p in products
                if f"CH-{p.default_code}" not in mapped
            ]
        )
        rpc_user = ensure_user(env, "bench_availability_rpc")
        rpc_key = (
            env["res.users.apikeys"]
            .with_user(rpc_user)
            .sudo()
            ._generate("rpc", "bench", None)
        )
        return token, rpc_user.login, rpc_key, codes, warehouses.ids


def main():
    conf, registry = prepare(DB, "integration_inventory")
    token, login, rpc_key, codes, warehouse_ids = set_up(registry)
    with OdooServer(conf, DB, workers=2) as server:
        session = requests.Session()
        url = f"{server.url}/api/v1/availability"
        uid = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common").authenticate(
            DB, login, rpc_key, {}
        )
        rpc = xmlrpc.client.ServerProxy(
            f"{server.url}/xmlrpc/2/object", allow_none=True
        )

        def api(n):
            response = session.get(
                url,
                params={"sku": ",".join(f"CH-{code}" for code in codes[:n])},
                headers={"X-Api-Key": token},
                timeout=120,
            )
            items = response.json()["items"]
            assert response.status_code == 200 and len(items) == n * len(
                warehouse_ids
            ), response.text[:300]

        def xmlrpc_reads(n):
            def call(model, method, *args, **kw):
                return rpc.execute_kw(DB, uid, rpc_key, model, method, list(args), kw)

            found = call(
                "product.product",
                "search_read",
                [("default_code", "in", codes[:n])],
                fields=["default_code"],
            )
            ids = [row["id"] for row in found]
            rows = 0
            for warehouse_id in warehouse_ids:
                rows += len(
                    call(
                        "product.product",
                        "read",
                        ids,
                        FIELDS,
                        context={"warehouse_id": warehouse_id},
                    )
                )
            assert rows == n * len(warehouse_ids)

        for n in (50, SKUS):  # warm both paths
            api(n)
            xmlrpc_reads(n)
        timings = {}
        for _round in range(ROUNDS):
            for n in (50, SKUS):
                for name, call in (("api", api), ("xmlrpc", xmlrpc_reads)):
                    started = time.perf_counter()
                    call(n)
                    timings.setdefault((name, n), []).append(
                        time.perf_counter() - started
                    )

    print(
        f"\n== Availability of N SKUs in {len(warehouse_ids)} warehouses "
        f"(median of {ROUNDS} alternating rounds)"
    )
    for n in (50, SKUS):
        api_t = summary(timings[("api", n)])["median"]
        rpc_t = summary(timings[("xmlrpc", n)])["median"]
        print(
            f"{n:4d} SKUs: API {api_t * 1000:7.1f} ms ({api_t / n * 1000:5.2f} ms/SKU), "
            f"XML-RPC {rpc_t * 1000:7.1f} ms ({rpc_t / n * 1000:5.2f} ms/SKU): "
            f"API {rpc_t / api_t:.2f}x faster"
        )
    small = summary(timings[("api", 50)])["median"] / 50
    large = summary(timings[("api", SKUS)])["median"] / SKUS
    print(
        f"API time per SKU, {SKUS} vs 50 SKUs: {large / small:.2f}x (flat is 1.0 or less)"
    )


if __name__ == "__main__":
    main()
