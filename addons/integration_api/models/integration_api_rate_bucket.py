from odoo import api, fields, models
from odoo.tools import SQL


class IntegrationApiRateBucket(models.Model):
    """Request counters of the current window, shared by every worker.

    One row per bucket (``key:<id>``, ``authfail:ip:<addr>``...). Counting
    happens in a short READ COMMITTED transaction of its own: in the request's
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
    def _hit_sql(self, bucket, window_start):
        return SQL(
            """INSERT INTO integration_api_rate_bucket AS b (name, window_start, hits)
               VALUES (%(bucket)s, %(start)s, 1)
               ON CONFLICT (name) DO UPDATE SET
                   hits = CASE WHEN b.window_start = EXCLUDED.window_start
                               THEN b.hits + 1 ELSE 1 END,
                   window_start = EXCLUDED.window_start
               RETURNING hits""",
            bucket=bucket,
            start=window_start,
        )

    @api.model
    def _hit(self, buckets, window_start, extra=None):
        """Count one request in each bucket; return their counts (same order).

        Deliberately in a separate, short READ COMMITTED transaction (see the
        class doc), committed at once by the ``with`` block.

        :param extra: an optional ``SQL`` run in the same short transaction
            (e.g. touching a key's ``last_used_at``)
        """
        # Test cursors share the test transaction: no isolation change there.
        isolation = SQL() if self.env.registry.in_test_mode() else SQL(
            "SET TRANSACTION ISOLATION LEVEL READ COMMITTED;")
        counts = []
        with self.env.registry.cursor() as cr:
            for bucket in buckets:
                # first statement of the transaction: one round trip with the SET
                cr.execute(SQL("%s %s", isolation, self._hit_sql(bucket, window_start)))
                isolation = SQL()
                counts.append(cr.fetchone()[0])
            if extra is not None:
                cr.execute(SQL("%s %s", isolation, extra))
        return counts

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
