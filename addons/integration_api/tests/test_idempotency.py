"""Idempotency-Key: replay, conflicts, reuse, server errors, retention."""

import threading

import requests

from odoo.tests import tagged
from odoo.tools import SQL

from .common import ApiHttpCase


@tagged("-at_install", "post_install")
class TestIdempotency(ApiHttpCase):
    def partners(self, name):
        return self.env["res.partner"].search([("name", "=", name)])

    def test_replay_returns_the_stored_answer(self):
        headers = {"Idempotency-Key": "k-1"}
        first = self.call("POST", "/test/echo", {"name": "Once"}, headers=headers)
        second = self.call("POST", "/test/echo", {"name": "Once"}, headers=headers)
        self.assertEqual(first.status_code, 201, first.text)
        self.assertEqual((second.status_code, second.json()), (201, first.json()))
        self.assertEqual(second.headers["Idempotent-Replayed"], "true")
        self.assertNotIn("Idempotent-Replayed", first.headers)
        self.assertEqual(len(self.partners("Once")), 1)
        stored = self.env["integration.api.idempotency"].search(
            [("idempotency_key", "=", "k-1"), ("state", "=", "done")]
        )
        self.assertEqual(
            (len(stored), stored.system_id, stored.response_status),
            (1, self.system, 201),
        )
        # The in_flight lock is dropped by a post-commit hook, which test cursors
        # never run; the stored answer wins over the lock either way.

    def test_same_key_other_payload_is_422(self):
        headers = {"Idempotency-Key": "k-2"}
        self.call("POST", "/test/echo", {"name": "First"}, headers=headers)
        response = self.call("POST", "/test/echo", {"name": "Second"}, headers=headers)
        self.assertProblem(response, 422, "idempotency-key-reused")
        self.assertFalse(self.partners("Second"))

    def test_keys_are_per_system(self):
        other = self.env["integration.system"].create(
            {"name": "Other", "code": "other_idem", "state": "active"}
        )
        _key, token = self.make_key(["orders:write"], system=other)
        headers = {"Idempotency-Key": "shared"}
        self.call("POST", "/test/echo", {"name": "Per system"}, headers=headers)
        response = self.call(
            "POST", "/test/echo", {"name": "Per system"}, token=token, headers=headers
        )
        self.assertNotIn("Idempotent-Replayed", response.headers)
        self.assertEqual(len(self.partners("Per system")), 2)

    def test_in_flight_is_409(self):
        # Another worker holds the key: its lock row was committed by its own cursor.
        with self.env.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "INSERT INTO integration_api_idempotency (system_id, company_id, idempotency_key, "
                    "state, method, path, fingerprint, created_at, expires_at) VALUES (%s, %s, 'busy', "
                    "'in_flight', 'POST', '/test/echo', 'x', now(), now() + interval '10 minutes')",
                    self.system.id,
                    self.system.company_id.id,
                )
            )
        response = self.call(
            "POST", "/test/echo", {"name": "Busy"}, headers={"Idempotency-Key": "busy"}
        )
        self.assertProblem(response, 409, "idempotency-conflict")
        self.assertIn("Retry-After", response.headers)
        self.assertFalse(self.partners("Busy"))

    def test_stale_lock_expires(self):
        with self.env.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "INSERT INTO integration_api_idempotency (system_id, company_id, idempotency_key, "
                    "state, method, path, fingerprint, created_at, expires_at) VALUES (%s, %s, 'stale', "
                    "'in_flight', 'POST', '/test/echo', 'x', now(), now() - interval '1 minute')",
                    self.system.id,
                    self.system.company_id.id,
                )
            )
        response = self.call(
            "POST",
            "/test/echo",
            {"name": "Stale"},
            headers={"Idempotency-Key": "stale"},
        )
        self.assertEqual(response.status_code, 201, response.text)

    def test_server_error_frees_the_key(self):
        headers = {"Idempotency-Key": "k-500"}
        with self.assertLogs("odoo.addons.integration_api", level="ERROR"):
            self.assertProblem(
                self.call("POST", "/test/fail", {}, headers=headers), 500
            )
        self.assertFalse(
            self.env["integration.api.idempotency"].search(
                [("idempotency_key", "=", "k-500")]
            )
        )
        with self.assertLogs("odoo.addons.integration_api", level="ERROR"):
            response = self.call("POST", "/test/fail", {}, headers=headers)
        self.assertNotIn(
            "Idempotent-Replayed", response.headers, "a 5xx is retried, not replayed"
        )

    def test_client_errors_are_stored_and_replayed(self):
        headers = {"Idempotency-Key": "k-409"}
        first = self.call("POST", "/test/conflict", {}, headers=headers)
        self.assertProblem(first, 409, "conflict")
        second = self.call("POST", "/test/conflict", {}, headers=headers)
        self.assertEqual(
            (second.status_code, second.json()["detail"]),
            (409, "Order already shipped"),
        )
        self.assertEqual(second.headers["Idempotent-Replayed"], "true")

    def test_kept_message_answer_is_replayed(self):
        headers = {"Idempotency-Key": "k-202"}
        first = self.call("POST", "/test/unmapped", {"sku": "NOPE"}, headers=headers)
        second = self.call("POST", "/test/unmapped", {"sku": "NOPE"}, headers=headers)
        self.assertEqual((first.status_code, second.status_code), (202, 202))
        self.assertEqual(first.json()["message_id"], second.json()["message_id"])
        self.assertEqual(
            self.env["integration.api.message"].search_count(
                [("idempotency_key", "=", "k-202")]
            ),
            1,
        )

    def test_required_key(self):
        self.assertProblem(
            self.call("POST", "/test/strict", {"name": "S"}),
            400,
            "idempotency-key-missing",
        )
        response = self.call(
            "POST", "/test/strict", {"name": "S"}, headers={"Idempotency-Key": "s"}
        )
        self.assertEqual(response.status_code, 201, response.text)

    def test_twenty_parallel_requests_create_one_record(self):
        """20 threads, one key. In an HttpCase the server serialises requests on
        the registry's test lock (one shared test cursor), so this proves the
        replay path under load, not true parallelism; the 409 path is covered
        by ``test_in_flight_is_409`` with a lock committed by another cursor."""
        results = []
        lock = threading.Lock()

        url = self.base_url() + "/api/v1/test/echo"
        headers = {
            "X-Api-Key": self.token,
            "Content-Type": "application/json",
            "Idempotency-Key": "par-1",
        }

        def post():
            with requests.Session() as session:  # one connection per client
                response = session.post(
                    url, data='{"name": "Parallel"}', headers=headers, timeout=60
                )
            with lock:
                results.append(
                    (response.status_code, response.headers.get("Idempotent-Replayed"))
                )

        threads = [threading.Thread(target=post) for _i in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual(len(results), 20)
        self.assertEqual(len(self.partners("Parallel")), 1)
        self.assertTrue(
            all(status in (201, 409) for status, _replayed in results), results
        )
        self.assertEqual(
            sum(1 for status, replayed in results if status == 201 and not replayed), 1
        )

    def test_purge_cron(self):
        self.call(
            "POST", "/test/echo", {"name": "Purge"}, headers={"Idempotency-Key": "old"}
        )
        self.env.cr.execute(
            "UPDATE integration_api_idempotency SET expires_at = now() - interval '1 hour'"
        )
        self.env["integration.api.idempotency"]._cron_purge()
        self.assertFalse(
            self.env["integration.api.idempotency"].search(
                [("idempotency_key", "=", "old")]
            )
        )
