"""Sending a subscription's deliveries: the drain job and its schedule.

One drain per subscription at a time (a session advisory lock): it claims
up to *batch size* due deliveries, posts them as a sliding window of
*parallel requests* over keep-alive connections, and records the outcomes
as they come, committing them while the next requests are in flight. A crash
(a killed worker, a PostgreSQL restart) thus sends again only what was in
flight or not yet committed, at most twice the parallelism, never the
whole batch. Before it ends the drain enqueues the job that sends what is
left: now, at the next retry, or after the circuit breaker's cool-down.

Reading, signing and recording stay on the job's thread; the pool threads
only do HTTP (``tools/sender.py``).
"""

import logging
import math
import threading
import time
from datetime import datetime, timedelta

from psycopg2.extensions import TRANSACTION_STATUS_INERROR

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import escape_psql

from odoo.addons.integration_core.tools import pg
from odoo.addons.integration_core.tools.url_safety import UnsafeTargetError
from odoo.addons.queue_job import delay as queue_delay
from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.utils import must_run_without_delay

from ..tools import circuit as circuit_tools
from ..tools import sender
from ..tools.request_builder import build_request

_logger = logging.getLogger(__name__)

DRAIN_CHANNEL = "root.integration_webhook"
EPOCH = datetime(1970, 1, 1)
# A drain stops taking new deliveries after this long, so that a slow endpoint
# never holds a worker past limit_time_real; the rest goes in the next job.
DRAIN_TIME_BUDGET = 30.0
FOLLOW_UP_PRIORITY = 5  # queue_job's default is 10; lower runs first
TXID_KEY = "integration_webhook.txid"


class IntegrationDeliveryQueue(models.AbstractModel):
    _name = "integration.delivery.queue"
    _description = "Webhook delivery queue"

    # ------------------------------------------------------------------
    # Scheduling
    # ------------------------------------------------------------------
    @api.model
    def _enqueue(self, subscriptions, eta=None, priority=None):
        """Make sure a drain job runs for each subscription (now or at ``eta``).

        One job per transaction: it can only start after this transaction
        commits, so it sees these deliveries, or finds another drain running
        that began before and ends after that commit; that drain looks again
        with a fresh cursor before it finishes (``_new_due_deliveries_exist``).
        Sharing a pending job across transactions would open a window where
        the shared job starts before this commit and nobody sees the delivery.

        The job runs ``integration.subscription._drain`` (queue_job shows the
        subscription as the job's record), which calls :meth:`_drain`.

        The jobs are queue_job's own (its ``Job``, identity keys, stored in
        this transaction), written for all subscriptions by one query
        (:meth:`_store_jobs`) instead of three queries and an ORM create per
        subscription (``with_delay``), which made every subscription cost the
        user about 1.5% of a sale order's confirmation. Under queue_job's
        ``trap_jobs()`` (tests) and when jobs run at once
        (``queue_job__no_delay``) they go through ``with_delay``.
        """
        subscriptions = subscriptions.filtered(lambda s: s.state == "active").sudo()
        if not subscriptions:
            return
        if must_run_without_delay(self.env) or queue_delay.Job is not Job:
            # trap_jobs() replaces the class in queue_job's delay module: the
            # trap sees every job asked for, as it would of with_delay
            key_part = _eta_key_part(eta) if eta else f"tx-{self._txid()}"
            for subscription in subscriptions:
                subscription.with_delay(
                    **self._drain_job_options(
                        subscription,
                        eta,
                        priority,
                        _drain_identity_key(subscription, key_part),
                    )
                )._drain()
            return
        self._store_jobs(subscriptions, eta, priority)

    @api.model
    def _drain_job_options(self, subscription, eta, priority, identity_key):
        return {
            "channel": DRAIN_CHANNEL,
            "eta": eta,
            "priority": priority,
            "identity_key": identity_key,
            "description": f"Webhooks to {subscription.name}",
            "max_retries": 0,
        }

    @api.model
    def _txid(self):
        """This transaction's id, asked once per transaction (the precommit
        data is cleared on commit and rollback)."""
        data = self.env.cr.precommit.data
        if TXID_KEY not in data:
            self.env.cr.execute("SELECT txid_current()")
            data[TXID_KEY] = self.env.cr.fetchone()[0]
        return data[TXID_KEY]

    @api.model
    def _store_jobs(self, subscriptions, eta, priority):
        """Store the drain jobs of ``subscriptions`` whose identity key no
        job still to run has, with one ``INSERT ... SELECT``.

        ``with_delay`` would search the identity key (queue_job's
        ``job_record_with_same_identity_key``), then the uuid, then create
        the job alone through the ORM and the chatter (``mail.thread``, which
        logs and subscribes nobody for jobs): about a millisecond per job,
        paid by the user who confirmed an order. Here each row is the one
        ``Job.store`` writes (``Job._store_values``), converted by the fields
        as the ORM converts it; the identity check is the ``NOT EXISTS`` of
        the insert; queue_job's trigger notifies the runner as for any
        insert. The key of a job of this transaction ends with
        ``txid_current()``, asked by the same query.
        """
        job_model = self.env["queue.job"].sudo()
        job_model.flush_model(["identity_key", "state"])
        if eta:
            key_part, key_sql = _eta_key_part(eta), SQL("job.identity_key")
        else:
            key_part, key_sql = "tx-", SQL("job.identity_key || txid_current()")
        rows = [
            Job(
                subscription._drain,
                **self._drain_job_options(
                    subscription,
                    eta,
                    priority,
                    _drain_identity_key(subscription, key_part),
                ),
            )._store_values(create=True)
            for subscription in subscriptions
        ]
        fields_ = [
            job_model._fields[name] for name in sorted({n for row in rows for n in row})
        ]
        # the values go as plain tuples (untyped), the casts once in the select
        selected = [
            key_sql
            if field.name == "identity_key"
            else SQL(f"job.%s::{field.column_type[1]}", SQL.identifier(field.name))
            for field in fields_
        ]
        columns = SQL(", ").join(SQL.identifier(field.name) for field in fields_)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO queue_job (%(columns)s)
                SELECT %(selected)s FROM (VALUES %(values)s) AS job (%(columns)s)
                 WHERE NOT EXISTS (
                       SELECT 1 FROM queue_job waiting
                        WHERE waiting.identity_key = %(key)s
                          AND waiting.state IN
                              ('wait_dependencies', 'pending', 'enqueued'))
                """,
                columns=columns,
                selected=SQL(", ").join(selected),
                values=SQL(", ").join(
                    tuple(
                        field.convert_to_column_insert(
                            row.get(field.name), job_model, row
                        )
                        for field in fields_
                    )
                    for row in rows
                ),
                key=key_sql,
            )
        )

    def _schedule_next(self, subscription):
        """Enqueue the job that sends what is left: now if some delivery is
        due, else at the next retry, never before the circuit's cool-down."""
        if subscription.state != "active":
            return
        self.env["integration.delivery"].flush_model()
        self.env.cr.execute(
            """
            SELECT MIN(next_attempt_at) FROM integration_delivery
             WHERE subscription_id = %s AND state = 'pending'
            """,
            (subscription.id,),
        )
        next_at = self.env.cr.fetchone()[0]
        now = fields.Datetime.now()
        if (not next_at or next_at > now) and self._new_due_deliveries_exist(
            subscription, now
        ):
            next_at = now
        if not next_at:
            return
        circuit = self._circuit(subscription)
        if circuit.state == "open":
            next_at = max(next_at, _dt(circuit.open_until))
        if next_at <= now:
            # ahead of the per-transaction jobs queued meanwhile: under load
            # most of those find nothing left to do
            self._enqueue(subscription, priority=FOLLOW_UP_PRIORITY)
        else:
            self._enqueue(subscription, eta=next_at)

    def _new_due_deliveries_exist(self, subscription, now):
        """Whether deliveries committed after this transaction's snapshot are due.

        The drain reads the database as it was when its transaction began;
        deliveries committed since, whose own job found this one busy, would
        otherwise wait for that job's retry. A fresh cursor sees them; SKIP
        LOCKED leaves out rows other transactions hold. Nothing is written.
        """
        with self.env.registry.cursor() as cr:
            cr.execute(
                """
                SELECT 1 FROM integration_delivery
                 WHERE subscription_id = %s AND state = 'pending' AND next_attempt_at <= %s
                 LIMIT 1
                   FOR UPDATE SKIP LOCKED
                """,
                (subscription.id, now),
            )
            found = bool(cr.fetchone())
            cr.rollback()
        return found

    @api.model
    def _cron_kick_pending(self):
        """Safety net: enqueue a drain for overdue deliveries without a job.

        Covers a job lost with its worker; queue_job requeues most such jobs
        itself, this catches the rest within a few minutes.
        """
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT DISTINCT d.subscription_id FROM integration_delivery d
              JOIN integration_subscription s ON s.id = d.subscription_id
             WHERE d.state = 'pending' AND s.state = 'active'
               AND d.next_attempt_at < %s
            """,
            (fields.Datetime.now() - timedelta(minutes=1),),
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        self._enqueue(self.env["integration.subscription"].sudo().browse(ids))
        return len(ids)

    # ------------------------------------------------------------------
    # The job
    # ------------------------------------------------------------------
    @api.model
    def _drain(self, subscription):
        """Send the subscription's due deliveries.

        Idempotent: it only takes deliveries still pending and due, and one
        drain per subscription runs at a time, so a second job for the same
        endpoint finds nothing to do twice. Returns a short summary for the
        job's result.
        """
        subscription = subscription.sudo()
        cr = self.env.cr
        cr.execute(
            "SELECT pg_try_advisory_lock(%s, %s)",
            (pg.LOCK_WEBHOOK_DRAIN, subscription.id),
        )
        if not cr.fetchone()[0]:
            # The running drain looks for newer deliveries with a fresh cursor
            # before it ends and enqueues the next job: nothing to wait for.
            return "busy: the running job takes what is due"
        try:
            self._absorb_waiting_drains(subscription)
            summary = self._drain_locked(subscription)
            # before the lock goes: the next drain must see all of this one
            self._commit()
            return summary
        finally:
            if cr._cnx.get_transaction_status() == TRANSACTION_STATUS_INERROR:
                cr.rollback()
            cr.execute(
                "SELECT pg_advisory_unlock(%s, %s)",
                (pg.LOCK_WEBHOOK_DRAIN, subscription.id),
            )

    def _absorb_waiting_drains(self, subscription):
        """Mark done the subscription's drain jobs that wait to start, one per
        transaction that added deliveries (``tx-`` keys): each was stored by a
        transaction that committed before this statement, so the claim that
        follows sees its deliveries (and what it does not take, the next job
        does). Run, each would only find the lock taken. Jobs due later (a
        retry, ``eta-`` keys) and jobs the runner already handed to a worker
        stay; a drain that fails before its first commit leaves them all."""
        prefix = _drain_identity_key(subscription, "tx-")
        jobs = self.env["queue.job"]
        jobs.flush_model(["state", "identity_key"])
        self.env.cr.execute(
            """
            UPDATE queue_job
               SET state = 'done', date_done = now() at time zone 'UTC', result = %s
             WHERE id IN (
                   SELECT id FROM queue_job
                    WHERE state = 'pending' AND identity_key LIKE %s
                      FOR UPDATE SKIP LOCKED)
            """,
            (
                "absorbed: the running drain took its deliveries",
                escape_psql(prefix) + "%",
            ),
        )
        if self.env.cr.rowcount:
            jobs.invalidate_model(["state", "date_done", "result"])

    def _drain_locked(self, subscription):
        if subscription.state != "active":
            return f"not sent: subscription {subscription.state}"
        circuit = self._circuit(subscription)
        allowed = circuit_tools.allows(circuit, time.time())
        if allowed == 0:
            self._schedule_next(subscription)
            return "circuit open: deliveries wait"
        deliveries = self._claim(subscription, allowed or subscription.batch_size)
        if not deliveries:
            self._schedule_next(subscription)
            return "nothing due"
        sent = self._send(subscription, deliveries, circuit)
        self._schedule_next(subscription)
        return f"{sent} sent"

    def _claim(self, subscription, limit):
        """The subscription's due deliveries, oldest first (``limit`` at most)."""
        self.env["integration.delivery"].flush_model()
        self.env.cr.execute(
            """
            SELECT id FROM integration_delivery
             WHERE subscription_id = %s AND state = 'pending'
               AND next_attempt_at <= %s
             ORDER BY id
             LIMIT %s
               FOR UPDATE SKIP LOCKED
            """,
            (subscription.id, fields.Datetime.now(), limit),
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        return self.env["integration.delivery"].sudo().browse(ids)

    def _send(self, subscription, deliveries, circuit):
        """Send the claimed deliveries with the subscription's transport.

        The transport seam: ``_send_<transport>(subscription, deliveries,
        circuit)`` sends, records the outcomes with
        ``integration.delivery._record_results`` (committing as it goes, see
        :meth:`_commit`) and returns the number sent. Everything around it
        (the lock, the claim, the circuit breaker, the retry schedule, dead
        deliveries, replay, the next job) is the same for every transport.
        A module adds a transport with ``selection_add`` on
        ``integration.subscription.transport`` and its ``_send_<transport>``.

        :return: the number of deliveries sent
        """
        return getattr(self, f"_send_{subscription.transport}")(
            subscription, deliveries, circuit
        )

    def _send_webhook(self, subscription, deliveries, circuit):
        """POST the deliveries, ``max_in_flight`` in flight at a time over
        keep-alive connections; stop when the circuit opens, the endpoint is
        gone or the time budget is spent.

        Outcomes are recorded and committed as they come back, while the
        next requests are in flight (``on_idle``): what a crash makes us
        send again is what was in flight plus the results not yet committed,
        at most twice the parallelism.

        :return: the number of requests sent
        """
        delivery_model = self.env["integration.delivery"]
        try:
            addresses = subscription._check_url_safe()
        except UnsafeTargetError as exc:
            return deliveries._fail_unsent(f"refused by the SSRF guard: {exc}")
        signing = self.env["integration.subscription.secret"]._signing_material(
            subscription
        )
        if not any(signing):
            return deliveries._fail_unsent(
                "no valid signing secret: use Rotate secret on the subscription"
            )
        # Everything sending and recording need, read now as plain data in
        # two queries: a commit clears the ORM cache, and a drain sends each
        # delivery once.
        rows = delivery_model._recording_rows(deliveries.ids)
        envelopes = (
            self.env["integration.event"]
            .browse([row.event_id for row in rows.values()])
            ._cloudevents()
        )
        items = []
        traceparents = {}
        for delivery_id in deliveries.ids:
            row = rows[delivery_id]
            envelope = envelopes[row.event_id]
            items.append((delivery_id, envelope, f"msg_{envelope['id']}"))
            traceparents[delivery_id] = row.next_traceparent()
        extra = subscription._extra_headers()
        style = subscription.payload_style
        hmac_secrets, ed_keys = signing
        threshold, cooldown = subscription.failure_threshold, subscription.cooldown
        parallel = subscription.max_in_flight
        url, timeout, rate_limit = (
            subscription.target_url,
            subscription.timeout,
            subscription.rate_limit,
        )
        unrecorded = []
        state = {"circuit": circuit, "sent": 0, "gone": False}
        deadline = time.monotonic() + DRAIN_TIME_BUDGET

        def prepare(item):
            delivery_id, envelope, message_id = item
            return build_request(
                envelope,
                style,
                message_id,
                int(time.time()),
                hmac_secrets,
                ed_keys,
                {**extra, "traceparent": traceparents[delivery_id]},
            )

        def record():
            """The outcomes so far, on records that prefetch only these."""
            chunk = delivery_model.browse(
                [delivery_id for delivery_id, _result in unrecorded]
            )
            delivery_model._record_results(
                list(zip(chunk, [result for _id, result in unrecorded], strict=True)),
                rows=rows,
            )
            unrecorded.clear()

        def on_result(item, result):
            unrecorded.append((item[0], result))
            state["sent"] += 1
            state["gone"] = state["gone"] or result.outcome == "gone"
            state["circuit"] = circuit_tools.after_result(
                state["circuit"],
                result.outcome == "success",
                time.time(),
                threshold,
                cooldown,
            )
            blocked = circuit_tools.allows(state["circuit"], time.time()) == 0
            in_time = time.monotonic() < deadline
            return result.outcome != "gone" and not blocked and in_time

        def on_idle():
            """Record and commit what came back while the refilled window is
            in flight: the more results arrive during one commit, the more
            the next one takes (group commit), and never more than one
            window's worth waits uncommitted."""
            if unrecorded:
                record()
                self._commit()

        try:
            with sender.SenderPool(parallel, addresses) as pool:
                pool.run(
                    url,
                    timeout,
                    items,
                    prepare,
                    on_result,
                    rate_limit=rate_limit,
                    on_idle=on_idle,
                )
        finally:
            record()
            self._store_circuit(subscription, state["circuit"])
        if state["gone"]:
            subscription._disable(self.env._("The endpoint answered 410 Gone."))
        return state["sent"]

    def _commit(self):
        """Commit the outcomes recorded so far (not in tests: the test's
        transaction must stay open to be rolled back)."""
        if not getattr(threading.current_thread(), "testing", False):
            # the job function allows it (allow_commit in data/queue_job_data.xml)
            self.env.cr.commit()  # pylint: disable=invalid-commit

    # ------------------------------------------------------------------
    # Circuit breaker
    # ------------------------------------------------------------------
    def _circuit(self, subscription):
        return circuit_tools.Circuit(
            state="open"
            if subscription.circuit_state == "half_open"
            else subscription.circuit_state,
            failures=subscription.consecutive_failures,
            open_until=_ts(subscription.circuit_open_until),
            cooldown=subscription.circuit_cooldown,
            failing_since=_ts(subscription.failing_since),
        )

    def _store_circuit(self, subscription, circuit):
        vals = {
            "circuit_state": circuit.state,
            "consecutive_failures": circuit.failures,
            "circuit_open_until": _dt(circuit.open_until),
            "circuit_cooldown": int(circuit.cooldown),
            "failing_since": _dt(circuit.failing_since),
        }
        now = fields.Datetime.now()
        if circuit.failures == 0 and (
            not subscription.last_success_at
            or now - subscription.last_success_at > timedelta(minutes=1)
        ):
            # at most once a minute: concurrent drains would fight over the row
            vals["last_success_at"] = now
        opened = circuit.state == "open" and subscription.circuit_state != "open"
        changed = {
            name: value
            for name, value in vals.items()
            if subscription._fields[name].convert_to_write(
                subscription[name], subscription
            )
            != value
        }
        if changed:
            subscription.write(changed)
        if opened:
            _logger.info("circuit opened for webhook subscription %s", subscription.id)
        if circuit.failing_since and subscription.disable_after_days:
            failing_for = time.time() - circuit.failing_since
            if failing_for > subscription.disable_after_days * 86400:
                subscription._disable(
                    self.env._(
                        "Nothing but failures for %(days)s days.",
                        days=subscription.disable_after_days,
                    )
                )


def _drain_identity_key(subscription, key_part):
    """The identity key of a drain job: one waiting job per subscription and
    transaction (``tx-<txid>``) or retry time (``eta-<epoch>``)."""
    return f"integration_webhook.drain-{subscription.id}-{key_part}"


def _eta_key_part(eta):
    return f"eta-{int(eta.timestamp())}"


def _ts(value):
    """Naive UTC datetime -> epoch seconds (0 for empty)."""
    return (value - EPOCH).total_seconds() if value else 0


def _dt(timestamp):
    """Epoch seconds -> naive UTC datetime (False for 0), rounded up to the
    second: Datetime fields hold whole seconds, and a moment rounded down
    would let a probe or a retry go out before it is due."""
    return EPOCH + timedelta(seconds=math.ceil(timestamp)) if timestamp else False
