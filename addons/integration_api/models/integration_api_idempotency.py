"""Idempotency-Key records (IETF httpapi draft).

Two rows per key at most, told apart by ``state``:

* ``in_flight``: the *lock*. Inserted and committed at once by a separate
  cursor so that every other worker sees it (a duplicate gets ``409``).
  It expires after a few minutes so a crashed worker does not block the key.
* ``done``: the stored answer. Inserted by the *request's* transaction, so
  it exists if and only if the business work committed. (Updating the lock
  row from the request's transaction would not work: under REPEATABLE READ
  a row committed after the request's snapshot is invisible to it.)

``unique(system_id, idempotency_key, state)`` is the last line of defence:
two requests that both got past the lock cannot both commit a ``done`` row;
the loser's business work is rolled back and it replays the winner's answer.
"""

import base64
import json
from dataclasses import dataclass

import psycopg2

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.integration_core.tools.params import config_param
from odoo.addons.integration_core.tools.pg import read_committed

from ..tools.redaction import storable_text

LOCK_MINUTES = 10


@dataclass
class IdempotencyClaim:
    """Outcome of :meth:`IntegrationApiIdempotency._claim`.

    Exactly one of ``lock_id`` (we own the key: go on), ``stored`` (a
    finished answer exists: replay or 422) or ``in_flight`` (409) is set.
    """

    lock_id: int | None = None
    stored: dict | None = None
    in_flight: bool = False
    values: dict | None = None


class IntegrationApiIdempotency(models.Model):
    _name = "integration.api.idempotency"
    _description = "Integration API Idempotency Key"
    _order = "created_at desc, id desc"
    _log_access = False
    _rec_name = "idempotency_key"

    system_id = fields.Many2one(
        "integration.system",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    idempotency_key = fields.Char(required=True, readonly=True)
    state = fields.Selection(
        [("in_flight", "In flight"), ("done", "Done")], required=True, readonly=True
    )
    method = fields.Char(readonly=True)
    path = fields.Char(readonly=True)
    fingerprint = fields.Char(readonly=True, help="SHA-256 of the canonical JSON body.")
    response_status = fields.Integer(readonly=True)
    response_body = fields.Text(readonly=True, help="The answer as text (for reading).")
    response_body_raw = fields.Binary(
        string="Answer (bytes)",
        attachment=False,
        readonly=True,
        help="The answer byte for byte; a replay sends these bytes.",
    )
    response_headers = fields.Text(readonly=True)
    created_at = fields.Datetime(readonly=True, default=fields.Datetime.now)
    expires_at = fields.Datetime(readonly=True, index=True)

    _sql_constraints = [
        (
            "system_key_state_uniq",
            "unique(system_id, idempotency_key, state)",
            "An Idempotency-Key has one lock and one stored answer at most.",
        )
    ]

    @api.model
    def _retention_hours(self):
        return config_param(self.env, "integration_api.idempotency_retention_hours", 24)

    @api.model
    def _claim(self, system_id, company_id, key, method, path, fingerprint):
        """Take the lock on ``key``, or say why not.

        Runs in its own transaction, committed at once: the lock must be
        visible to the other workers before this request does any work.
        READ COMMITTED: under REPEATABLE READ, the INSERT of a lock that a
        parallel claim committed after this snapshot fails with a
        serialisation error instead of doing nothing.
        """
        with self.env.registry.cursor() as cr:
            read_committed(cr, testing=self.env.registry.in_test_mode())
            cr.execute(
                SQL(
                    "DELETE FROM integration_api_idempotency WHERE system_id = %s "
                    "AND idempotency_key = %s AND expires_at < (now() AT TIME ZONE 'UTC')",
                    system_id,
                    key,
                )
            )
            stored = self._read_stored(cr, system_id, key)
            if stored:
                return IdempotencyClaim(stored=stored)
            cr.execute(
                SQL(
                    """INSERT INTO integration_api_idempotency
                       (system_id, company_id, idempotency_key, state, method, path,
                        fingerprint, created_at, expires_at)
                   VALUES (%s, %s, %s, 'in_flight', %s, %s, %s, now() AT TIME ZONE 'UTC',
                           (now() AT TIME ZONE 'UTC') + make_interval(mins => %s))
                   ON CONFLICT (system_id, idempotency_key, state) DO NOTHING
                   RETURNING id""",
                    system_id,
                    company_id,
                    key,
                    method,
                    path,
                    fingerprint,
                    LOCK_MINUTES,
                )
            )
            row = cr.fetchone()
        if row:
            values = {
                "system_id": system_id,
                "company_id": company_id,
                "key": key,
                "method": method,
                "path": path,
                "fingerprint": fingerprint,
            }
            return IdempotencyClaim(lock_id=row[0], values=values)
        return IdempotencyClaim(in_flight=True)

    @api.model
    def _read_stored(self, cr, system_id, key):
        cr.execute(
            SQL(
                "SELECT method, path, fingerprint, response_status, response_body, "
                "response_headers, response_body_raw FROM integration_api_idempotency "
                "WHERE system_id = %s "
                "AND idempotency_key = %s AND state = 'done'",
                system_id,
                key,
            )
        )
        row = cr.fetchone()
        if not row:
            return None
        method, path, fingerprint, status, body, headers, raw = row
        return {
            "method": method,
            "path": path,
            "fingerprint": fingerprint,
            "status": status,
            "body": base64.b64decode(bytes(raw)) if raw else (body or "").encode(),
            "headers": json.loads(headers or "{}"),
        }

    @api.model
    def _read_stored_fresh(self, system_id, key):
        """The stored answer as committed now (not as the request's snapshot sees it)."""
        with self.env.registry.cursor() as cr:
            return self._read_stored(cr, system_id, key)

    @api.model
    def _store(self, claim, status, body, headers):
        """Store the answer in the request's transaction.

        The lock row is not read here: it was committed after this
        transaction's snapshot, so it is invisible to it.

        :param claim: the :class:`IdempotencyClaim` that holds the lock
        :return: False when another request stored an answer for the key first
        """
        values = claim.values
        raw = body if isinstance(body, bytes) else (body or "").encode()
        self.env.cr.execute(
            SQL(
                """INSERT INTO integration_api_idempotency
                   (system_id, company_id, idempotency_key, state, method, path,
                    fingerprint, response_status, response_body, response_body_raw,
                    response_headers, created_at, expires_at)
               VALUES (%s, %s, %s, 'done', %s, %s, %s, %s, %s, %s, %s,
                       now() AT TIME ZONE 'UTC',
                       (now() AT TIME ZONE 'UTC') + make_interval(hours => %s))
               ON CONFLICT (system_id, idempotency_key, state) DO NOTHING
               RETURNING id""",
                values["system_id"],
                values["company_id"],
                values["key"],
                values["method"],
                values["path"],
                values["fingerprint"],
                status,
                storable_text(raw.decode("utf-8", "replace")),
                psycopg2.Binary(base64.b64encode(raw)),
                json.dumps(headers or {}),
                self._retention_hours(),
            )
        )
        stored = bool(self.env.cr.fetchone())
        # Once the answer is committed the lock has done its job.
        lock_id = claim.lock_id
        self.env.cr.postcommit.add(lambda: self._release(lock_id))
        return stored

    @api.model
    def _release(self, lock_id):
        """Drop the lock at once, in its own transaction (the client may retry)."""
        with self.env.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "DELETE FROM integration_api_idempotency WHERE id = %s AND state = 'in_flight'",
                    lock_id,
                )
            )

    @api.model
    def _cron_purge(self):
        self.env.cr.execute(
            "DELETE FROM integration_api_idempotency "
            "WHERE expires_at < (now() AT TIME ZONE 'UTC')"
        )
        return self.env.cr.rowcount
