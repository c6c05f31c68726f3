"""Queued processing of kept messages.

A route's handler may answer at once and leave the work for later:
``ApiResult(defer=True)`` keeps the message as ``queued`` and the route's
``batch_handler`` processes queued messages in bulk from a queue_job job.
Order intake uses it: creating and confirming fifty orders in one
transaction costs about half as much per order as one order per request.

This model schedules and claims; the handlers of a claimed batch are called
by ``integration.api.runner`` (as for a live request or a reprocess), never
through the HTTP dispatcher.

Scheduling without losing a message and without a job per request:

* the accepting transaction takes a shared advisory lock (held until it
  ends) and, on a fresh cursor, looks for a drain job of the system that has
  not started yet. If there is one, that job will run after this commit or
  wait for it (below); if not, it enqueues one, which can only start after
  this commit;
* a drain holds one of the system's drain slots (a session advisory lock;
  2 by default, ``integration_api.queue_drains_per_system``) and claims its
  batches with ``SKIP LOCKED``: two drains work on different messages, and a
  third waits for a slot. Each batch is the drain's share of the queue
  (``tools/batching.py``), so the drains of a burst finish together;
* before it ends, a drain takes the exclusive lock on a fresh cursor: it
  waits for every accepting transaction still running, then looks again.

A cron every minute enqueues a drain for messages still queued (a job that
crashed or a worker that was killed), so nothing stays queued for good.
"""

import random
import threading
import time

import psycopg2
from psycopg2.extensions import TRANSACTION_STATUS_INERROR

from odoo import api, fields, models

from odoo.addons.integration_core.tools import pg
from odoo.addons.integration_core.tools.params import config_param
from odoo.addons.integration_core.tools.pg import is_concurrency_error

from ..tools.batching import claim_size

CHANNEL = "root.integration_api"
# pg advisory lock classes (first key, declared in integration_core's tools/pg.py)
LOCK_DRAIN = pg.LOCK_API_DRAIN  # second key: a drain slot of the system
LOCK_ACCEPT = pg.LOCK_API_ACCEPT  # second key: the system id
DEFAULT_BATCH_SIZE = 50
# a claim that meets a message another drain just finished is tried again
CLAIM_ATTEMPTS = 5
# a batch rolled back because another drain changed the same rows is retried
BATCH_CONFLICTS = 5
# drains of one system that may run at the same time (each on its own batches)
DEFAULT_DRAINS_PER_SYSTEM = 2
MAX_DRAINS_PER_SYSTEM = 16
# stop taking batches after this long, so a job never outlives limit_time_real
DRAIN_TIME_BUDGET = 30
STUCK_AFTER = 60  # seconds a message may stay queued before the cron steps in


def _identity_prefix(system_id):
    return f"integration_api.queue-{system_id}-"


class IntegrationApiQueue(models.AbstractModel):
    _name = "integration.api.queue"
    _description = "Integration API queued message processing"

    # ------------------------------------------------------------------
    # Scheduling (in the transaction that queued messages)
    # ------------------------------------------------------------------
    @api.model
    def _enqueue(self, system_id, force=False):
        """Make sure a drain processes what this transaction queued.

        :param force: enqueue even when a drain waits to start (the cron's
            case: that job may be stuck in a runner that died)
        :return: whether a job was enqueued (False: a pending one will do)
        """
        cr = self.env.cr
        cr.execute(
            "SELECT pg_advisory_xact_lock_shared(%s, %s)", (LOCK_ACCEPT, system_id)
        )
        if not force and self._pending_drain_exists(system_id):
            return False
        cr.execute("SELECT txid_current()")
        self.with_delay(
            channel=CHANNEL,
            identity_key=f"{_identity_prefix(system_id)}tx-{cr.fetchone()[0]}",
            description=f"Process queued API messages of system {system_id}",
            max_retries=0,
        )._drain(system_id)
        return True

    @api.model
    def _pending_drain_exists(self, system_id):
        """Whether a drain of the system is waiting to start, as of now.

        A fresh cursor: this transaction's snapshot may be older than the
        start of a job it would still see as pending.
        """
        with self.env.registry.cursor() as fresh:
            fresh.execute(
                """
                SELECT 1 FROM queue_job
                 WHERE state IN ('pending', 'enqueued', 'wait_dependencies')
                   AND identity_key IS NOT NULL AND identity_key LIKE %s
                 LIMIT 1
                """,
                (_identity_prefix(system_id) + "%",),
            )
            return bool(fresh.fetchone())

    # ------------------------------------------------------------------
    # The job
    # ------------------------------------------------------------------
    @api.model
    def _drain(self, system_id):
        """Process the system's queued messages, a batch per transaction.

        :return: a short summary for the job's result
        """
        cr = self.env.cr
        lock_key = self._acquire_drain_slot(system_id)
        try:
            self._commit()  # read from here on what committed while we waited
            return self._drain_locked(system_id)
        finally:
            if cr._cnx.get_transaction_status() == TRANSACTION_STATUS_INERROR:
                cr.rollback()
            cr.execute("SELECT pg_advisory_unlock(%s, %s)", (LOCK_DRAIN, lock_key))

    def _acquire_drain_slot(self, system_id):
        """Take one of the system's drain slots (a session advisory lock),
        waiting for one when all are taken; its lock key."""
        slots = self._param("queue_drains_per_system", DEFAULT_DRAINS_PER_SYSTEM)
        first = self._drain_slot_range(system_id)[0]
        keys = [first + slot for slot in range(min(slots, MAX_DRAINS_PER_SYSTEM))]
        cr = self.env.cr
        for key in keys:
            cr.execute("SELECT pg_try_advisory_lock(%s, %s)", (LOCK_DRAIN, key))
            if cr.fetchone()[0]:
                return key
        key = random.choice(keys)
        cr.execute("SELECT pg_advisory_lock(%s, %s)", (LOCK_DRAIN, key))
        return key

    @api.model
    def _drain_slot_range(self, system_id):
        """First and last advisory lock key of the system's drain slots."""
        first = system_id * MAX_DRAINS_PER_SYSTEM
        return first, first + MAX_DRAINS_PER_SYSTEM - 1

    def _drain_locked(self, system_id):
        batch_size = self._param("queue_batch_size", DEFAULT_BATCH_SIZE)
        deadline = time.monotonic() + DRAIN_TIME_BUDGET
        processed = conflicts = 0
        while True:
            try:
                messages = self._claim(system_id, batch_size)
                if messages:
                    self.env["integration.api.runner"].sudo()._api_run_messages(
                        messages
                    )
                    self._commit()
                    processed += len(messages)
            except psycopg2.OperationalError as error:
                # another drain of the system changed the same rows: the batch
                # is rolled back whole, its messages are still queued
                if not is_concurrency_error(error) or conflicts >= BATCH_CONFLICTS:
                    raise
                conflicts += 1
                self.env.cr.rollback()
                time.sleep(random.uniform(0.05, 0.5) * conflicts)
                continue
            if messages:
                if time.monotonic() > deadline:
                    self._enqueue(system_id)
                    return f"{processed} processed; time is up, a new job goes on"
                continue
            if not self._queued_after_barrier(system_id):
                return f"{processed} processed"
            self._commit()  # a new snapshot sees them

    def _commit(self):
        """Commit the batch (as Odoo's mail queue does, not in tests: the
        test's transaction must stay open to be rolled back)."""
        if not getattr(threading.current_thread(), "testing", False):
            # the job function allows it (allow_commit): one batch, one transaction
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _param(self, name, default):
        """A positive integer setting ``integration_api.<name>``."""
        return config_param(self.env, f"integration_api.{name}", default, minimum=1)

    def _claim(self, system_id, batch_size):
        """Lock this drain's share of the free queued messages, oldest first.

        Called at the start of a transaction. The claim is its first
        statement, so its snapshot is as fresh as can be; a message another
        drain finished in the meantime still makes it fail to serialize
        (REPEATABLE READ). Nothing is done yet then: it is retried at once.
        """
        self.env["integration.api.message"].flush_model()
        cr = self.env.cr
        slots = self._param("queue_drains_per_system", DEFAULT_DRAINS_PER_SYSTEM)
        free, drains = self._look(system_id, batch_size * slots)
        if not free:
            return self.env["integration.api.message"].browse()
        for attempt in range(CLAIM_ATTEMPTS):
            try:
                cr.execute(
                    """
                    SELECT id FROM integration_api_message
                     WHERE system_id = %s AND state = 'queued'
                     ORDER BY id
                     LIMIT %s
                       FOR UPDATE SKIP LOCKED
                    """,
                    (system_id, claim_size(free, drains, batch_size)),
                )
                ids = [row[0] for row in cr.fetchall()]
                break
            except psycopg2.OperationalError as error:
                if not is_concurrency_error(error) or attempt == CLAIM_ATTEMPTS - 1:
                    raise
                cr.rollback()  # a new snapshot for the next attempt
        return self.env["integration.api.message"].sudo().browse(ids)

    @api.model
    def _look(self, system_id, limit):
        """``(free, drains)``: queued messages no drain holds (``limit`` at
        most), and the system's drains at work.

        Row locks cannot be counted from outside: they are taken on a fresh
        READ COMMITTED cursor and given back with its rollback, a look and
        not a claim. READ COMMITTED: a row another drain just finished is
        skipped, where REPEATABLE READ would fail to serialize.
        """
        with self.env.registry.cursor() as fresh:
            self._read_committed(fresh)
            fresh.execute(
                """
                SELECT count(*),
                       (SELECT count(*) FROM pg_locks
                         WHERE locktype = 'advisory' AND granted AND objsubid = 2
                           AND classid = %s AND objid BETWEEN %s AND %s)
                  FROM (SELECT id FROM integration_api_message
                         WHERE system_id = %s AND state = 'queued'
                         LIMIT %s
                           FOR UPDATE SKIP LOCKED) AS free
                """,
                (
                    LOCK_DRAIN,
                    *self._drain_slot_range(system_id),
                    system_id,
                    limit,
                ),
            )
            free, drains = fresh.fetchone()
            fresh.rollback()
        return free, drains

    @api.model
    def _read_committed(self, cr):
        """Run the transaction ``cr`` starts now in READ COMMITTED (not in
        tests: their cursors share one transaction, begun long ago)."""
        pg.read_committed(cr, testing=self.env.registry.in_test_mode())

    @api.model
    def _queued_after_barrier(self, system_id):
        """Wait for the transactions queueing messages right now, then
        whether anything is queued (rows other drains hold are left out)."""
        with self.env.registry.cursor() as fresh:
            fresh.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_ACCEPT, system_id)
            )
        free, _drains = self._look(system_id, 1)
        return bool(free)

    # ------------------------------------------------------------------
    # Safety net
    # ------------------------------------------------------------------
    @api.model
    def _cron_enqueue_stuck(self):
        """Enqueue a drain for systems whose messages wait for too long."""
        self.env.cr.execute(
            """
            SELECT DISTINCT system_id FROM integration_api_message
             WHERE state = 'queued' AND create_date < %s
            """,
            (fields.Datetime.subtract(fields.Datetime.now(), seconds=STUCK_AFTER),),
        )
        for (system_id,) in self.env.cr.fetchall():
            self._enqueue(system_id, force=True)
