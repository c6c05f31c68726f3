from odoo import fields, models


class IntegrationMetricCursor(models.Model):
    """How far the rollup of one counter source has gone.

    Rows with ``rolled_to_id < id`` are counted live by every scrape. A
    rollup cannot simply take every row below the current maximum id: a
    transaction still open may hold a lower id and commit later, and its row
    would never be counted. So a rollup takes two steps: it notes the
    highest id allocated so far (``pending_to_id``) and the moment
    (``pending_since``); a later rollup moves ``rolled_to_id`` there once no
    transaction that began before that moment is still open, since only
    those could still commit a row with such an id.
    """

    _name = "integration.metric.cursor"
    _description = "Integration Metric Rollup Cursor"
    _order = "source"
    _log_access = False

    source = fields.Char(required=True, readonly=True)
    rolled_to_id = fields.Integer(readonly=True, default=0)
    pending_to_id = fields.Integer(readonly=True)
    pending_since = fields.Datetime(readonly=True)
    rolled_at = fields.Datetime(readonly=True)

    _sql_constraints = [
        ("source_uniq", "unique(source)", "One cursor per counter source.")
    ]
