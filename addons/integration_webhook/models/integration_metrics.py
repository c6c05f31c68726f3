from odoo import api, models
from odoo.tools import SQL

from odoo.addons.integration_core.models.integration_metrics import CounterSource
from odoo.addons.integration_core.tools.prometheus import Family

SUBSCRIPTION = {"subscription": ("integration.subscription", "name")}


class IntegrationMetrics(models.AbstractModel):
    """Webhook deliveries in ``/metrics``: attempts and final outcomes
    (counters, from the append-only attempts), backlog and its oldest age
    (gauges, from the partial index of pending deliveries)."""

    _inherit = "integration.metrics"

    @api.model
    def _metrics_sources(self):
        sources = super()._metrics_sources()
        sources.append(
            CounterSource(
                key="delivery_attempts",
                table="integration_delivery_attempt",
                query=lambda id_range: SQL(
                    """
                    WITH attempt AS (
                        SELECT a.outcome, d.subscription_id
                          FROM (SELECT delivery_id, outcome
                                  FROM integration_delivery_attempt WHERE %s) a
                          JOIN integration_delivery d ON d.id = a.delivery_id
                    )
                    SELECT 'integration_delivery_attempts_total',
                           jsonb_build_object('subscription', subscription_id,
                                              'outcome', outcome),
                           count(*)
                      FROM attempt GROUP BY subscription_id, outcome
                    UNION ALL
                    SELECT 'integration_deliveries_total',
                           jsonb_build_object(
                               'subscription', subscription_id,
                               'outcome', CASE outcome WHEN 'success' THEN 'delivered'
                                                       WHEN 'gone' THEN 'gone'
                                                       ELSE 'failed' END),
                           count(*)
                      FROM attempt WHERE outcome <> 'retry'
                     GROUP BY subscription_id, outcome
                    """,
                    id_range,
                ),
                families=[
                    (
                        "integration_delivery_attempts_total",
                        "counter",
                        "Webhook delivery attempts, by subscription and outcome "
                        "(success, retry, failed, gone).",
                    ),
                    (
                        "integration_deliveries_total",
                        "counter",
                        "Webhook deliveries that ended, by subscription and outcome "
                        "(delivered; failed: no retry left; gone: the endpoint "
                        "answered 410).",
                    ),
                ],
                names=SUBSCRIPTION,
            )
        )
        return sources

    @api.model
    def _metrics_families(self):
        families = super()._metrics_families()
        families.extend(self._metrics_delivery_backlog())
        return families

    @api.model
    def _metrics_delivery_backlog(self):
        """Pending deliveries per subscription and the age of the oldest:
        an index-only scan of ``integration_delivery_due_idx`` (pending rows
        only) and one primary-key lookup per subscription."""
        cr = self.env.cr
        self.env["integration.delivery"].flush_model(["state"])
        cr.execute(
            """
            SELECT subscription_id, count(*), min(id)
              FROM integration_delivery WHERE state = 'pending'
             GROUP BY subscription_id
            """
        )
        rows = cr.fetchall()
        ages = {}
        if rows:
            cr.execute(
                """
                SELECT subscription_id,
                       EXTRACT(EPOCH FROM (now() at time zone 'UTC') - create_date)
                  FROM integration_delivery WHERE id IN %s
                """,
                (tuple(row[2] for row in rows),),
            )
            ages = {sub: max(0.0, float(age or 0)) for sub, age in cr.fetchall()}
        names = self._metrics_names(
            "integration.subscription", "name", {row[0] for row in rows}
        )
        backlog, oldest = [], []
        for subscription_id, count, _first in rows:
            labels = self._named("subscription", subscription_id, names)
            backlog.append(("", labels, count))
            oldest.append(("", labels, round(ages.get(subscription_id, 0.0), 3)))
        return [
            Family(
                "integration_delivery_backlog",
                "gauge",
                "Webhook deliveries waiting to be sent (pending), by subscription.",
                backlog,
            ),
            Family(
                "integration_delivery_backlog_oldest_seconds",
                "gauge",
                "Age of the oldest pending webhook delivery, by subscription.",
                oldest,
            ),
        ]
