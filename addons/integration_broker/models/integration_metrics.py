from odoo import api, models

from odoo.addons.integration_core.tools.prometheus import Family

# the worker columns -> the outcome label of integration_broker_consumer_messages_total
OUTCOMES = (
    ("processed", "processed_count"),
    ("needs_fix", "needs_fix_count"),
    ("rejected", "rejected_count"),
    ("duplicate", "duplicate_count"),
    ("poison", "poison_count"),
)


class IntegrationMetrics(models.AbstractModel):
    """Queue consumers in ``/metrics``: messages by outcome, acknowledged
    and requeued (counters kept by the workers, see
    ``integration.broker.consumer.worker``) and the age of the last
    heartbeat (a gauge: a consumer process that stopped shows a growing age)."""

    _inherit = "integration.metrics"

    @api.model
    def _metrics_families(self):
        families = super()._metrics_families()
        families.extend(self._metrics_broker_consumers())
        return families

    @api.model
    def _metrics_broker_consumers(self):
        """One query over the consumers and their few worker rows; active
        consumers that never ran count zero and have no heartbeat."""
        self.env["integration.broker.consumer.worker"].flush_model()
        self.env.cr.execute(
            """
            SELECT c.id,
                   coalesce(sum(w.processed_count), 0),
                   coalesce(sum(w.needs_fix_count), 0),
                   coalesce(sum(w.rejected_count), 0),
                   coalesce(sum(w.duplicate_count), 0),
                   coalesce(sum(w.poison_count), 0),
                   coalesce(sum(w.acknowledged_count), 0),
                   coalesce(sum(w.requeued_count), 0),
                   EXTRACT(EPOCH FROM (now() at time zone 'UTC') - max(w.last_seen_at))
              FROM integration_broker_consumer c
              LEFT JOIN integration_broker_consumer_worker w ON w.consumer_id = c.id
             WHERE c.active OR w.id IS NOT NULL
             GROUP BY c.id
             ORDER BY c.id
            """
        )
        rows = self.env.cr.fetchall()
        names = self._metrics_names(
            "integration.broker.consumer", "name", {row[0] for row in rows}
        )
        messages, acknowledged, requeued, heartbeat = [], [], [], []
        for row in rows:
            labels = self._named("consumer", row[0], names)
            for (outcome, _column), value in zip(OUTCOMES, row[1:6], strict=True):
                messages.append(("", {**labels, "outcome": outcome}, int(value)))
            acknowledged.append(("", labels, int(row[6])))
            requeued.append(("", labels, int(row[7])))
            if row[8] is not None:
                heartbeat.append(("", labels, round(max(0.0, float(row[8])), 3)))
        return [
            Family(
                "integration_broker_consumer_messages_total",
                "counter",
                "Messages a queue consumer processed, by consumer and outcome "
                "(processed; needs_fix: kept, waiting for a mapping or a fix; "
                "rejected: invalid, kept with an exception; duplicate: a "
                "message_id already processed; poison: not processable, kept).",
                messages,
            ),
            Family(
                "integration_broker_consumer_acknowledged_total",
                "counter",
                "Messages a queue consumer acknowledged to the broker (after "
                "their transaction committed), by consumer.",
                acknowledged,
            ),
            Family(
                "integration_broker_consumer_requeued_total",
                "counter",
                "Messages a queue consumer gave back to the queue because their "
                "transaction could not commit, by consumer.",
                requeued,
            ),
            Family(
                "integration_broker_consumer_heartbeat_age_seconds",
                "gauge",
                "Seconds since a worker of the consumer last reported (heartbeat "
                "or message), by consumer; absent for a consumer never started.",
                heartbeat,
            ),
        ]
