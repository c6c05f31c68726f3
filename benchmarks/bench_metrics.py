"""``/metrics`` scrape with 1,000,000 delivery rows and 100,000 exceptions:
the suite's rollup + live tail vs a naive ``read_group`` implementation.

Data (inserted by SQL in a few statements): 200,000 events over 10 event
types, 1,000,000 deliveries over 10 subscriptions (5 per event, 99% delivered,
1% pending), one attempt per delivery, 200,000 API request log lines, 100,000
exceptions (a fifth of them open). The rollup cron then runs (its time is
printed: it is paid once a minute, not per scrape) and a live tail is written
after it (2,000 more events, deliveries with attempts and request lines: the
rows a minute of traffic leaves for the next scrape to count itself).

Measured, alternating, in one process and one database:

* **suite**: ``integration.metrics._metrics_text()``, the body of ``GET
  /metrics`` (counters = rolled-up rows + the tail since the last rollup,
  read by primary-key range; gauges from partial indexes);
* **naive**: the same families from ``read_group`` over the detail tables
  (events by type, deliveries by subscription and state, attempts by
  outcome, requests by route and status, open exceptions by kind and
  system), what one writes first.

Then the suite's figure once more over real HTTP (``GET /metrics`` with the
bearer token, on a started server, next to Odoo's own ``GET /web/health``:
the floor of any request). Target: a scrape in at most 100 ms. The tables
are vacuumed after the bulk load, as autovacuum would (index-only scans need
the visibility map).

Run: ``python3 benchmarks/bench_metrics.py`` (creates the database
``integration_bench_metrics`` the first time; ``BENCH_ROUNDS`` scrapes each).
"""

import os
import subprocess
import time

import requests
from common import OdooServer, environment, prepare, summary

DB = os.environ.get("BENCH_DB", "integration_bench_metrics")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 20))
# BENCH_SCALE=0.01: a quick check that the script runs (not a measurement)
SCALE = float(os.environ.get("BENCH_SCALE", 1))
EVENTS = int(200_000 * SCALE)
PER_EVENT = 5  # deliveries per event: 1,000,000 deliveries
SUBSCRIPTIONS = 10
TYPES = 10
REQUESTS = int(200_000 * SCALE)
EXCEPTIONS = int(100_000 * SCALE)
TAIL = 2_000
TOKEN = "bench-metrics-token-0123456789abcdef"


def set_up(registry):
    with environment(registry, {"tracking_disable": True}) as env:
        cr = env.cr
        cr.execute("SELECT count(*) FROM integration_delivery")
        if cr.fetchone()[0] >= EVENTS * PER_EVENT:
            print("data set already there", flush=True)
            return
        started = time.perf_counter()
        Type = env["integration.event.type"]
        types = Type.search([("code", "=like", "bench.metrics.%")])
        for index in range(len(types), TYPES):
            types |= Type.create(
                {
                    "code": f"bench.metrics.t{index}",
                    "name": f"Bench type {index}",
                    "version": 1,
                }
            )
        system = env["integration.system"].search(
            [("code", "=", "bench_metrics")]
        ) or env["integration.system"].create(
            {"name": "Bench metrics", "code": "bench_metrics"}
        )
        Subscription = env["integration.subscription"]
        subscriptions = Subscription.search([("name", "=like", "Bench metrics %")])
        for index in range(len(subscriptions), SUBSCRIPTIONS):
            subscriptions |= Subscription.create(
                {
                    "name": f"Bench metrics {index}",
                    "target_url": f"https://bench-{index}.example.com/hook",
                    "event_type_ids": [(6, 0, types.ids)],
                    "system_id": system.id,
                }
            )
        subscriptions.write({"state": "paused"})
        env.flush_all()
        company = env.company.id
        cr.execute(
            """
            INSERT INTO integration_event (uuid, event_type_id, type, version, state, source,
                                           time, subject, sequence, data, company_id,
                                           create_date, write_date)
            SELECT gen_random_uuid()::text, t.ids[1 + g %% %(types)s], 'bench.metrics.t'
                   || (g %% %(types)s), 1, 'published', 'bench', now(), 'bench/' || g, 1,
                   '{}'::jsonb, %(company)s, now() - interval '2 days', now()
              FROM generate_series(1, %(events)s) g,
                   (SELECT array_agg(id ORDER BY id) AS ids FROM integration_event_type
                     WHERE code LIKE 'bench.metrics.%%') t
            """,
            {"types": TYPES, "events": EVENTS, "company": company},
        )
        cr.execute(
            """
            INSERT INTO integration_delivery (event_id, subscription_id, company_id, system_id,
                                              state, attempt_count, create_date, write_date)
            SELECT e.id, s.ids[1 + (e.id * %(per)s + k) %% %(subs)s], %(company)s, %(system)s,
                   CASE WHEN (e.id + k) %% 100 = 0 THEN 'pending' ELSE 'delivered' END,
                   1, e.create_date, now()
              FROM integration_event e, generate_series(0, %(per)s - 1) k,
                   (SELECT array_agg(id ORDER BY id) AS ids FROM integration_subscription
                     WHERE name LIKE 'Bench metrics %%') s
             WHERE e.source = 'bench'
            """,
            {
                "per": PER_EVENT,
                "subs": SUBSCRIPTIONS,
                "company": company,
                "system": system.id,
            },
        )
        cr.execute(
            """
            INSERT INTO integration_delivery_attempt (delivery_id, number, status_code,
                                                      duration_ms, outcome, create_date)
            SELECT id, 1, CASE state WHEN 'pending' THEN 503 ELSE 200 END, 40,
                   CASE state WHEN 'pending' THEN 'retry' ELSE 'success' END, create_date
              FROM integration_delivery WHERE system_id = %s
            """,
            (system.id,),
        )
        cr.execute(
            """
            INSERT INTO integration_api_request_log (date, method, path, route, status,
                                                     duration_ms, system_id)
            SELECT now(), 'POST', '/api/v1/orders', 'POST /orders',
                   CASE WHEN g %% 20 = 0 THEN 422 ELSE 201 END, 5 + g %% 200, %s
              FROM generate_series(1, %s) g
            """,
            (system.id, REQUESTS),
        )
        cr.execute(
            """
            INSERT INTO integration_exception (name, kind, severity, state, system_id,
                                               company_id, fingerprint, count, first_seen,
                                               last_seen, create_date)
            SELECT 'Bench exception ' || g,
                   (ARRAY['unmapped_code', 'business_rule', 'dead_delivery',
                          'invalid_payload'])[1 + g %% 4],
                   'medium', CASE WHEN g %% 5 = 0 THEN 'new' ELSE 'resolved' END,
                   %s, %s, 'bench-' || g, 1, now(), now(), now()
              FROM generate_series(1, %s) g
            """,
            (system.id, company, EXCEPTIONS),
        )
        cr.execute("ANALYZE")
        print(f"data set inserted in {time.perf_counter() - started:.1f} s", flush=True)


def vacuum(db):
    """What autovacuum does after a bulk load: statistics and the visibility
    map (index-only scans need it). VACUUM cannot run in a transaction."""
    tables = [
        "integration_event",
        "integration_delivery",
        "integration_delivery_attempt",
        "integration_api_request_log",
        "integration_exception",
    ]
    subprocess.run(
        [
            "psql",
            "-h",
            os.environ.get("PGHOST", "127.0.0.1"),
            "-U",
            os.environ.get("PGUSER", "odoo"),
            "-d",
            db,
            "-Xq",
            *[arg for table in tables for arg in ("-c", f"VACUUM ANALYZE {table}")],
        ],
        check=True,
    )


def write_tail(registry):
    """A minute of traffic after the last rollup."""
    with environment(registry) as env:
        cr = env.cr
        cr.execute(
            """
            WITH e AS (
                INSERT INTO integration_event (uuid, event_type_id, type, version, state,
                                               source, time, sequence, company_id, create_date)
                SELECT gen_random_uuid()::text, t.id, t.code, 1, 'published', 'bench-tail',
                       now(), 1, %(company)s, now()
                  FROM generate_series(1, %(n)s) g,
                       (SELECT id, code FROM integration_event_type
                         WHERE code = 'bench.metrics.t0') t
                RETURNING id
            ), d AS (
                INSERT INTO integration_delivery (event_id, subscription_id, company_id,
                                                  state, attempt_count, create_date)
                SELECT e.id, (SELECT min(id) FROM integration_subscription
                               WHERE name LIKE 'Bench metrics %%'),
                       %(company)s, 'delivered', 1, now()
                  FROM e RETURNING id
            )
            INSERT INTO integration_delivery_attempt (delivery_id, number, status_code,
                                                      duration_ms, outcome, create_date)
            SELECT id, 1, 200, 30, 'success', now() FROM d
            """,
            {"company": env.company.id, "n": TAIL},
        )
        cr.execute(
            """
            INSERT INTO integration_api_request_log (date, method, path, route, status,
                                                     duration_ms)
            SELECT now(), 'GET', '/api/v1/orders/x', 'GET /orders/{ref}', 200, 3
              FROM generate_series(1, %s)
            """,
            (TAIL,),
        )


def naive_text(env):
    """The same content from read_group over the detail tables."""
    from odoo.addons.integration_core.tools.prometheus import Family, render

    families = []
    groups = env["integration.event"]._read_group([], ["type"], ["__count"])
    families.append(
        Family(
            "integration_events_total",
            "counter",
            "Events.",
            [("", {"type": t}, n) for t, n in groups],
        )
    )
    groups = env["integration.delivery"]._read_group(
        [], ["subscription_id", "state"], ["__count"]
    )
    families.append(
        Family(
            "integration_deliveries_total",
            "counter",
            "Deliveries.",
            [("", {"subscription": s.name, "state": st}, n) for s, st, n in groups],
        )
    )
    groups = env["integration.delivery"]._read_group(
        [("state", "=", "pending")], ["subscription_id"], ["__count", "create_date:min"]
    )
    families.append(
        Family(
            "integration_delivery_backlog",
            "gauge",
            "Backlog.",
            [("", {"subscription": s.name}, n) for s, n, _oldest in groups],
        )
    )
    groups = env["integration.delivery.attempt"]._read_group(
        [], ["outcome"], ["__count"]
    )
    families.append(
        Family(
            "integration_delivery_attempts_total",
            "counter",
            "Attempts.",
            [("", {"outcome": o}, n) for o, n in groups],
        )
    )
    groups = env["integration.api.request.log"]._read_group(
        [], ["route", "status"], ["__count", "duration_ms:sum"]
    )
    families.append(
        Family(
            "integration_api_requests_total",
            "counter",
            "Requests.",
            [("", {"route": r or "", "status": str(s)}, n) for r, s, n, _d in groups],
        )
    )
    groups = env["integration.exception"]._read_group(
        [("state", "in", ("new", "in_progress"))], ["kind", "system_id"], ["__count"]
    )
    families.append(
        Family(
            "integration_exceptions_open",
            "gauge",
            "Open.",
            [("", {"kind": k, "system": s.code or ""}, n) for k, s, n in groups],
        )
    )
    return render(families)


def timed(registry, function):
    with environment(registry) as env:
        env.invalidate_all()
        started = time.perf_counter()
        text = function(env)
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, text


def main():
    conf, registry = prepare(DB, "integration_api,integration_webhook")
    set_up(registry)
    vacuum(DB)
    started = time.perf_counter()
    with environment(registry) as env:
        env["integration.metrics"]._cron_rollup()  # notes the high-water marks
    with environment(registry) as env:
        moved = env["integration.metrics"]._cron_rollup()  # moves them
    rollup_s = time.perf_counter() - started
    write_tail(registry)
    with environment(registry) as env:
        env["integration.metrics"]._cron_rollup()  # notes the tail, does not move it
        env.cr.execute("SELECT count(*) FROM integration_delivery")
        deliveries = env.cr.fetchone()[0]
        env.cr.execute("SELECT count(*) FROM integration_exception")
        exceptions = env.cr.fetchone()[0]
        env["ir.config_parameter"].set_param("integration_api.metrics_enabled", "True")
        from odoo.addons.integration_api.tools.metrics_access import token_digest

        env["ir.config_parameter"].set_param(
            "integration_api.metrics_token_sha256", token_digest(TOKEN)
        )
    suite, naive = [], []
    suite_text = naive_text_out = ""
    for _ in range(ROUNDS):
        ms, suite_text = timed(
            registry, lambda env: env["integration.metrics"]._metrics_text()
        )
        suite.append(ms)
        ms, naive_text_out = timed(registry, naive_text)
        naive.append(ms)
    over_http, health = [], []
    with OdooServer(conf, DB, workers=2) as server:
        session = requests.Session()
        for index in range(ROUNDS + 2):
            started = time.perf_counter()
            session.get(f"{server.url}/web/health", timeout=60).raise_for_status()
            if index >= 2:
                health.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            response = session.get(
                f"{server.url}/metrics",
                headers={"Authorization": f"Bearer {TOKEN}"},
                timeout=60,
            )
            elapsed = (time.perf_counter() - started) * 1000
            response.raise_for_status()
            if index >= 2:  # the first requests warm the worker
                over_http.append(elapsed)
    s, n, h = summary(suite), summary(naive), summary(over_http)
    floor = summary(health)
    print(
        f"\n== /metrics scrape, {deliveries:,} deliveries, {exceptions:,} exceptions, "
        f"a tail of {TAIL:,} rows per table since the last rollup ({ROUNDS} scrapes each)"
    )
    print(
        f"rollup of the whole data set (once): {rollup_s:.1f} s, {moved} counter rows"
    )
    print(
        f"suite  (rollup + tail + partial indexes): median {s['median']:7.1f} ms  "
        f"p95 {s['p95']:7.1f} ms  ({len(suite_text):,} bytes)"
    )
    print(
        f"naive  (read_group over the detail rows): median {n['median']:7.1f} ms  "
        f"p95 {n['p95']:7.1f} ms  ({len(naive_text_out):,} bytes)"
    )
    print(
        f"suite over HTTP (GET /metrics, bearer)  : median {h['median']:7.1f} ms  "
        f"p95 {h['p95']:7.1f} ms"
    )
    print(
        f"Odoo's own GET /web/health (the floor)  : median {floor['median']:7.1f} ms  "
        f"p95 {floor['p95']:7.1f} ms"
    )
    print(
        f"ratio naive / suite (median): {n['median'] / s['median']:.1f}x; "
        f"target <= 100 ms: {'met' if h['p95'] <= 100 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
