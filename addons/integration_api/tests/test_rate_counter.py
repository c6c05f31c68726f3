"""The key lookup and rate counter statement on real, autocommit connections.

HttpCase runs every request on the test cursor, so what matters in
production (one counter connection per worker, statements committed at
once, parallel requests of one key) is tested here one level down: threads
with their own counter connections run the key lookup statement.
"""

import threading
import time
import uuid

import psycopg2

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from ..models.integration_api_rate_bucket import _CounterConnections
from ..tools.api_keys import split_api_key


@tagged("-at_install", "post_install")
class TestRateCounter(TransactionCase):
    def setUp(self):
        super().setUp()
        self.dbname = self.env.cr.dbname
        # Committed data: the counter connections must see the key.
        with self.registry.cursor() as cr:
            env = api.Environment(
                cr,
                SUPERUSER_ID,
                {"tracking_disable": True, "mail_create_nosubscribe": True},
            )
            system = env["integration.system"].create(
                {
                    "name": "Counter",
                    "code": f"counter_{uuid.uuid4().hex[:8]}",
                    "state": "active",
                }
            )
            scope = env["integration.api.scope"].search([("code", "=", "orders:write")])
            key = env["integration.api.key"].create(
                {
                    "name": "counter",
                    "system_id": system.id,
                    "rate_limit_per_minute": 1000,
                    "scope_ids": [fields.Command.set(scope.ids)],
                }
            )
            self.token_parts = split_api_key(key._issue_secret())
            self.system_id, self.key_id = system.id, key.id
        self.addCleanup(self._drop)

    def _drop(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM integration_api_rate_bucket WHERE name = %s",
                (f"key:{self.key_id}",),
            )
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["integration.api.key"].browse(self.key_id).unlink()
            env["integration.system"].browse(self.system_id).unlink()

    def fetch(self, connections, scope="orders:write", secret=None, now=None):
        public_id, real_secret = self.token_parts
        query = self.env["integration.api.key"]._api_fetch_key_sql(
            public_id, secret or real_secret, scope, now or time.time()
        )
        return connections.execute(
            self.dbname, query, prepare_as="integration_api_fetch_key"
        )

    def test_parallel_requests_of_one_key_each_get_their_own_count(self):
        """Eight workers, 25 requests each, at the same instant: no error
        (no serialisation failure, no deadlock) and the counts 1..200."""
        now = time.time()
        if now % 60 > 50:  # keep the whole run in one window
            time.sleep(61 - now % 60)
        barrier = threading.Barrier(8)
        hits, errors = [], []

        def worker():
            connections = _CounterConnections()  # like a worker process of its own
            try:
                barrier.wait(10)
                for _i in range(25):
                    (row,) = self.fetch(connections)
                    hits.append(row[7])
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                connections._drop(self.dbname)

        threads = [threading.Thread(target=worker) for _i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual(errors, [])
        self.assertEqual(sorted(hits), list(range(1, 201)))
        # committed at once: a new transaction sees the count and last_used_at
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT hits FROM integration_api_rate_bucket WHERE name = %s",
                (f"key:{self.key_id}",),
            )
            self.assertEqual(cr.fetchone()[0], 200)
            cr.execute(
                "SELECT last_used_at FROM integration_api_key WHERE id = %s",
                (self.key_id,),
            )
            self.assertTrue(cr.fetchone()[0])

    def test_refused_requests_are_not_counted(self):
        connections = _CounterConnections()
        self.assertEqual(self.fetch(connections, secret="x" * 43), [], "wrong secret")
        (row,) = self.fetch(connections, scope="events:read")
        self.assertEqual(
            (row[0], row[7]), (self.key_id, None), "missing scope: found, not counted"
        )
        (row,) = self.fetch(connections, scope=None)
        self.assertEqual((frozenset(row[6]), row[7]), (frozenset({"orders:write"}), 1))
        (row,) = self.fetch(connections)
        self.assertEqual(row[7], 2)
        connections._drop(self.dbname)

    def test_a_new_window_starts_at_one(self):
        connections = _CounterConnections()
        now = time.time()
        self.assertEqual(self.fetch(connections, now=now - 120)[0][7], 1)
        self.assertEqual(self.fetch(connections, now=now - 120)[0][7], 2)
        self.assertEqual(self.fetch(connections, now=now)[0][7], 1)
        connections._drop(self.dbname)

    def test_lost_connection_is_replaced(self):
        connections = _CounterConnections()
        self.assertEqual(connections.execute(self.dbname, SQL("SELECT 1")), [(1,)])
        _pid, cnx = connections._connections[self.dbname]
        cnx.close()
        self.assertEqual(connections.execute(self.dbname, SQL("SELECT 2")), [(2,)])
        self.assertIsNot(connections._connections[self.dbname][1], cnx)
        # an SQL error is an error, not a lost connection
        with self.assertRaises(psycopg2.Error):
            connections.execute(self.dbname, SQL("SELECT 1/0"))
        self.assertEqual(connections.execute(self.dbname, SQL("SELECT 3")), [(3,)])
        connections._drop(self.dbname)
