"""Cost of the inbound API framework on a trivial request.

``GET /api/v1/ping`` (API key authentication, scope check, rate-limit
counter in PostgreSQL, request log line) vs the barest route Odoo itself
serves from a database, ``POST /web/webclient/version_info`` (JSON-RPC,
``auth="none"``, no SQL of its own), on the same started server (2 HTTP
workers), sequentially and from 4 concurrent clients, each with its own
keep-alive session. The ratio of latencies is the framework's cost.

Run: ``python3 benchmarks/bench_api_framework.py`` (creates the database
``integration_bench_api`` the first time).
"""

import os

import requests
from api_common import describe, issue_api_key, run_clients
from common import OdooServer, prepare, summary

DB = os.environ.get("BENCH_DB", "integration_bench_api")
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 2000))
WORKERS = int(os.environ.get("BENCH_WORKERS", 2))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))


def main():
    conf, registry = prepare(DB, "integration_distribution")
    _system_id, token = issue_api_key(registry, "bench_framework", ["orders:read"])
    with OdooServer(conf, DB, workers=WORKERS) as server:
        ping_url = f"{server.url}/api/v1/ping"
        bare_url = f"{server.url}/web/webclient/version_info"
        rpc_body = {"jsonrpc": "2.0", "method": "call", "params": {}, "id": 1}

        def ping(session, _index, _n):
            response = session.get(ping_url, headers={"X-Api-Key": token}, timeout=30)
            if response.status_code != 200:
                raise RuntimeError(
                    f"ping: {response.status_code} {response.text[:200]}"
                )

        def bare(session, _index, _n):
            response = session.post(bare_url, json=rpc_body, timeout=30)
            if response.status_code != 200 or "result" not in response.json():
                raise RuntimeError(
                    f"bare: {response.status_code} {response.text[:200]}"
                )

        # warm every worker's caches (registry, routing map, schemas)
        run_clients(4, 50, requests.Session, ping)
        run_clients(4, 50, requests.Session, bare)
        results = {}
        # alternate the two in rounds so that drift (colleagues' load) hits both
        for _round in range(ROUNDS):
            for clients in (1, 4):
                for name, call in (("ping", ping), ("bare", bare)):
                    rate, latencies = run_clients(
                        clients, REQUESTS // ROUNDS // clients, requests.Session, call
                    )
                    rates, all_latencies = results.setdefault((name, clients), ([], []))
                    rates.append(rate)
                    all_latencies.extend(latencies)

    print(
        f"\n== Framework cost: GET /api/v1/ping vs POST /web/webclient/version_info "
        f"({WORKERS} HTTP workers, {REQUESTS} requests each, {ROUNDS} alternating rounds)"
    )
    for clients in (1, 4):
        line = {}
        for name in ("ping", "bare"):
            rates, latencies = results[(name, clients)]
            rate = len(latencies) / sum(len(latencies) / len(rates) / r for r in rates)
            line[name] = (rate, summary(latencies))
            label = (
                "/api/v1/ping" if name == "ping" else "version_info (bare JSON route)"
            )
            print(describe(f"{label}, {clients} client(s)", rate, latencies))
        (ping_rate, ping_stats), (bare_rate, bare_stats) = line["ping"], line["bare"]
        print(
            f"ratio ping / bare, {clients} client(s): latency p50 "
            f"{ping_stats['median'] / bare_stats['median']:.2f}x, mean "
            f"{ping_stats['mean'] / bare_stats['mean']:.2f}x, throughput "
            f"{ping_rate / bare_rate:.2f}x"
        )


if __name__ == "__main__":
    main()
