"""Milestone intake: carriers posting tracking events, 4 clients at once.

``POST /api/v1/shipments/{id}/events`` on a started server (2 HTTP workers):
each request a new milestone (status, time, location) of one of 50
delivered-to-carrier shipments; every request is authenticated, validated,
kept as a message, deduplicated and applied. Target: at least 100
milestones/s with 4 clients, p95 at most 100 ms.

Run: ``python3 benchmarks/bench_milestones.py`` (creates the database
``integration_bench_fulfilment`` the first time).
"""

import itertools
import os
from datetime import UTC, datetime, timedelta

import requests
from api_common import describe, issue_api_key, run_clients
from common import OdooServer, environment, prepare

DB = os.environ.get("BENCH_DB", "integration_bench_fulfilment")
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 1200))
CLIENTS = 4
SHIPMENTS = 50
STATUSES = ("pre_transit", "in_transit", "in_transit", "out_for_delivery")


def set_up(registry):
    system_id, token = issue_api_key(registry, "bench_carrier", ["shipments:write"])
    with environment(registry, {"tracking_disable": True}) as env:
        warehouse = env["stock.warehouse"].search([("code", "=", "WH")], limit=1)
        Mapping = env["integration.mapping"]
        if not Mapping.search_count(
            [("system_id", "=", system_id), ("kind", "=", "warehouse")]
        ):
            Mapping.create(
                {
                    "system_id": system_id,
                    "kind": "warehouse",
                    "external_code": "BW",
                    "res_id": warehouse.id,
                }
            )
        product = env["product.product"].search(
            [("default_code", "=", "BENCH-PARCEL")], limit=1
        )
        if not product:
            product = env["product.product"].create(
                {
                    "name": "Bench parcel",
                    "default_code": "BENCH-PARCEL",
                    "is_storable": True,
                }
            )
        env["stock.quant"]._update_available_quantity(
            product, warehouse.lot_stock_id, SHIPMENTS
        )
        customers = env.ref("stock.stock_location_customers")
        pickings = env["stock.picking"].create(
            [
                {
                    "picking_type_id": warehouse.out_type_id.id,
                    "location_id": warehouse.lot_stock_id.id,
                    "location_dest_id": customers.id,
                    "move_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "parcel",
                                "product_id": product.id,
                                "product_uom_qty": 1,
                                "location_id": warehouse.lot_stock_id.id,
                                "location_dest_id": customers.id,
                            },
                        )
                    ],
                }
                for _ in range(SHIPMENTS)
            ]
        )
        pickings.action_confirm()
        pickings.action_assign()
        for picking in pickings:
            picking.move_ids.quantity = 1
            picking.move_ids.picked = True
        pickings.button_validate()
        return token, pickings.ids


def main():
    conf, registry = prepare(DB, "integration_fulfilment")
    token, picking_ids = set_up(registry)
    start = datetime.now(UTC)
    sequence = itertools.count()  # next() is atomic: a unique milestone per request
    with OdooServer(conf, DB, workers=2) as server:

        def post(session, index, n):
            picking_id = picking_ids[(index * 7919 + n) % len(picking_ids)]
            unique = next(sequence)
            at = start + timedelta(minutes=unique)
            response = session.post(
                f"{server.url}/api/v1/shipments/{picking_id}/events",
                json={
                    "status": STATUSES[n % len(STATUSES)],
                    "occurred_at": at.isoformat(),
                    "location": {"city": "Antwerp", "country": "BE"},
                    "event_id": f"bench-{start.timestamp()}-{unique}",
                },
                headers={"X-Api-Key": token},
                timeout=30,
            )
            if response.status_code != 201:
                raise RuntimeError(f"{response.status_code} {response.text[:300]}")

        run_clients(CLIENTS, 20, requests.Session, post)  # warm the workers
        rate, latencies = run_clients(
            CLIENTS, REQUESTS // CLIENTS, requests.Session, post
        )
    print(f"\n== Milestone intake, {CLIENTS} clients, 2 HTTP workers")
    print(describe("POST /shipments/{id}/events", rate, latencies, unit="milestones/s"))


if __name__ == "__main__":
    main()
