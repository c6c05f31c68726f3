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

from .odoo_env import environment
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
    with environment(registry, {"tracking_disable": True, "no_reset_password": True}) as env:
        groups = [env.ref(xmlid).id for xmlid in (
            "base.group_user", "sales_team.group_sale_salesman_all_leads",
            "stock.group_stock_user")]
        user = env["res.users"].create({
            "name": f"E2E shop bot {tag}", "login": f"e2e_shop_{tag}",
            "groups_id": [(6, 0, groups)],
        })
        system = env["integration.system"].create({
            "name": f"E2E shop {tag}", "code": f"e2e_shop_{tag}", "kind": "web_shop",
            "state": "active", "user_id": user.id,
        })
        customer = env["res.partner"].create({"name": f"E2E customer {tag}"})
        products = env["product.product"].create([
            {"name": f"E2E {sku} {tag}", "type": "consu", "list_price": 5.0}
            for sku in ("DESK", "CHAIR")
        ])
        env["integration.mapping"].create(
            [{"system_id": system.id, "kind": "customer", "external_code": "CUST",
              "res_id": customer.id}]
            + [{"system_id": system.id, "kind": "product", "external_code": sku,
                "res_id": product.id} for sku, product in zip(("DESK", "CHAIR"), products, strict=True)]
        )
        system_id = system.id

    def issue(scopes, rate_limit=0):
        with environment(registry, {"tracking_disable": True}) as env:
            key = env["integration.api.key"].create({
                "name": "e2e", "system_id": system_id, "rate_limit_per_minute": rate_limit,
                "scope_ids": [(6, 0, env["integration.api.scope"].search(
                    [("code", "in", scopes)]).ids)],
            })
            return key._issue_secret()

    return {"system_id": system_id, "issue": issue}


def order(ref):
    return {"external_ref": ref, "customer": {"code": "CUST"},
            "lines": [{"sku": "DESK", "qty": 1}, {"sku": "CHAIR", "qty": 4}]}


def orders_with_ref(registry, system_id, ref):
    with environment(registry) as env:
        return env["sale.order"].search_count([
            ("integration_system_id", "=", system_id), ("integration_external_ref", "=", ref)])


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
            return session.post(f"{server.url}/api/v1/orders", json=order(ref),
                                headers=headers, timeout=120)

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
    replay = requests.post(f"{server.url}/api/v1/orders", json=order(ref), headers=headers,
                           timeout=60)
    assert (replay.status_code, replay.headers.get("Idempotent-Replayed")) == (201, "true")
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


def test_rate_limit_holds_across_workers(server, shop):
    token = shop["issue"](["orders:read"], rate_limit=30)
    if time.time() % 60 > 40:  # the fixed window must not roll over mid-test
        time.sleep(61 - time.time() % 60)

    def burst(_index):
        # a new connection per request: requests spread over the workers
        return [requests.get(f"{server.url}/api/v1/ping", headers={"X-Api-Key": token},
                             timeout=60).status_code for _n in range(15)]

    statuses = Counter(s for batch in in_parallel(4, burst) for s in batch)
    assert statuses == {200: 30, 429: 30}, statuses
