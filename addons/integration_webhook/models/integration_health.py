from datetime import UTC, datetime

from odoo import api, fields, models

# A due delivery of an active endpoint waiting longer than this means the
# drains do not keep up or do not run (the drain takes due deliveries within
# seconds; the safety-net cron within minutes).
STALE_DUE_SECONDS = 300


class IntegrationHealth(models.AbstractModel):
    """The outbound backlog in the suite's health checks."""

    _inherit = "integration.health"

    @api.model
    def _health_checks(self):
        """``delivery_backlog``: pending deliveries (their only waiting
        state), how many are due on active endpoints, and how long the
        oldest of those has waited."""
        checks = super()._health_checks()
        self.env["integration.delivery"].flush_model(["state", "next_attempt_at"])
        self.env["integration.subscription"].flush_model(["state"])
        # the clock the drains compare next_attempt_at with (not the
        # transaction's start, which SQL's now() is)
        now = fields.Datetime.now()
        self.env.cr.execute(
            """
            SELECT count(*),
                   count(*) FILTER (WHERE s.state = 'active' AND d.next_attempt_at <= %(now)s),
                   EXTRACT(EPOCH FROM %(clock)s - min(d.next_attempt_at)
                       FILTER (WHERE s.state = 'active' AND d.next_attempt_at <= %(now)s))
              FROM integration_delivery d
              JOIN integration_subscription s ON s.id = d.subscription_id
             WHERE d.state = 'pending'
            """,
            {"now": now, "clock": datetime.now(UTC).replace(tzinfo=None)},
        )
        pending, due, oldest = self.env.cr.fetchone()
        oldest = max(0, int(oldest or 0))
        checks.append(
            {
                "name": "delivery_backlog",
                "status": "warning" if oldest > STALE_DUE_SECONDS else "ok",
                "value": pending,
                "due": due,
                "oldest_due_seconds": oldest,
            }
        )
        return checks
