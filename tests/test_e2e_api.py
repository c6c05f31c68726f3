"""End to end: the inbound API of a started Odoo with several HTTP workers.

Truly parallel requests (HttpCase serialises them on one test cursor): one
Idempotency-Key creates one order, a resent external ref creates none, and
a key's rate limit holds across workers (the counter lives in PostgreSQL).
"""

import threading
import time
import uuid
from collections import Counter

import pytest
import requests

from .odoo_env import environment, selling_system, wait_until
from .odoo_server import OdooServer

WORKERS = 3


@pytest.fixture(scope="module")
def server(odoo_settings):
    conf, db = odoo_settings
    with OdooServer(conf, db, workers=WORKERS) as server:
        yield server


@pytest.fixture(scope="module")
def shop(registry):
    """A partner system with a technical user (sales + stock user), its
    mappings, two products, a customer; ``issue(scopes, rate_limit)`` keys."""
    tag = uuid.uuid4().hex[:6]
    with environment(
        registry, {"tracking_disable": True, "no_reset_password": True}
    ) as env:
        system = selling_system(env, f"E2E shop {tag}", f"e2e_shop_{tag}")
        customer = env["res.partner"].create({"name": f"E2E customer {tag}"})
        products = env["product.product"].create(
            [
                {"name": f"E2E {sku} {tag}", "type": "consu", "list_price": 5.0}
                for sku in ("DESK", "CHAIR")
            ]
        )
        env["integration.mapping"].create(
            [
                {
                    "system_id": system.id,
                    "kind": "customer",
                    "external_code": "CUST",
                    "res_id": customer.id,
                }
            ]
            + [
                {
                    "system_id": system.id,
                    "kind": "product",
                    "external_code": sku,
                    "res_id": product.id,
                }
                for sku, product in zip(("DESK", "CHAIR"), products, strict=True)
            ]
        )
        system_id = system.id

    def issue(scopes, rate_limit=0):
        with environment(registry, {"tracking_disable": True}) as env:
            key = env["integration.api.key"].create(
                {
                    "name": "e2e",
                    "system_id": system_id,
                    "rate_limit_per_minute": rate_limit,
                    "scope_ids": [
                        (
                            6,
                            0,
                            env["integration.api.scope"]
                            .search([("code", "in", scopes)])
                            .ids,
                        )
                    ],
                }
            )
            return key._issue_secret()

    return {"system_id": system_id, "issue": issue}


def order(ref):
    return {
        "external_ref": ref,
        "customer": {"code": "CUST"},
        "lines": [{"sku": "DESK", "qty": 1}, {"sku": "CHAIR", "qty": 4}],
    }


def orders_with_ref(registry, system_id, ref):
    with environment(registry) as env:
        return env["sale.order"].search_count(
            [
                ("integration_system_id", "=", system_id),
                ("integration_external_ref", "=", ref),
            ]
        )


def in_parallel(count, call):
    """``call(index)`` from ``count`` threads released at the same instant."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(index):
        try:
            barrier.wait(30)
            results[index] = call(index)
        except Exception as exc:  # noqa: BLE001 - reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    return results


def test_one_idempotency_key_creates_one_order(registry, server, shop):
    token = shop["issue"](["orders:write"])
    ref = f"E2E-IDEM-{uuid.uuid4().hex[:8]}"
    headers = {"X-Api-Key": token, "Idempotency-Key": str(uuid.uuid4())}

    def post(_index):
        with requests.Session() as session:
            return session.post(
                f"{server.url}/api/v1/orders",
                json=order(ref),
                headers=headers,
                timeout=120,
            )

    responses = in_parallel(20, post)
    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}, {r.status_code: r.text[:300] for r in responses}
    created = [r for r in responses if r.status_code == 201]
    originals = [r for r in created if r.headers.get("Idempotent-Replayed") != "true"]
    assert len(originals) == 1, statuses
    order_id = originals[0].json()["id"]
    assert all(r.json()["id"] == order_id for r in created)
    for conflict in (r for r in responses if r.status_code == 409):
        assert conflict.headers["Content-Type"] == "application/problem+json"
        assert conflict.json()["type"].endswith("/idempotency-conflict")
    # once finished, the key replays the answer
    replay = requests.post(
        f"{server.url}/api/v1/orders", json=order(ref), headers=headers, timeout=60
    )
    assert (replay.status_code, replay.headers.get("Idempotent-Replayed")) == (
        201,
        "true",
    )
    assert replay.json()["id"] == order_id
    assert orders_with_ref(registry, shop["system_id"], ref) == 1


def test_resent_external_ref_without_key_creates_one_order(registry, server, shop):
    token = shop["issue"](["orders:write"])
    ref = f"E2E-RESEND-{uuid.uuid4().hex[:8]}"
    with requests.Session() as session:
        session.headers["X-Api-Key"] = token
        first = session.post(f"{server.url}/api/v1/orders", json=order(ref), timeout=60)
        again = session.post(f"{server.url}/api/v1/orders", json=order(ref), timeout=60)
    assert first.status_code == 201, first.text
    assert again.status_code == 200, again.text
    assert "Idempotent-Replayed" not in again.headers
    assert again.json()["id"] == first.json()["id"]
    assert orders_with_ref(registry, shop["system_id"], ref) == 1


def test_simultaneous_resends_without_key_create_one_order(registry, server, shop):
    """The same external ref from 8 clients at once, no Idempotency-Key: one
    order. The losers wait for the winner's commit and get 200 with its
    order, or a 409 that asks them to retry (and the retry gets the order)."""
    token = shop["issue"](["orders:write"])
    ref = f"E2E-RACE-{uuid.uuid4().hex[:8]}"

    def post(_index):
        with requests.Session() as session:
            return session.post(
                f"{server.url}/api/v1/orders",
                json=order(ref),
                headers={"X-Api-Key": token},
                timeout=120,
            )

    responses = in_parallel(8, post)
    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) <= {200, 201, 409}, {
        r.status_code: r.text[:300] for r in responses
    }
    assert statuses[201] == 1, statuses
    assert orders_with_ref(registry, shop["system_id"], ref) == 1
    for conflict in (r for r in responses if r.status_code == 409):
        assert conflict.headers["Content-Type"] == "application/problem+json"
        assert conflict.headers["Retry-After"] == "1"
    retry = requests.post(
        f"{server.url}/api/v1/orders",
        json=order(ref),
        headers={"X-Api-Key": token},
        timeout=60,
    )
    assert retry.status_code == 200, retry.text
    created = next(r for r in responses if r.status_code == 201)
    assert retry.json()["id"] == created.json()["id"]


def test_queued_intake_is_confirmed_by_the_job_runner(registry, server, shop):
    """80 orders from 4 clients with 'Prefer: respond-async': every answer is
    202 at once, and the queue_job runner (no test code) confirms them all,
    each exactly once, in fewer jobs than orders."""
    token = shop["issue"](["orders:write", "orders:read"])
    tag = uuid.uuid4().hex[:8]
    with environment(registry) as env:
        env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM queue_job")
        (last_job,) = env.cr.fetchone()

    def post_many(index):
        answers = []
        with requests.Session() as session:
            session.headers.update({"X-Api-Key": token, "Prefer": "respond-async"})
            for n in range(20):
                answers.append(
                    session.post(
                        f"{server.url}/api/v1/orders",
                        json=order(f"E2E-Q-{tag}-{index}-{n}"),
                        timeout=60,
                    )
                )
        return answers

    answers = [a for batch in in_parallel(4, post_many) for a in batch]
    assert {a.status_code for a in answers} == {202}, answers[0].text
    refs = {a.json()["reference"] for a in answers}
    assert len(refs) == 80

    def all_confirmed():
        with environment(registry) as env:
            env.cr.execute(
                """SELECT count(*) FROM sale_order WHERE integration_system_id = %s
                      AND integration_external_ref IN %s AND state = 'sale'""",
                (shop["system_id"], tuple(refs)),
            )
            return env.cr.fetchone()[0] == 80

    assert wait_until(all_confirmed, timeout=120), (
        "the runner did not confirm every order"
    )
    with environment(registry) as env:
        env.cr.execute(
            """SELECT state, count(*) FROM integration_api_message
                WHERE system_id = %s AND reference IN %s GROUP BY state""",
            (shop["system_id"], tuple(refs)),
        )
        assert dict(env.cr.fetchall()) == {"done": 80}
        env.cr.execute(
            "SELECT count(*) FROM queue_job WHERE id > %s AND channel = 'root.integration_api'",
            (last_job,),
        )
        (jobs,) = env.cr.fetchone()
    # batched: fewer jobs than orders (no job per request)
    assert 1 <= jobs < 80, f"{jobs} drain jobs for 80 orders"
    with requests.Session() as session:
        session.headers["X-Api-Key"] = token
        status = session.get(
            f"{server.url}/api/v1/orders/{answers[0].json()['reference']}", timeout=30
        )
    assert status.status_code == 200
    assert status.json()["status"] in ("accepted", "reserved")


def test_rate_limit_holds_across_workers(server, shop):
    token = shop["issue"](["orders:read"], rate_limit=30)
    if time.time() % 60 > 40:  # the fixed window must not roll over mid-test
        time.sleep(61 - time.time() % 60)

    def burst(_index):
        # a new connection per request: requests spread over the workers
        return [
            requests.get(
                f"{server.url}/api/v1/ping", headers={"X-Api-Key": token}, timeout=60
            ).status_code
            for _n in range(15)
        ]

    statuses = Counter(s for batch in in_parallel(4, burst) for s in batch)
    assert statuses == {200: 30, 429: 30}, statuses
