from odoo import api, fields, models
from odoo.tools import SQL

# what _consume returns -> the column that counts it
OUTCOME_COLUMNS = {
    "done": "processed_count",
    "needs_fix": "needs_fix_count",
    "rejected": "rejected_count",
    "duplicate": "duplicate_count",
    "poison": "poison_count",
}


class IntegrationBrokerConsumerWorker(models.Model):
    """One worker of a consumer process (a thread with its own connection),
    its heartbeat and what it counted: the source of the consumer's figures
    in ``/metrics`` and on its form.

    Written by the consumer process in SQL (``_worker_start``, ``_worker_record``):
    the outcome of a message in the very transaction that processed it, so
    a message counts once it is committed; acknowledgements (known only
    after the commit) with the worker's next write, or its heartbeat when
    the queue is idle. A worker is named by host and number, so a restarted
    process continues the same rows: the counters never go back.
    """

    _name = "integration.broker.consumer.worker"
    _description = "Message Broker Consumer Worker"
    _order = "consumer_id, name"

    consumer_id = fields.Many2one(
        "integration.broker.consumer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(related="consumer_id.company_id", store=True)
    name = fields.Char(required=True, readonly=True, help="host/worker number")
    started_at = fields.Datetime(readonly=True)
    last_seen_at = fields.Datetime(
        string="Last seen",
        readonly=True,
        help="The worker's last heartbeat or processed message.",
    )
    processed_count = fields.Integer(string="Processed", readonly=True)
    needs_fix_count = fields.Integer(string="Need a fix", readonly=True)
    rejected_count = fields.Integer(string="Invalid", readonly=True)
    duplicate_count = fields.Integer(string="Duplicates", readonly=True)
    poison_count = fields.Integer(string="Poison", readonly=True)
    acknowledged_count = fields.Integer(string="Acknowledged", readonly=True)
    requeued_count = fields.Integer(
        string="Requeued",
        readonly=True,
        help="Messages given back to the queue because their transaction "
        "could not commit (the database was unreachable, ...).",
    )

    _sql_constraints = [
        ("name_unique", "UNIQUE(consumer_id, name)", "One row per worker."),
    ]

    @api.model
    def _worker_start(self, consumer_id, name):
        """The id of the worker row ``name`` of the consumer, (re)started now."""
        self.env.cr.execute(
            """
            INSERT INTO integration_broker_consumer_worker
                   (consumer_id, company_id, name, started_at, last_seen_at,
                    processed_count, needs_fix_count, rejected_count,
                    duplicate_count, poison_count, acknowledged_count,
                    requeued_count, create_uid, write_uid, create_date, write_date)
            SELECT c.id, c.company_id, %s, now() at time zone 'UTC',
                   now() at time zone 'UTC', 0, 0, 0, 0, 0, 0, 0, %s, %s,
                   now() at time zone 'UTC', now() at time zone 'UTC'
              FROM integration_broker_consumer c WHERE c.id = %s
            ON CONFLICT (consumer_id, name) DO UPDATE
               SET started_at = EXCLUDED.started_at,
                   last_seen_at = EXCLUDED.last_seen_at
            RETURNING id
            """,
            (name, self.env.uid, self.env.uid, consumer_id),
        )
        row = self.env.cr.fetchone()
        return row[0] if row else None

    @api.model
    def _worker_record(self, worker_id, outcome=None, acknowledged=0, requeued=0):
        """Count ``outcome`` (one of ``_consume``'s answers) and the
        acknowledgements and requeues since the last call, and beat."""
        column = OUTCOME_COLUMNS.get(outcome)
        counted = (
            SQL(", %s = %s + 1", SQL.identifier(column), SQL.identifier(column))
            if column
            else SQL("")
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE integration_broker_consumer_worker
                   SET last_seen_at = now() at time zone 'UTC',
                       acknowledged_count = acknowledged_count + %s,
                       requeued_count = requeued_count + %s%s
                 WHERE id = %s
                """,
                acknowledged,
                requeued,
                counted,
                worker_id,
            )
        )
        self.invalidate_model()
