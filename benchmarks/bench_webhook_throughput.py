"""Outbound delivery throughput and latency with the real queue_job runner.

* Throughput: N committed events drained into a local receiver by a started
  Odoo (2 HTTP workers + queue_job runner), batched drain (one job sends up to
  ``batch_size`` deliveries over one keep-alive connection) vs the naive
  design a developer would write first, one job per delivery.
* Machine limit: right after the batched drain, a bare loop in a process of
  its own (no database, no Odoo) signs the same bodies (Standard Webhooks
  HMAC, the suite's signing tool) and POSTs them over as many keep-alive
  connections as the subscription keeps in flight, into the same receiver.
  The batched drain's rate is printed as a share of it.
* Latency: a steady 50 events/s, each committed in its own transaction;
  commit-to-delivered p50/p95.

Run: ``python3 benchmarks/bench_webhook_throughput.py`` (creates the database
``integration_bench_webhook`` the first time).
"""

import importlib.util
import multiprocessing
import os
import threading
import time
import uuid
from urllib.parse import urlsplit

import urllib3
from common import ROOT, OdooServer, environment, prepare, summary

from tests.odoo_env import receiver_class, wait_until

DB = os.environ.get("BENCH_DB", "integration_bench_webhook")
EVENTS = int(os.environ.get("BENCH_EVENTS", 5000))
NAIVE_EVENTS = int(os.environ.get("BENCH_NAIVE_EVENTS", 500))
RATE = 50
EMITTERS = 2
SECONDS = int(os.environ.get("BENCH_LATENCY_SECONDS", 20))
MAX_IN_FLIGHT = (
    4  # the subscription's parallel requests, and the bare loop's connections
)


def reset(registry):
    with environment(registry) as env:
        env["integration.subscription"].search([]).write({"state": "paused"})
        env.cr.execute("DELETE FROM integration_delivery")
        env.cr.execute("DELETE FROM queue_job")
        env.cr.execute("DELETE FROM integration_event")


def subscribe(registry, url, batch_size, max_in_flight=MAX_IN_FLIGHT):
    with environment(registry) as env:
        env["ir.config_parameter"].set_param(
            "integration_webhook.allowed_networks", "127.0.0.1/32"
        )
        ping = env.ref("integration_core.event_type_integration_ping")
        return (
            env["integration.subscription"]
            .create(
                {
                    "name": f"bench {uuid.uuid4().hex[:6]}",
                    "target_url": url,
                    "event_type_ids": [(6, 0, ping.ids)],
                    "batch_size": batch_size,
                    "max_in_flight": max_in_flight,
                }
            )
            .id
        )


def emit(registry, count, per_transaction=100):
    for start in range(0, count, per_transaction):
        with environment(registry) as env:
            env["integration.event"]._emit_many(
                [
                    {"type": "integration.ping", "data": {"message": f"bench {n}"}}
                    for n in range(start, min(count, start + per_transaction))
                ]
            )


def throughput(
    conf, registry, receiver, batch_size, count, max_in_flight=MAX_IN_FLIGHT
):
    """Deliveries per second, from the first to the last arrival."""
    reset(registry)
    receiver.server.received.clear()
    subscribe(registry, receiver.url, batch_size, max_in_flight)
    emit(registry, count)
    with OdooServer(conf, DB):
        started = time.time()
        if not wait_until(
            lambda: len(receiver.received) >= count, timeout=900, interval=0.2
        ):
            raise RuntimeError(f"only {len(receiver.received)} of {count} delivered")
    arrivals = [r.at for r in receiver.received]
    first, last = min(arrivals), max(arrivals)
    return {
        "count": count,
        "seconds": last - first,
        "per_second": count / max(last - first, 1e-6),
        "from_start_per_second": count / (last - started),
    }


def _signing_tool():
    """The suite's signing tool, by path: importing the addon would load Odoo."""
    path = ROOT / "addons" / "integration_core" / "tools" / "signing.py"
    spec = importlib.util.spec_from_file_location("integration_signing", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _send_bare(url, requests_, connections, out):
    """The bare loop (a process of its own, as the Odoo server is one): sign
    and POST every ``(webhook id, headers, body)``, ``connections`` threads
    each on its own keep-alive connection (urllib3, as the suite's sender)."""
    signing = _signing_tool()
    secret = signing.generate_hmac_secret()
    target = urlsplit(url)
    pending = iter(requests_)
    lock = threading.Lock()
    failures = []

    def worker():
        pool = urllib3.HTTPConnectionPool(
            target.hostname, target.port, maxsize=1, retries=False
        )
        while True:
            with lock:
                item = next(pending, None)
            if item is None:
                break
            msg_id, headers, body = item
            headers = dict(
                headers, **signing.build_headers(msg_id, time.time(), body, [secret])
            )
            response = pool.urlopen(
                "POST",
                target.path,
                body=body,
                headers=headers,
                retries=False,
                redirect=False,
            )
            if response.status != 200:
                failures.append(response.status)
        pool.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put(failures)


def machine_limit(receiver, received, connections=MAX_IN_FLIGHT):
    """Deliveries per second of the bare loop, the bodies and content headers
    of ``received`` (what the drain sent), measured as :func:`throughput`."""
    requests_ = [
        (
            r.headers["webhook-id"],
            {
                name: r.headers[name]
                for name in ("content-type", "user-agent")
                if name in r.headers
            },
            r.body,
        )
        for r in received
    ]
    receiver.server.received.clear()
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    process = context.Process(
        target=_send_bare, args=(receiver.url, requests_, connections, out)
    )
    process.start()
    process.join(timeout=900)
    if process.exitcode != 0:
        process.kill()
        raise RuntimeError(f"the bare loop failed (exit code {process.exitcode})")
    failures = out.get(timeout=10)
    if failures or len(receiver.received) != len(requests_):
        raise RuntimeError(
            f"bare loop: {len(receiver.received)} of {len(requests_)} "
            f"received, answers {failures[:5]}"
        )
    arrivals = [r.at for r in receiver.received]
    first, last = min(arrivals), max(arrivals)
    return {
        "count": len(requests_),
        "seconds": last - first,
        "per_second": len(requests_) / max(last - first, 1e-6),
    }


def _emit_steadily(conf, offset, processes, per_transaction, start_at, out):
    """One emitter process: ``per_transaction`` events per transaction, on a
    fixed schedule that adds up to RATE events/s over all processes.

    Separate processes, as Odoo's own workers would be: one Python process
    cannot commit 50 ORM transactions a second on this machine (GIL).
    """
    from tests.odoo_env import environment, load

    registry = load(conf, DB)
    interval = processes * per_transaction / RATE
    next_at = start_at + offset * per_transaction / RATE
    committed = {}
    step = processes * per_transaction
    for first in range(offset * per_transaction, RATE * SECONDS, step):
        time.sleep(max(0.0, next_at - time.time()))
        with environment(registry) as env:
            events = env["integration.event"]._emit_many(
                [
                    {"type": "integration.ping", "data": {"message": f"steady {n}"}}
                    for n in range(first, first + per_transaction)
                ]
            )
            ids = events.mapped("uuid")
        at = time.time()
        committed.update({f"msg_{event_id}": at for event_id in ids})
        next_at += interval
    out.put(committed)


def latency(conf, registry, receiver, per_transaction):
    """Commit-to-delivered at a steady RATE events per second."""
    reset(registry)
    receiver.server.received.clear()
    subscribe(registry, receiver.url, 200)
    committed = {}
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    with OdooServer(conf, DB):
        start_at = time.time() + 15  # the emitters load the registry first
        emitters = [
            context.Process(
                target=_emit_steadily,
                args=(conf, i, EMITTERS, per_transaction, start_at, out),
            )
            for i in range(EMITTERS)
        ]
        for emitter in emitters:
            emitter.start()
        for _emitter in emitters:
            committed.update(out.get(timeout=SECONDS + 300))
        for emitter in emitters:
            emitter.join()
        emitted_for = max(committed.values()) - start_at
        wait_until(lambda: len(receiver.received) >= len(committed), timeout=120)
    delays = [
        r.at - committed[r.headers["webhook-id"]]
        for r in receiver.received
        if r.headers["webhook-id"] in committed
    ]
    return summary(delays), len(committed), len(committed) / emitted_for


def main():
    conf, registry = prepare(DB, "integration_webhook")
    with receiver_class()() as receiver:
        batched = throughput(conf, registry, receiver, 200, EVENTS)
        limit = machine_limit(receiver, receiver.received)
        naive = throughput(conf, registry, receiver, 1, NAIVE_EVENTS)
        steady = latency(conf, registry, receiver, per_transaction=5)
        single = latency(conf, registry, receiver, per_transaction=1)
    print(
        "\n== Outbound webhook throughput (2 HTTP workers, queue_job runner, local receiver)"
    )
    print(
        f"batched drain   : {batched['count']} deliveries in {batched['seconds']:.2f} s "
        f"= {batched['per_second']:.0f}/s ({batched['from_start_per_second']:.0f}/s incl. server start)"
    )
    print(
        f"machine limit   : {limit['count']} signed POSTs in {limit['seconds']:.2f} s "
        f"= {limit['per_second']:.0f}/s (bare loop, no database, {MAX_IN_FLIGHT} "
        f"keep-alive connections, same receiver)"
    )
    print(
        f"one job/delivery: {naive['count']} deliveries in {naive['seconds']:.2f} s "
        f"= {naive['per_second']:.0f}/s"
    )
    print(
        f"ratio batched / one job per delivery: {batched['per_second'] / naive['per_second']:.1f}x"
    )
    print(
        f"ratio batched / machine limit: {batched['per_second'] / limit['per_second']:.2f}x"
    )
    for (lat, sent, rate), label in (
        (steady, "5 events per transaction (10 transactions/s)"),
        (single, "1 event per transaction"),
    ):
        print(
            f"\n== Commit-to-delivered, target {RATE} events/s for {SECONDS} s, {label}"
        )
        print(
            f"achieved {rate:.1f} events/s; p50 {lat['median'] * 1000:.0f} ms, "
            f"p95 {lat['p95'] * 1000:.0f} ms, mean {lat['mean'] * 1000:.0f} ms, "
            f"delivered {lat['n']}/{sent}"
        )


if __name__ == "__main__":
    main()
