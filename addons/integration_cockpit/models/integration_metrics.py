from odoo import api, fields, models

from odoo.addons.integration_core.tools.prometheus import Family


class IntegrationMetrics(models.AbstractModel):
    """The business SLA measures on ``/metrics``: today's daily bucket of
    each system and measure (attainment and its sample counts), read from
    the time series the hourly cron keeps, never from the detail rows."""

    _inherit = "integration.metrics"

    @api.model
    def _metrics_families(self):
        families = super()._metrics_families()
        families.extend(self._metrics_sla_today())
        return families

    @api.model
    def _metrics_sla_today(self):
        # today's buckets only: a range of the bucket_uniq index per system
        self.env["integration.sla.measure"].flush_model()
        today = fields.Datetime.to_datetime(fields.Date.today())
        self.env.cr.execute(
            """
            SELECT system_id, measure, attainment, samples, within
              FROM integration_sla_measure
             WHERE granularity = 'day' AND bucket_start >= %s
            """,
            (today,),
        )
        rows = self.env.cr.fetchall()
        systems = self._metrics_names(
            "integration.system", "code", {row[0] for row in rows}
        )
        attainment, samples, within = [], [], []
        for system_id, measure, ratio, count, good in rows:
            labels = {"measure": measure, **self._named("system", system_id, systems)}
            if count:
                attainment.append(("", labels, (ratio or 0.0) / 100.0))
            samples.append(("", labels, count or 0))
            within.append(("", labels, good or 0))
        return [
            Family(
                "integration_sla_attainment_ratio",
                "gauge",
                "Today's share of samples within the system's SLA target, by measure.",
                attainment,
            ),
            Family(
                "integration_sla_samples_today",
                "gauge",
                "What was measured today for each SLA measure.",
                samples,
            ),
            Family(
                "integration_sla_within_target_today",
                "gauge",
                "Today's samples within the SLA target.",
                within,
            ),
        ]
