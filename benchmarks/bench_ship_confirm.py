"""Ship-confirm: ``POST /api/v1/shipments/{id}/confirm`` vs the XML-RPC flow
a 3PL integrator writes.

4 concurrent clients (threads, each with its own keep-alive session) confirm
5-line deliveries (2 of the products tracked by lots) packed in 2 packages
(SSCC-18), on a started Odoo with ``BENCH_WORKERS`` HTTP workers (default 4,
as ``bench_api_orders.py``). Every confirmation is partial (the last line
ships 1 of 2), so Odoo leaves a backorder each time.

* suite, queued (the system's "Ship-confirm intake: queued", or
  ``Prefer: respond-async``, what a warehouse confirming in volume is
  given): each ``POST /api/v1/shipments/{id}/confirm`` is checked, kept and
  answered 202; the drain job validates the kept confirmations together
  (one ``button_validate`` per batch). The clock stops when the last
  delivery is done, not at the last answer.
* suite, immediate (the default): one ``POST /api/v1/shipments/{id}/confirm``
  per delivery answers 201 with it validated (API key, Idempotency-Key,
  schema validation, SSCC check digits, SKU mappings, kept message, request
  log; Odoo's validation with lots, packages, tracking number, the
  backorder decided by the system's policy; ``shipment.dispatched``).
* XML-RPC with an Odoo API key as password, what the integrator writes:
  find the delivery by number, read its reserved move lines (move, bin),
  find the products by internal reference and the lots by name, create the
  2 packages, delete the reserved move lines, create the move lines with
  lots and packages, write the tracking number, ``button_validate``, then
  answer the backorder wizard it returns (create
  ``stock.backorder.confirmation``, ``process``): 11 calls, creates batched
  where XML-RPC allows it (the kindest version). A call that fails on a
  concurrent update after Odoo's own retries is retried by the client.

Every delivery takes its goods from its own bin (what Odoo reserved for it),
so the flows measure Odoo, not one hot row; but each backorder then
reserves the oldest free unit of the short line's product (FIFO), which
concurrent confirmations may both want: the benchmark has PostgreSQL refuse
some reservations, as a busy warehouse does. The queued rate counts until
no job is left reserving backorders too. The rate is confirmations per
second over 2 alternating rounds (drift from other load on the machine hits
every flow). Target: at least 3x XML-RPC.

Every run starts from the state the first one found: before it makes its
own deliveries, the set-up cancels the deliveries earlier runs left open
(the backorders of their partial confirmations, ~300 a run, each reserving
a unit), takes the stock out of their bins and archives them (see
``clear_earlier_runs``). Without it, Odoo's reservation of each new
backorder reads every quant of its product under the stock location, the
same cost in both flows, so each run was slower than the last and the
ratio shrank towards 1 (3.13x on a new database, 2.01x on the next run).
The history (done deliveries, their moves and messages) stays.

Run: ``python3 benchmarks/bench_ship_confirm.py`` (creates the database
``integration_bench_ship_confirm``, or ``BENCH_DB``, the first time; each
run makes its own deliveries).
"""

import itertools
import os
import time
import uuid
import xmlrpc.client

import requests
from api_common import describe, ensure_user, issue_api_key, run_clients
from common import OdooServer, environment, prepare

DB = os.environ.get("BENCH_DB", "integration_bench_ship_confirm")
WORKERS = int(os.environ.get("BENCH_WORKERS", 4))
CONFIRMS = int(os.environ.get("BENCH_CONFIRMS", 80))  # per flow, over 2 rounds
WARM = 3  # per client and flow
CLIENTS = 4
SYSTEM = "bench_3pl"
SKUS = [f"BENCH-SC{n}" for n in range(1, 6)]
TRACKED = {"BENCH-SC2": "LOT-SC2", "BENCH-SC4": "LOT-SC4"}
QTY = 2
CUSTOMER = "Bench ship-to"  # the benchmark's deliveries are this customer's
BIN = "BENCH-SC-"  # the benchmark's bins are named so
RETRIES = 10
# every delivery takes from the same quants: concurrent validations collide,
# Odoo retries 5 times, then a client retries as an integrator would
retried = {"api": 0, "rpc": 0}


def sscc(serial):
    """A valid SSCC-18: extension 0, a GS1 company prefix, the serial."""
    # importable once the registry is loaded (the addons path is set then)
    from odoo.addons.integration_fulfilment.tools.ship_confirm import gs1_check_digit

    digits = f"0614141{serial:010d}"
    return digits + str(gs1_check_digit(digits))


def clear_earlier_runs(env, stock):
    """Close what earlier runs of this benchmark left, so that every run
    starts from the state of the first one: the open deliveries of the
    benchmark's customer (the backorders of the partial confirmations, the
    deliveries of a run that stopped) are cancelled, which frees what they
    reserved; the stock left in the benchmark's bins is set to zero, their
    empty quants deleted (Odoo's own quant clean-up) and the bins archived.
    Without it, each run leaves ~300 backorders reserving a unit and ~300
    more quants per product, and Odoo's reservation of a backorder reads
    every quant of its product under the stock location: both flows slow
    down run after run and the ratio shrinks towards 1. Only the records of
    this benchmark are touched (its customer, its products, its bins).

    :return: ``(deliveries cancelled, bins archived)``
    """
    customer = env["res.partner"].search([("name", "=", CUSTOMER)])
    Picking = env["stock.picking"]
    open_pickings = Picking.search(
        [("partner_id", "in", customer.ids), ("state", "not in", ("done", "cancel"))]
    )
    open_pickings.action_cancel()
    bins = env["stock.location"].search(
        [("location_id", "=", stock.id), ("name", "=like", f"{BIN}%")]
    )
    # Emptied in SQL: a confirm that ships from a bin with nothing in it
    # leaves there a negative quant beside the positive one and quants
    # reserving a unit with no quantity, and cancelling the backorders
    # frees reservations quant by quant in Odoo's order, not on the quant
    # that holds them; taking the sum out through
    # ``_update_available_quantity`` left such bins "still containing
    # products" on the second run.
    env["stock.quant"].flush_model()
    env.cr.execute(
        """
        UPDATE stock_quant SET quantity = 0, reserved_quantity = 0
         WHERE location_id = ANY(%s)
        """,
        (bins.ids,),
    )
    env["stock.quant"].invalidate_model(["quantity", "reserved_quantity"])
    env["stock.quant"]._quant_tasks()
    bins.action_archive()
    env.flush_all()
    return len(open_pickings), len(bins)


def set_up(registry, count):
    """Products (two by lots, with stock in those lots), the 3PL system's
    mappings and key, an XML-RPC user and key, and ``count`` deliveries of
    5 lines ready to ship.

    :return: ``(token, XML-RPC login, XML-RPC key, [(delivery id, number)])``
    """
    system_id, token = issue_api_key(registry, SYSTEM, ["shipments:write"])
    with environment(registry, {"tracking_disable": True}) as env:
        warehouse = env["stock.warehouse"].search([("code", "=", "WH")], limit=1)
        stock = warehouse.lot_stock_id
        cancelled, archived = clear_earlier_runs(env, stock)
        print(
            f"set-up: {cancelled} open deliveries of earlier runs cancelled, "
            f"{archived} of their bins emptied and archived"
        )
        Product = env["product.product"]
        products = Product.search([("default_code", "in", SKUS)])
        for sku in set(SKUS) - set(products.mapped("default_code")):
            products |= Product.create(
                {
                    "name": f"Bench {sku}",
                    "default_code": sku,
                    "is_storable": True,
                    "tracking": "lot" if sku in TRACKED else "none",
                }
            )
        by_code = {product.default_code: product for product in products}
        Lot = env["stock.lot"]
        Quant = env["stock.quant"]
        lots = {}
        for sku, product in by_code.items():
            if sku in TRACKED:
                lots[sku] = Lot.search(
                    [("product_id", "=", product.id), ("name", "=", TRACKED[sku])]
                ) or Lot.create({"name": TRACKED[sku], "product_id": product.id})
        # a bin per delivery, holding just what it asks for: what Odoo reserves
        # for one delivery is not what it reserves for another (a warehouse
        # with one quant per product would measure PostgreSQL's row locks)
        tag = uuid.uuid4().hex[:6]
        bins = env["stock.location"].create(
            [
                {
                    "name": f"{BIN}{tag}-{n}",
                    "location_id": stock.id,
                    "usage": "internal",
                }
                for n in range(count)
            ]
        )
        for location in bins:
            for sku, product in by_code.items():
                Quant._update_available_quantity(
                    product, location, QTY, lot_id=lots.get(sku)
                )
        Mapping = env["integration.mapping"]
        wanted = [("warehouse", "BENCH-WH", warehouse)] + [
            ("product", sku, product) for sku, product in by_code.items()
        ]
        for kind, code, record in wanted:
            if not Mapping.search_count(
                [
                    ("system_id", "=", system_id),
                    ("kind", "=", kind),
                    ("external_code", "=", code),
                ]
            ):
                Mapping.create(
                    {
                        "system_id": system_id,
                        "kind": kind,
                        "external_code": code,
                        "res_id": record.id,
                    }
                )
        customers = env.ref("stock.stock_location_customers")
        customer = env["res.partner"].search([("name", "=", CUSTOMER)], limit=1) or env[
            "res.partner"
        ].create(
            {
                "name": CUSTOMER,
                "city": "Ghent",
                "country_id": env.ref("base.be").id,
            }
        )
        pickings = env["stock.picking"].create(
            [
                {
                    "picking_type_id": warehouse.out_type_id.id,
                    "partner_id": customer.id,
                    "location_id": stock.id,
                    "location_dest_id": customers.id,
                    "move_ids": [
                        (
                            0,
                            0,
                            {
                                "name": sku,
                                "product_id": by_code[sku].id,
                                "product_uom_qty": QTY,
                                "location_id": stock.id,
                                "location_dest_id": customers.id,
                            },
                        )
                        for sku in SKUS
                    ],
                }
                for _ in range(count)
            ]
        )
        pickings.action_confirm()
        pickings.action_assign()
        rpc_user = ensure_user(env, "bench_xmlrpc_3pl")
        rpc_key = (
            env["res.users.apikeys"]
            .with_user(rpc_user)
            .sudo()
            ._generate("rpc", "bench", None)
        )
        return token, rpc_user.login, rpc_key, [(p.id, p.name) for p in pickings]


def shipped(serials):
    """What the warehouse shipped: ``[(sku, quantity, lot, sscc)]``; lines
    1-3 in the first package, 4-5 in the second, the last line short by 1."""
    first, second = sscc(next(serials)), sscc(next(serials))
    rows = []
    for n, sku in enumerate(SKUS):
        quantity = QTY - 1 if n == len(SKUS) - 1 else QTY
        rows.append((sku, quantity, TRACKED.get(sku), first if n < 3 else second))
    return first, second, rows


def api_body(first, second, rows, shipment_id):
    return {
        "shipment_id": shipment_id,
        "ship_date": "2026-12-01T16:40:00+01:00",
        "tracking_numbers": [f"TRK{shipment_id}"],
        "packages": [{"sscc": first, "weight": 12.5}, {"sscc": second, "weight": 4.0}],
        "lines": [
            {"sku": sku, "quantity": quantity, "package": package}
            | ({"lot": lot} if lot else {})
            for sku, quantity, lot, package in rows
        ],
    }


def check_done(registry, picking_ids):
    """Every delivery used is done, with its backorder."""
    with environment(registry) as env:
        env.cr.execute(
            """SELECT count(*) FILTER (WHERE p.state = 'done'),
                      count(b.id)
                 FROM stock_picking p
            LEFT JOIN stock_picking b ON b.backorder_id = p.id
                WHERE p.id IN %s""",
            (tuple(picking_ids),),
        )
        done, backorders = env.cr.fetchone()
    if done != len(picking_ids) or backorders != len(picking_ids):
        raise RuntimeError(
            f"{done} of {len(picking_ids)} deliveries done, {backorders} backorders"
        )


def wait_done(registry, picking_ids, timeout=900):
    """Block until the queued confirmations of ``picking_ids`` are validated
    and no job is left reserving backorders (a backorder whose reservation
    PostgreSQL kept refusing is reserved by a job after its validation)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with environment(registry) as env:
            # cheap on purpose: this poll runs on the same cores as the drains
            env.cr.execute(
                """SELECT (SELECT count(*) FROM stock_picking
                            WHERE id IN %s AND state = 'done'),
                          (SELECT count(*) FROM queue_job
                            WHERE method_name = '_integration_reserve_later'
                              AND state IN ('wait_dependencies', 'pending',
                                            'enqueued', 'started'))""",
                (tuple(picking_ids),),
            )
            if env.cr.fetchone() == (len(picking_ids), 0):
                return
        time.sleep(0.1)
    raise RuntimeError("the queued confirmations were not validated in time")


def main():
    conf, registry = prepare(DB, "integration_fulfilment")
    total = 3 * (CONFIRMS + WARM * CLIENTS)
    token, login, rpc_key, deliveries = set_up(registry, total)
    queue = iter(deliveries)  # next() is atomic: each client takes its own
    serials = itertools.count(int(uuid.uuid4().int % 10**8) * 100)
    run = uuid.uuid4().hex[:8]
    used = []
    with OdooServer(conf, DB, workers=WORKERS) as server:

        def api_session():
            session = requests.Session()
            session.headers.update({"X-Api-Key": token})
            return session

        def api_confirm(session, index, n):
            picking_id, _name = next(queue)
            used.append(picking_id)
            first, second, rows = shipped(serials)
            body = api_body(first, second, rows, f"{run}-{picking_id}")
            key = str(uuid.uuid4())
            for _attempt in range(RETRIES):
                response = session.post(
                    f"{server.url}/api/v1/shipments/{picking_id}/confirm",
                    json=body,
                    headers={"Idempotency-Key": key},  # a 5xx is not stored
                    timeout=120,
                )
                if response.status_code < 500:
                    break
                retried["api"] += 1
            if response.status_code != 201:
                raise RuntimeError(f"API: {response.status_code} {response.text[:300]}")

        queued_ids = []

        def api_queue(session, index, n):
            picking_id, _name = next(queue)
            used.append(picking_id)
            queued_ids.append(picking_id)
            first, second, rows = shipped(serials)
            response = session.post(
                f"{server.url}/api/v1/shipments/{picking_id}/confirm",
                json=api_body(first, second, rows, f"{run}-{picking_id}"),
                headers={
                    "Idempotency-Key": str(uuid.uuid4()),
                    "Prefer": "respond-async",
                },
                timeout=120,
            )
            if response.status_code != 202:
                raise RuntimeError(f"API: {response.status_code} {response.text[:300]}")

        def queued_round(per_client):
            """Seconds from the first request to the last delivery validated."""
            queued_ids.clear()
            started = time.perf_counter()
            _rate, latencies = run_clients(CLIENTS, per_client, api_session, api_queue)
            wait_done(registry, list(queued_ids))
            return time.perf_counter() - started, latencies

        uid = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common").authenticate(
            DB, login, rpc_key, {}
        )

        def rpc_session():
            return xmlrpc.client.ServerProxy(
                f"{server.url}/xmlrpc/2/object", allow_none=True
            )

        def rpc_confirm(session, index, n):
            def call(model, method, *args, **kw):
                for attempt in range(RETRIES):
                    try:
                        return session.execute_kw(
                            DB, uid, rpc_key, model, method, list(args), kw
                        )
                    except xmlrpc.client.Fault as fault:
                        if (
                            "SerializationFailure" not in fault.faultString
                            or attempt == RETRIES - 1
                        ):
                            raise
                        retried["rpc"] += 1

            picking_id, name = next(queue)
            used.append(picking_id)
            first, second, rows = shipped(serials)
            # 1. the delivery by its number, as the warehouse knows it
            [picking] = call(
                "stock.picking",
                "search_read",
                [("name", "=", name)],
                fields=["id", "location_dest_id"],
            )
            # 2. its reserved move lines (move, product, bin); 3. the products
            # by internal reference; 4. the lots
            reserved = call(
                "stock.move.line",
                "search_read",
                [("picking_id", "=", picking["id"])],
                fields=["move_id", "product_id", "product_uom_id", "location_id"],
            )
            products = call(
                "product.product",
                "search_read",
                [("default_code", "in", SKUS)],
                fields=["default_code"],
            )
            product_of = {p["default_code"]: p["id"] for p in products}
            lots = call(
                "stock.lot",
                "search_read",
                [("name", "in", list(TRACKED.values()))],
                fields=["name", "product_id"],
            )
            lot_of = {(lot["product_id"][0], lot["name"]): lot["id"] for lot in lots}
            move_of = {ml["product_id"][0]: ml for ml in reserved}
            # 5. the packages
            package_ids = call(
                "stock.quant.package",
                "create",
                [
                    {"name": first, "shipping_weight": 12.5},
                    {"name": second, "shipping_weight": 4.0},
                ],
            )
            package_of = dict(zip((first, second), package_ids, strict=True))
            # 6. drop the reserved move lines (do_unreserve returns None, which
            # XML-RPC cannot send back); 7. the move lines with lots and packages
            call("stock.move.line", "unlink", [ml["id"] for ml in reserved])
            move_lines = []
            for sku, quantity, lot, package in rows:
                product_id = product_of[sku]
                move = move_of[product_id]
                move_lines.append(
                    {
                        "move_id": move["move_id"][0],
                        "picking_id": picking["id"],
                        "product_id": product_id,
                        "product_uom_id": move["product_uom_id"][0],
                        "location_id": move["location_id"][0],
                        "location_dest_id": picking["location_dest_id"][0],
                        "lot_id": lot_of[(product_id, lot)] if lot else False,
                        "result_package_id": package_of[package],
                        "quantity": quantity,
                        "picked": True,
                    }
                )
            call("stock.move.line", "create", move_lines)
            # 8. the tracking number
            call(
                "stock.picking",
                "write",
                [picking["id"]],
                {"carrier_tracking_ref": f"TRK{run}-{picking_id}"},
            )
            # 9. validate: Odoo asks about the backorder
            action = call("stock.picking", "button_validate", [picking["id"]])
            if not isinstance(action, dict) or (
                action.get("res_model") != "stock.backorder.confirmation"
            ):
                raise RuntimeError(f"XML-RPC: no backorder wizard: {action!r}")
            # 10, 11. answer it: create a backorder
            context = action["context"]
            wizard_id = call(
                "stock.backorder.confirmation",
                "create",
                {"pick_ids": [(4, picking["id"])]},
                context=context,
            )
            call(
                "stock.backorder.confirmation",
                "process",
                [wizard_id],
                context=context,
            )

        # warm every worker (registry, caches, prepared statements)
        run_clients(CLIENTS, WARM, api_session, api_confirm)
        run_clients(CLIENTS, WARM, rpc_session, rpc_confirm)
        queued_round(WARM)
        per_client = CONFIRMS // CLIENTS // 2
        results = {name: ([], []) for name in ("queued", "api", "rpc")}
        for _round in (1, 2):
            seconds, latencies = queued_round(per_client)
            results["queued"][0].append(seconds)
            results["queued"][1].extend(latencies)
            for name, make, call in (
                ("api", api_session, api_confirm),
                ("rpc", rpc_session, rpc_confirm),
            ):
                rate, latencies = run_clients(CLIENTS, per_client, make, call)
                results[name][0].append(len(latencies) / rate)
                results[name][1].extend(latencies)
        # the jobs reserving backorders of the immediate flow end too
        wait_done(registry, used)
    check_done(registry, used)
    rates = {name: len(lat) / sum(secs) for name, (secs, lat) in results.items()}
    print(
        f"\n== Ship-confirm, 5 lines (2 by lots), 2 SSCC packages, partial with a "
        f"backorder, {CLIENTS} concurrent clients, {WORKERS} HTTP workers "
        f"({per_client * CLIENTS * 2} confirmations per flow, 2 alternating rounds)"
    )
    print(
        describe(
            "POST .../confirm, queued",
            rates["queued"],
            results["queued"][1],
            "confirms/s",
        )
        + "  (rate: until the last delivery is validated and no backorder left to a job; p50/p95: the 202)"
    )
    print(
        describe(
            "POST .../confirm, immediate",
            rates["api"],
            results["api"][1],
            "confirms/s",
        )
    )
    print(
        describe(
            "XML-RPC (11 calls, API key)",
            rates["rpc"],
            results["rpc"][1],
            "confirms/s",
        )
    )
    print(
        f"client retries after Odoo's own (concurrent updates of the same quants): "
        f"API {retried['api']}, XML-RPC {retried['rpc']} (warm-up included)"
    )
    print(f"ratio queued / XML-RPC: {rates['queued'] / rates['rpc']:.2f}x confirms/s")
    print(f"ratio immediate / XML-RPC: {rates['api'] / rates['rpc']:.2f}x confirms/s")


if __name__ == "__main__":
    main()
