from datetime import UTC, datetime

from odoo import api, models

# The job runner or the queued intake counts as stalled when the oldest of
# its waiting work is older than this (the runner starts jobs within seconds;
# the queue's cron steps in for messages queued a minute).
STALE_SECONDS = 300


class IntegrationHealth(models.AbstractModel):
    """The inbound side in the suite's health checks: the job runner and
    the queued messages."""

    _inherit = "integration.health"

    @api.model
    def _health_checks(self):
        checks = super()._health_checks()
        checks.append(self._health_queue_job())
        checks.append(self._health_message_backlog())
        return checks

    @api.model
    def _health_queue_job(self):
        """``queue_job``: pending jobs and whether the oldest waits
        suspiciously long (runner down?)."""
        self.env["queue.job"].flush_model(["state", "date_created"])
        self.env.cr.execute(
            "SELECT count(*), EXTRACT(EPOCH FROM %s - min(date_created)) "
            "FROM queue_job WHERE state IN ('pending', 'enqueued')",
            (_clock(),),
        )
        pending, oldest = self.env.cr.fetchone()
        oldest = max(0, int(oldest or 0))
        stalled = oldest > STALE_SECONDS
        return {
            "name": "queue_job",
            "status": "warning" if stalled else "ok",
            "value": {
                "pending": pending,
                "oldest_pending_seconds": oldest,
                "runner": "stalled" if stalled else "ok",
            },
        }

    @api.model
    def _health_message_backlog(self):
        """``message_backlog``: kept messages waiting for a drain
        (``queued``), the oldest one's age, and those waiting for a person
        (``needs_fix``)."""
        self.env["integration.api.message"].flush_model(["state"])
        self.env.cr.execute(
            """
            SELECT count(*) FILTER (WHERE state = 'queued'),
                   EXTRACT(EPOCH FROM %s - min(create_date) FILTER (WHERE state = 'queued')),
                   count(*) FILTER (WHERE state = 'needs_fix')
              FROM integration_api_message
             WHERE state IN ('queued', 'needs_fix')
            """,
            (_clock(),),
        )
        queued, oldest, needs_fix = self.env.cr.fetchone()
        oldest = max(0, int(oldest or 0))
        return {
            "name": "message_backlog",
            "status": "warning" if oldest > STALE_SECONDS else "ok",
            "value": queued,
            "oldest_queued_seconds": oldest,
            "needs_fix": needs_fix,
        }


def _clock():
    """Now, to the microsecond (``fields.Datetime.now()`` drops them, which
    made a message an hour old look 3599 seconds old)."""
    return datetime.now(UTC).replace(tzinfo=None)
