import logging
from datetime import timedelta

from odoo import api, fields, models

from ..tools.exception_policy import TRANSIENT_KINDS, is_transient, retry_delay
from ..tools.params import config_param

_logger = logging.getLogger(__name__)

OPEN_STATES = ("new", "in_progress")


class IntegrationExceptionRetry(models.AbstractModel):
    """Reprocessing without a person (a part of ``integration.exception``,
    which inherits it).

    Transient classes (connection, intermittent, rate limit) are retried by
    :meth:`_cron_retry` with a doubling delay up to a number of attempts
    (``integration_core.exception_retry_max``, default 5), then left to a
    person. A mapping created for a code reprocesses every exception waiting
    for it (:meth:`_reprocess_waiting`), a few at once and the rest through
    the same cron.
    """

    _name = "integration.exception.retry"
    _description = "Integration exception: automatic reprocessing"

    retry_count = fields.Integer(string="Automatic retries", readonly=True)
    next_retry_at = fields.Datetime(
        readonly=True, index=True, help="When Odoo retries by itself."
    )

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        for vals in vals_list:
            if is_transient(vals.get("kind")) and vals.get("source_model"):
                vals.setdefault(
                    "next_retry_at", now + timedelta(seconds=retry_delay(0))
                )
        return super().create(vals_list)

    def _try_reprocess(self):
        """Reprocess the source; never raises for a failure a person reads.

        :return: ``(solved, note)``
        """
        self.ensure_one()
        source = self._source()
        if source is None:
            return False, self.env._("Nothing to reprocess.")
        if self.kind in TRANSIENT_KINDS and not source._integration_auto_retry():
            return False, self.env._("Not retried by itself: a person decides.")
        return source._integration_try_reprocess(self)

    def _reprocess_many(self, note):
        """Reprocess each exception; resolve those that were solved.

        :return: the exceptions solved
        """
        solved = self.browse()
        for exception in self:
            done, detail = exception._try_reprocess()
            exception.next_retry_at = False
            if done:
                exception._auto_resolve(detail or note)
                solved |= exception
        return solved

    def action_reprocess_bulk(self):
        """Reprocess from the list: what is solved is resolved, the rest is
        reported in one notification (never one error per row)."""
        exceptions = self.filtered(lambda e: e.state in OPEN_STATES and e.source_model)
        note = self.env._("Reprocessed by %(user)s", user=self.env.user.name)
        solved = self.browse()
        for exception in exceptions:
            done, detail = exception._try_reprocess()
            if done and exception.state in OPEN_STATES:
                exception.action_resolve(detail or note)
            if done:
                solved |= exception
        still = exceptions - solved
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Reprocessed"),
                "message": self.env._(
                    "%(solved)s of %(total)s solved; %(still)s still open.",
                    solved=len(solved),
                    total=len(exceptions),
                    still=len(still),
                ),
                "type": "success" if not still else "warning",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _reprocess_waiting(self, exceptions, now_limit=50):
        """Reprocess ``exceptions`` (all waiting for one fix): the first
        ``now_limit`` at once, the others by :meth:`_cron_retry` soon after.

        :return: the exceptions solved now
        """
        exceptions = exceptions.filtered(lambda e: e.state in OPEN_STATES)
        later = exceptions[now_limit:]
        if later:
            later.write({"next_retry_at": fields.Datetime.now()})
            cron = self.env.ref(
                "integration_core.ir_cron_integration_exception_retry",
                raise_if_not_found=False,
            )
            if cron:
                cron._trigger()
        return exceptions[:now_limit]._reprocess_many(
            self.env._("Reprocessed after the fix.")
        )

    @api.model
    def _cron_retry(self, batch_size=200):
        """Retry what is due: transient classes with backoff and a cap, and
        exceptions whose fix was made (their retry is due at once)."""
        now = fields.Datetime.now()
        cap = config_param(
            self.env, "integration_core.exception_retry_max", 5, minimum=0
        )
        due = self.sudo().search(
            [
                ("state", "in", OPEN_STATES),
                ("next_retry_at", "<=", now),
                ("source_model", "!=", False),
            ],
            order="next_retry_at, id",
            limit=batch_size,
        )
        for exception in due:
            transient = exception.kind in TRANSIENT_KINDS
            if transient and exception.retry_count >= cap:
                exception.next_retry_at = False
                continue
            done, detail = exception._try_reprocess()
            if done:
                exception._auto_resolve(
                    detail or self.env._("Solved by an automatic retry.")
                )
                exception.next_retry_at = False
                continue
            attempts = exception.retry_count + 1
            vals = {"retry_count": attempts, "next_retry_at": False}
            if transient and attempts < cap:
                vals["next_retry_at"] = now + timedelta(seconds=retry_delay(attempts))
            exception.write(vals)
            if transient and attempts >= cap:
                exception.message_post(
                    body=self.env._(
                        "Retried %(count)s times without success: %(detail)s",
                        count=attempts,
                        detail=detail or "-",
                    )
                )
        return due
