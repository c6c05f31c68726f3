import contextlib
import os
import threading

import psycopg2

from odoo import api, fields, models
from odoo.sql_db import connection_info_for
from odoo.tools import SQL


class _CounterConnections:
    """One autocommit READ COMMITTED connection per worker process and database.

    Counting must not happen in the request's REPEATABLE READ transaction
    (parallel requests of one key would fail with serialisation errors), and
    a pooled cursor costs four round trips (reset, BEGIN, statement, COMMIT).
    In autocommit each counting statement is its own transaction: one round
    trip, and an ``INSERT ... ON CONFLICT DO UPDATE`` under READ COMMITTED
    waits for a parallel hit of the same bucket instead of failing.
    Connections opened before a fork are never reused by the child.
    """

    def __init__(self):
        self._connections = {}
        self._prepared = {}  # id(connection) -> names of its prepared statements
        self._lock = threading.Lock()

    def execute(self, dbname, query, prepare_as=None):
        """Run ``query`` (an ``SQL``) as its own transaction; return its rows.

        A connection found dead (server restart, idle timeout) is replaced
        and the statement run again once.

        :param prepare_as: name under which the statement is prepared once
            per connection (planning a CTE costs more than running it); the
            query's text must then not vary, only its parameters
        """
        with self._lock:  # threaded server: one statement at a time per connection
            for attempt in (1, 2):
                cnx = self._get(dbname)
                try:
                    with cnx.cursor() as cr:
                        if prepare_as:
                            self._execute_prepared(cnx, cr, prepare_as, query)
                        else:
                            cr.execute(query.code, query.params)
                        return cr.fetchall() if cr.description else []
                except (psycopg2.InterfaceError, psycopg2.OperationalError) as exc:
                    if getattr(exc, "pgcode", None) and not cnx.closed:
                        raise  # an SQL error (deadlock...), not a lost connection
                    self._drop(dbname)
                    if attempt == 2:
                        raise
        return []

    def _execute_prepared(self, cnx, cr, name, query):
        prepared = self._prepared.setdefault(id(cnx), set())
        if name not in prepared:
            head, *rest = query.code.split("%s")
            text = head + "".join(f"${n}{part}" for n, part in enumerate(rest, 1))
            # name and text are this module's own constant statement, never
            # input: PREPARE takes no bind parameters for them
            cr.execute(f"PREPARE {name} AS {text}")  # pylint: disable=sql-injection
            prepared.add(name)
        placeholders = ", ".join(["%s"] * len(query.params))
        cr.execute(f"EXECUTE {name} ({placeholders})", query.params)

    def _get(self, dbname):
        entry = self._connections.get(dbname)
        if entry and entry[0] == os.getpid() and not entry[1].closed:
            return entry[1]
        _name, params = connection_info_for(dbname)
        cnx = psycopg2.connect(**params)
        cnx.set_session(isolation_level="READ COMMITTED", autocommit=True)
        with cnx.cursor() as cr:
            # Counters and last_used_at are not worth a WAL flush each: a
            # database crash may lose the last fraction of a second of counts
            # (never corrupt them); other sessions see every count at once.
            cr.execute("SET synchronous_commit = off")
        self._connections[dbname] = (os.getpid(), cnx)
        return cnx

    def _drop(self, dbname):
        pid, cnx = self._connections.pop(dbname, (None, None))
        self._prepared.pop(id(cnx), None)
        if cnx is not None and pid == os.getpid():
            with contextlib.suppress(psycopg2.Error):
                cnx.close()


_counter_connections = _CounterConnections()


class IntegrationApiRateBucket(models.Model):
    """Request counters of the current window, shared by every worker.

    One row per bucket (``key:<id>``, ``authfail:ip:<addr>``...). Counting
    happens in a statement that is its own READ COMMITTED transaction, on a
    connection of its own (:class:`_CounterConnections`): in the request's
    REPEATABLE READ transaction, two parallel requests of one key would wait
    on the row and then fail with a serialisation error.
    """

    _name = "integration.api.rate.bucket"
    _description = "Integration API Rate Counter"
    _log_access = False

    name = fields.Char(string="Bucket", required=True, index=True)
    window_start = fields.Integer(required=True, help="Unix seconds")
    hits = fields.Integer(required=True, default=0)

    _sql_constraints = [("name_uniq", "unique(name)", "One counter per bucket.")]

    @api.model
    def _hit_sql(self, buckets, window_start):
        """Count one request in each of ``buckets``; returns ``(name, hits)`` rows."""
        return SQL(
            """INSERT INTO integration_api_rate_bucket AS b (name, window_start, hits)
               SELECT name, %(start)s, 1 FROM unnest(%(buckets)s::varchar[]) AS name
               ON CONFLICT (name) DO UPDATE SET
                   hits = CASE WHEN b.window_start = EXCLUDED.window_start
                               THEN b.hits + 1 ELSE 1 END,
                   window_start = EXCLUDED.window_start
               RETURNING name, hits""",
            buckets=sorted(set(buckets)),  # one order for all: no deadlock
            start=window_start,
        )

    @api.model
    def _hit(self, buckets, window_start):
        """Count one request in each bucket; return their counts (same order).

        One statement, committed at once (see :meth:`_counter_execute`).
        """
        counts = dict(self._counter_execute(self._hit_sql(buckets, window_start)))
        return [counts[bucket] for bucket in buckets]

    @api.model
    def _counter_execute(self, query, prepare_as=None):
        """Run ``query`` as its own READ COMMITTED transaction, committed at
        once on the worker's counter connection; return its rows.

        Test cursors share the test transaction: there it runs in it.
        """
        if self.env.registry.in_test_mode():
            self.env.cr.execute(query)
            return self.env.cr.fetchall() if self.env.cr.description else []
        return _counter_connections.execute(self.env.cr.dbname, query, prepare_as)

    @api.model
    def _current(self, bucket, window_start):
        """The count of ``bucket`` in the window, without counting."""
        self.env.cr.execute(
            SQL(
                "SELECT hits FROM integration_api_rate_bucket "
                "WHERE name = %s AND window_start = %s",
                bucket,
                window_start,
            )
        )
        row = self.env.cr.fetchone()
        return row[0] if row else 0

    @api.model
    def _cron_purge(self, older_than_seconds=3600):
        self.env.cr.execute(
            SQL(
                "DELETE FROM integration_api_rate_bucket WHERE window_start < "
                "EXTRACT(EPOCH FROM now())::bigint - %s",
                older_than_seconds,
            )
        )
        return self.env.cr.rowcount
