"""True concurrency of the Idempotency-Key lock, with real connections.

HttpCase serialises requests on one test cursor, so the race is tested here
one level down: 20 threads with their own database connections claim the
same key at the same instant; exactly one may win.
"""

import threading
import uuid

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged


@tagged("-at_install", "post_install")
class TestClaimConcurrency(TransactionCase):
    def setUp(self):
        super().setUp()
        # Committed data: the other connections must see the system.
        with self.registry.cursor() as cr:
            env = api.Environment(
                cr,
                SUPERUSER_ID,
                {"tracking_disable": True, "mail_create_nosubscribe": True},
            )
            system = env["integration.system"].create(
                {
                    "name": "Race",
                    "code": f"race_{uuid.uuid4().hex[:8]}",
                    "state": "active",
                }
            )
            self.system_id, self.company_id = system.id, system.company_id.id
        self.addCleanup(self._drop_system)

    def _drop_system(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM integration_api_idempotency WHERE system_id = %s",
                (self.system_id,),
            )
            api.Environment(cr, SUPERUSER_ID, {})["integration.system"].browse(
                self.system_id
            ).unlink()

    def test_twenty_workers_one_winner(self):
        idempotency = self.env["integration.api.idempotency"]
        barrier = threading.Barrier(20)
        claims, errors = [], []

        def worker():
            try:
                barrier.wait(10)
                claims.append(
                    idempotency._claim(
                        self.system_id,
                        self.company_id,
                        "race-key",
                        "POST",
                        "/orders",
                        "fp",
                    )
                )
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _i in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        self.assertEqual(errors, [])
        winners = [claim for claim in claims if claim.lock_id]
        self.assertEqual(len(winners), 1)
        self.assertEqual(sum(1 for claim in claims if claim.in_flight), 19)
        # the loser's retry after the winner released the lock can claim again
        idempotency._release(winners[0].lock_id)
        again = idempotency._claim(
            self.system_id, self.company_id, "race-key", "POST", "/orders", "fp"
        )
        self.assertTrue(again.lock_id)
