"""Shared set-up of the inbound API benchmarks: a partner system, its key,
its technical user, and clients that time each request."""

import threading
import time
import uuid

from common import environment, summary

from odoo import fields

TECH_GROUPS = ("sales_team.group_sale_salesman_all_leads", "stock.group_stock_user")


def ensure_user(env, login):
    """An internal user with sales and stock user rights (created once)."""
    user = (
        env["res.users"].with_context(active_test=False).search([("login", "=", login)])
    )
    if not user:
        user = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": login,
                    "login": login,
                    "email": f"{login}@example.com",
                    "groups_id": [
                        fields.Command.set(
                            [env.ref(x).id for x in ("base.group_user", *TECH_GROUPS)]
                        )
                    ],
                }
            )
        )
    return user


def issue_api_key(registry, code, scopes, rate_limit=100000):
    """A fresh key of the partner system ``code`` (created with its technical
    user on first use); returns ``(system id, token)``."""
    with environment(registry, {"tracking_disable": True}) as env:
        system = env["integration.system"].search([("code", "=", code)])
        if not system:
            system = env["integration.system"].create(
                {
                    "name": f"Bench {code}",
                    "code": code,
                    "kind": "web_shop",
                    "state": "active",
                    "user_id": ensure_user(env, f"{code}_bot").id,
                }
            )
        scope_records = env["integration.api.scope"].search([("code", "in", scopes)])
        key = env["integration.api.key"].create(
            {
                "name": f"bench {uuid.uuid4().hex[:6]}",
                "system_id": system.id,
                "scope_ids": [fields.Command.set(scope_records.ids)],
                "rate_limit_per_minute": rate_limit,
            }
        )
        return system.id, key._issue_secret()


def run_clients(clients, per_client, make_session, do_request):
    """``clients`` threads, each with its own session, ``per_client`` requests.

    :param do_request: ``do_request(session, client_index, n)``; raises on failure
    :return: (requests per second over the wall time, latencies in seconds)
    """
    latencies = []
    errors = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def worker(index):
        session = make_session()
        mine = []
        barrier.wait()
        try:
            for n in range(per_client):
                started = time.perf_counter()
                do_request(session, index, n)
                mine.append(time.perf_counter() - started)
        except Exception as exc:  # noqa: BLE001 - reported after the run
            errors.append(exc)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} client(s) failed, first: {errors[0]!r}")
    return len(latencies) / elapsed, latencies


def describe(label, rate, latencies, unit="req/s"):
    stats = summary(latencies)
    return (
        f"{label:<34}: {rate:7.1f} {unit}, p50 {stats['median'] * 1000:6.1f} ms, "
        f"p95 {stats['p95'] * 1000:6.1f} ms, mean {stats['mean'] * 1000:6.1f} ms (n={stats['n']})"
    )
