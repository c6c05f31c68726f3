"""The Integrations overview (a card per partner system) under a large history.

The data set, inserted with SQL (seconds, not hours): 20 partner systems,
1,000,000 deliveries (97 % delivered, 2 % pending, 1 % dead) of 50,000
events, 100,000 exceptions (20 % open, every kind, ages up to 10 days),
50,000 kept API messages and 30 days of hourly SLA buckets (72,000 rows).

The measure: what the web client does when the app opens, over real HTTP on
a started server (2 workers): ``web_search_read`` of ``integration.system``
with the overview kanban's fields, as the administrator's session.
Target: at most 1 s.

Run: ``python3 benchmarks/bench_overview.py`` (creates the database
``integration_bench_cockpit`` the first time; the data set is inserted once).
"""

import os
import time

import requests
from common import OdooServer, environment, prepare, summary

DB = os.environ.get("BENCH_DB", "integration_bench_cockpit")
LOGIN = os.environ.get("BENCH_LOGIN", "admin")
PASSWORD = os.environ.get("BENCH_PASSWORD", "admin")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 10))
SYSTEMS = 20
EVENTS = 50_000  # x 20 subscriptions = 1,000,000 deliveries
EXCEPTIONS = 100_000
MESSAGES = 50_000
SLA_HOURS = 24 * 30

SPECIFICATION = {
    name: {}
    for name in (
        "name",
        "code",
        "kind",
        "state",
        "sla_attainment_target",
        "cockpit_exception_fresh_count",
        "cockpit_exception_today_count",
        "cockpit_exception_old_count",
        "cockpit_exception_kinds",
        "cockpit_delivery_pending_count",
        "cockpit_message_waiting_count",
        "cockpit_sla_attainment_today",
        "cockpit_sla_has_data",
        "cockpit_sla_met",
    )
}

DATA_SET = """
INSERT INTO integration_subscription
       (company_id, name, uuid, transport, target_url, payload_style,
        signing_scheme, retry_schedule, state, system_id, create_date, write_date)
SELECT %(company)s, 'bench ' || s.code, gen_random_uuid()::text, 'webhook',
       'https://example.invalid/hooks/' || s.code, 'cloudevents', 'v1',
       '5,300,1800', 'paused', s.id, now(), now()
  FROM integration_system s WHERE s.code LIKE 'bench_cockpit_%%';

INSERT INTO integration_event
       (event_type_id, uuid, state, source, time, type, version, company_id,
        subject, create_date, write_date)
SELECT %(event_type)s, gen_random_uuid()::text, 'published', 'bench',
       now() at time zone 'utc' - (n %% 43200) * interval '1 minute',
       'order.accepted', 1, %(company)s, 'sale.order/bench-' || n,
       now() at time zone 'utc' - (n %% 43200) * interval '1 minute', now()
  FROM generate_series(1, %(events)s) n;

INSERT INTO integration_delivery
       (event_id, subscription_id, company_id, system_id, state, attempt_count,
        next_attempt_at, delivered_at, last_status_code, create_date, write_date)
SELECT e.id, sub.id, %(company)s, sub.system_id,
       CASE WHEN (e.id + sub.id) %% 100 < 2 THEN 'pending'
            WHEN (e.id + sub.id) %% 100 = 2 THEN 'dead' ELSE 'delivered' END,
       1, e.time, e.time + interval '3 seconds', 200, e.time, e.time
  FROM integration_event e
  CROSS JOIN integration_subscription sub
 WHERE e.source = 'bench' AND sub.name LIKE 'bench bench_cockpit_%%';

INSERT INTO integration_exception
       (company_id, name, kind, severity, severity_rank, state, state_rank,
        system_id, fingerprint, count, first_seen, last_seen, create_date, write_date)
SELECT %(company)s, 'Bench problem ' || n,
       (ARRAY['unmapped_code', 'invalid_payload', 'business_rule', 'dead_delivery',
              'connection', 'other'])[1 + n %% 6],
       'medium', 1,
       -- every 5th exception of each system open (n / 20: the system's own count)
       CASE WHEN (n / 20) %% 5 = 0 THEN 'new' ELSE 'resolved' END,
       CASE WHEN (n / 20) %% 5 = 0 THEN 0 ELSE 2 END,
       (SELECT id FROM integration_system WHERE code = 'bench_cockpit_' || lpad((n %% 20)::text, 2, '0')),
       'bench:' || n, 1,
       now() at time zone 'utc' - (n %% 14400) * interval '1 minute',
       now() at time zone 'utc', now(), now()
  FROM generate_series(1, %(exceptions)s) n;

INSERT INTO integration_api_message
       (system_id, company_id, route, state, reference, attempt_count, create_date, write_date)
SELECT (SELECT id FROM integration_system WHERE code = 'bench_cockpit_' || lpad((n %% 20)::text, 2, '0')),
       %(company)s, 'POST /orders',
       (ARRAY['done', 'done', 'done', 'done', 'done', 'done', 'done', 'needs_fix',
              'queued', 'rejected'])[1 + (n / 20) %% 10],
       'BENCH-' || n, 1, now(), now()
  FROM generate_series(1, %(messages)s) n;

INSERT INTO integration_sla_measure
       (system_id, company_id, measure, granularity, bucket_start, samples, within,
        missed, attainment, value_count, value_avg, value_max, target_seconds,
        create_date, write_date)
SELECT s.id, %(company)s, m, 'hour',
       date_trunc('hour', now() at time zone 'utc') - h * interval '1 hour',
       100, 95 + (h %% 6), 5 - (h %% 6), 95 + (h %% 6), 100, 42, 300, 900, now(), now()
  FROM integration_system s
  CROSS JOIN unnest(ARRAY['order_acceptance', 'shipment_confirmation',
                          'inventory_freshness', 'partner_ack', 'exception_backlog']) m
  CROSS JOIN generate_series(0, %(hours)s - 1) h
 WHERE s.code LIKE 'bench_cockpit_%%';
"""


def set_up(registry):
    with environment(registry, {"tracking_disable": True}) as env:
        System = env["integration.system"]
        if System.search_count([("code", "=like", "bench_cockpit_%")]) == SYSTEMS:
            print("data set already there", flush=True)
            return
        started = time.perf_counter()
        System.create(
            [
                {
                    "name": f"Bench system {n:02d}",
                    "code": f"bench_cockpit_{n:02d}",
                    "kind": "web_shop",
                    "state": "active",
                }
                for n in range(SYSTEMS)
            ]
        )
        env.flush_all()
        env.cr.execute(
            DATA_SET,
            {
                "company": env.company.id,
                "event_type": env.ref(
                    "integration_distribution.event_type_order_accepted"
                ).id,
                "events": EVENTS,
                "exceptions": EXCEPTIONS,
                "messages": MESSAGES,
                "hours": SLA_HOURS,
            },
        )
        print(f"data set inserted in {time.perf_counter() - started:.1f} s", flush=True)
    with environment(registry) as env:
        env.cr.execute("ANALYZE")


def counts(registry):
    with environment(registry) as env:
        figures = {}
        for table in (
            "integration_delivery",
            "integration_exception",
            "integration_api_message",
            "integration_sla_measure",
        ):
            env.cr.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            figures[table] = env.cr.fetchone()[0]
        return figures


def load_overview(session, url):
    response = session.post(
        f"{url}/web/dataset/call_kw/integration.system/web_search_read",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": "integration.system",
                "method": "web_search_read",
                "args": [],
                "kwargs": {
                    "domain": [],
                    "specification": SPECIFICATION,
                    "limit": 80,
                    "context": {"bin_size": True},
                },
            },
        },
        timeout=60,
    )
    body = response.json()
    if "error" in body:
        raise RuntimeError(body["error"])
    return body["result"]


def main():
    conf, registry = prepare(DB, "integration_cockpit")
    set_up(registry)
    figures = counts(registry)
    with OdooServer(conf, DB, workers=2, cron_threads=0) as server:
        session = requests.Session()
        login = session.post(
            f"{server.url}/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "params": {"db": DB, "login": LOGIN, "password": PASSWORD},
            },
            timeout=60,
        ).json()
        if login.get("error") or not login.get("result", {}).get("uid"):
            raise RuntimeError(f"cannot log in as {LOGIN}: {login}")
        result = load_overview(session, server.url)  # warm the worker
        bench = [r for r in result["records"] if r["code"].startswith("bench_cockpit_")]
        if len(bench) != SYSTEMS:
            raise RuntimeError(f"expected {SYSTEMS} bench cards, got {len(bench)}")
        # a card with something in every figure
        sample = max(bench, key=lambda r: r["cockpit_message_waiting_count"])
        timings = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            load_overview(session, server.url)
            timings.append(time.perf_counter() - started)
    stats = summary(timings)
    print(f"\n== Overview load, {len(result['records'])} cards")
    print(
        "rows: " + ", ".join(f"{table} {count:,}" for table, count in figures.items())
    )
    print(
        f"a card: {sample['name']}: open exceptions "
        f"{sample['cockpit_exception_fresh_count']}/"
        f"{sample['cockpit_exception_today_count']}/"
        f"{sample['cockpit_exception_old_count']} (<1 h / 1-24 h / older), "
        f"deliveries pending {sample['cockpit_delivery_pending_count']}, "
        f"messages waiting {sample['cockpit_message_waiting_count']}, "
        f"SLA today {sample['cockpit_sla_attainment_today']:.1f} %"
    )
    print(
        f"web_search_read over HTTP, {stats['n']} rounds: median "
        f"{stats['median'] * 1000:.0f} ms, p95 {stats['p95'] * 1000:.0f} ms, "
        f"mean {stats['mean'] * 1000:.0f} ms (target <= 1000 ms): "
        + ("met" if stats["p95"] <= 1.0 else "NOT met")
    )
    print(
        "rounds (ms): "
        + " ".join(f"{t * 1000:.0f}" for t in timings)
        + "; load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    )


if __name__ == "__main__":
    main()
