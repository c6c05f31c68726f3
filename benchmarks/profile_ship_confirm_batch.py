"""In-process profile of the queued ship-confirm: the drain's batch handler
(``_api_confirm_batch``) on ``PROFILE_BATCH`` kept confirmations (default
20), timed and with its queries counted, the same deliveries every round
(each round is rolled back). The queries of the hooks the drain's commit
runs first (``shipment.dispatched``, Odoo's tracking messages) are counted
apart, after the handler's (not in its time).

Not a benchmark of the suite against XML-RPC (``bench_ship_confirm.py`` is):
it isolates the handler, so that two versions of the code can be compared
run for run (alternate processes, each run from its own checkout) on a
machine too noisy for the end-to-end figures.

Run: ``BENCH_DB=<db made by bench_ship_confirm.py> BENCH_UPDATE=0
python3 benchmarks/profile_ship_confirm_batch.py [--profile]``
"""

import cProfile
import itertools
import os
import pstats
import sys
import time
import uuid

from bench_ship_confirm import SYSTEM, api_body, set_up, shipped
from common import environment, prepare

DB = os.environ.get("BENCH_DB", "integration_bench_ship_confirm")
BATCH = int(os.environ.get("PROFILE_BATCH", 20))
ROUNDS = int(os.environ.get("PROFILE_ROUNDS", 3))


def requests_for(env, route, deliveries, serials):
    from odoo.addons.integration_api.tools.request import ApiRequest

    system = env["integration.system"].search([("code", "=", SYSTEM)])
    requests = []
    for picking_id, _name in deliveries:
        first, second, rows = shipped(serials)
        requests.append(
            ApiRequest(
                system=system,
                api_key=env["integration.api.key"],
                method="POST",
                path=f"/api/v1/shipments/{picking_id}/confirm",
                path_params={"ref": str(picking_id)},
                query={},
                body=api_body(first, second, rows, f"P-{uuid.uuid4().hex[:10]}"),
                raw_body=b"",
                headers={},
                correlation_id=uuid.uuid4().hex,
                trace_id=uuid.uuid4().hex,
                route=route,
            )
        )
    return requests


def main():
    conf, registry = prepare(DB, "integration_fulfilment")
    _token, _login, _key, deliveries = set_up(registry, BATCH)
    serials = itertools.count(int(time.time() * 1000) % 10**9 * 10)
    profile = "--profile" in sys.argv
    figures = []
    for _round in range(ROUNDS):
        with environment(registry) as env:
            route = next(
                r
                for r in env["integration.api.router"]._api_route_table().routes
                if r.batch_handler and r.batch_handler.endswith("_api_confirm_batch")
            )
            requests = requests_for(env, route, deliveries, serials)
            env.flush_all()
            runner = env["integration.api.runner"].sudo()
            queries = env.cr.sql_log_count
            cpu, wall = time.process_time(), time.perf_counter()
            profiler = cProfile.Profile() if profile else None
            if profiler:
                profiler.enable()
            outcomes = runner._api_call_batch(route, requests)
            env.flush_all()
            if profiler:
                profiler.disable()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            queries = env.cr.sql_log_count - queries
            statuses = [getattr(o, "status", type(o).__name__) for o in outcomes]
            assert statuses == [201] * BATCH, statuses
            done = env["stock.picking"].browse([d[0] for d in deliveries])
            assert set(done.mapped("state")) == {"done"}, done.mapped("state")
            # what the drain's commit runs first (shipment.dispatched, tracking)
            at_commit = env.cr.sql_log_count
            env.cr.precommit.run()
            at_commit = env.cr.sql_log_count - at_commit
            figures.append(
                (
                    queries / BATCH,
                    cpu / BATCH * 1000,
                    wall / BATCH * 1000,
                    at_commit / BATCH,
                )
            )
            env.cr.rollback()
        if profiler:
            stats = pstats.Stats(profiler).sort_stats("cumulative")
            stats.print_stats(45)
            stats.sort_stats("tottime").print_stats(25)
    for queries, cpu, wall, at_commit in figures:
        print(
            f"per confirm: {queries:.1f} queries, {cpu:.1f} ms CPU, {wall:.1f} ms wall"
            f" (+ {at_commit:.1f} queries at commit)"
        )
    print(f"conf {conf}")


if __name__ == "__main__":
    main()
