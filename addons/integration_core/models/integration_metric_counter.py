from odoo import fields, models


class IntegrationMetricCounter(models.Model):
    """The rolled-up part of a ``/metrics`` counter: one row per series and
    label set, incremented by the rollup cron (``integration.metrics``).

    Counters live here, not in the detail tables: a scrape reads these few
    rows plus the rows written since the last rollup, never the million
    deliveries behind them, and the totals survive the retention that deletes
    old detail rows. Labels are the raw values (record ids), named when a
    scrape renders them, so renaming a subscription does not split its series.
    """

    _name = "integration.metric.counter"
    _description = "Integration Metric Counter"
    _order = "series, labels"
    _log_access = False

    source = fields.Char(required=True, readonly=True, index=True)
    series = fields.Char(required=True, readonly=True)
    labels = fields.Char(
        required=True, readonly=True, help="Canonical JSON of the raw label values."
    )
    value = fields.Float(readonly=True)

    _sql_constraints = [
        (
            "series_labels_uniq",
            "unique(source, series, labels)",
            "One row per series and label set.",
        )
    ]

    def init(self):
        # what a scrape reads of the exceptions: the open ones, index-only
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS integration_metric_exception_open_idx
                ON integration_exception (kind, system_id)
             WHERE state IN ('new', 'in_progress')
            """
        )
