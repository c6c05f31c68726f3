"""``/metrics``: the families every module adds to, and the counter rollup.

Two kinds of numbers:

* **Counters** (events by type, attempts by outcome, API requests...) come
  from append-only tables. A module declares a :class:`CounterSource` (its
  table and one aggregate query over an id range); the rollup cron adds the
  rows of safe id ranges into ``integration.metric.counter`` and a scrape
  adds the few rows written since (an index range scan on the primary key).
  So a scrape never scans the detail tables, and the totals survive their
  retention.
* **Gauges** (backlog, open exceptions, SLA measures) are the present state:
  a module returns them from :meth:`IntegrationMetrics._metrics_families`,
  each from a query that an index (usually partial, over the few open rows)
  answers.

Extend with ``_inherit = "integration.metrics"``::

    def _metrics_families(self):
        families = super()._metrics_families()
        families.append(Family("my_gauge", "gauge", "Help.", [("", {}, 1)]))
        return families
"""

import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from odoo import api, models
from odoo.tools import SQL

from ..tools.prometheus import Family, histogram_samples, render
from .integration_exception import OPEN_STATES

_logger = logging.getLogger(__name__)

# names of label records during a scrape (cursor cache key)
NAMES_CACHE = "integration_metrics_names"

# One rollup at a time (pg advisory lock key, "imet").
LOCK_METRICS_ROLLUP = 0x696D6574


@dataclass
class CounterSource:
    """Counters computed from an append-only table.

    :param key: unique name of the source
    :param table: the table; its ``id`` orders the rows
    :param query: ``query(id_range) -> SQL`` selecting ``(series, labels,
        value)`` rows (labels a ``jsonb`` object of raw values) restricted by
        the ``id_range`` condition (an ``SQL`` on the column ``id``)
    :param families: ``[(name, type, help)]``; a histogram ``name`` takes the
        series ``name:bucket`` (labels with ``le``: a bound or ``+Inf``,
        counts not cumulative) and ``name:sum``
    :param names: ``{label: (model, field)}``: a label whose raw value is a
        record id is rendered as that field, with the id as ``<label>_id``
    :param buckets: the finite bounds of the histograms, ascending
    """

    key: str
    table: str
    query: object
    families: list
    names: dict = field(default_factory=dict)
    buckets: tuple = ()


class IntegrationMetrics(models.AbstractModel):
    _name = "integration.metrics"
    _description = "Integration metrics (Prometheus)"

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------
    @api.model
    def _metrics_sources(self):
        """The counter sources; modules append theirs."""
        return [
            CounterSource(
                key="events",
                table="integration_event",
                query=lambda id_range: SQL(
                    """
                    SELECT 'integration_events_total', jsonb_build_object('type', type),
                           count(*)
                      FROM integration_event WHERE %s GROUP BY type
                    """,
                    id_range,
                ),
                families=[
                    (
                        "integration_events_total",
                        "counter",
                        "Events written to the outbox, by event type.",
                    )
                ],
            ),
            CounterSource(
                key="exceptions",
                table="integration_exception",
                query=lambda id_range: SQL(
                    """
                    SELECT 'integration_exceptions_total',
                           jsonb_build_object('kind', kind, 'system', system_id), count(*)
                      FROM integration_exception WHERE %s GROUP BY kind, system_id
                    """,
                    id_range,
                ),
                families=[
                    (
                        "integration_exceptions_total",
                        "counter",
                        "Exceptions raised (repeats of one fingerprint count once), "
                        "by kind and system.",
                    )
                ],
                names={"system": ("integration.system", "code")},
            ),
        ]

    @api.model
    def _metrics_families(self):
        """The gauges of the present state; modules append theirs
        (the cockpit module adds its SLA measures here)."""
        return [self._metrics_open_exceptions()]

    @api.model
    def _metrics_open_exceptions(self):
        # answered by integration_metric_exception_open_idx (see the counter model)
        self.env["integration.exception"].flush_model(["state", "kind", "system_id"])
        self.env.cr.execute(
            """
            SELECT kind, system_id, count(*)
              FROM integration_exception
             WHERE state IN %s
             GROUP BY kind, system_id
            """,
            (OPEN_STATES,),
        )
        rows = self.env.cr.fetchall()
        systems = self._metrics_names(
            "integration.system", "code", {r[1] for r in rows}
        )
        samples = []
        for kind, system_id, count in rows:
            labels = {"kind": kind or "", **self._named("system", system_id, systems)}
            samples.append(("", labels, count))
        return Family(
            "integration_exceptions_open",
            "gauge",
            "Open exceptions (new or in progress), by kind and system.",
            samples,
        )

    # ------------------------------------------------------------------
    # Scrape
    # ------------------------------------------------------------------
    @api.model
    def _metrics_text(self):
        """The whole exposition text of a scrape.

        Few round trips whatever the number of sources: one read of the
        rolled-up counters, one ``UNION ALL`` of every source's rows since
        its rollup, one query per label model, then the gauges.
        """
        sources = self._metrics_sources()
        totals = self._metrics_totals(sources)
        cache = self.env.cr.cache[NAMES_CACHE] = {}  # fresh names every scrape
        families = []
        for source in sources:
            families.extend(self._metrics_build(source, totals[source.key], cache))
        families.extend(self._metrics_families())
        del self.env.cr.cache[NAMES_CACHE]
        return render(families)

    def _metrics_cursors(self):
        self.env.cr.execute(
            "SELECT source, rolled_to_id FROM integration_metric_cursor"
        )
        return dict(self.env.cr.fetchall())

    def _metrics_totals(self, sources):
        """``{source key: {(series, labels json): value}}``: rolled up + live."""
        totals = {source.key: defaultdict(float) for source in sources}
        cr = self.env.cr
        cr.execute(
            "SELECT source, series, labels, value FROM integration_metric_counter"
        )
        for key, series, labels, value in cr.fetchall():
            if key in totals:
                totals[key][series, labels] += value
        # literal bounds: with a parameter the planner would guess a third of
        # the table and scan it whole
        cursors = self._metrics_cursors()
        live = [
            SQL(
                "SELECT %s, q.* FROM (%s) q",
                source.key,
                source.query(SQL("id > %s", cursors.get(source.key, 0))),
            )
            for source in sources
        ]
        if live:
            cr.execute(SQL(" UNION ALL ").join(live))
            for key, series, labels, value in cr.fetchall():
                canonical = json.dumps(labels or {}, sort_keys=True)
                totals[key][series, canonical] += float(value or 0)
        return totals

    def _metrics_query(self, source, above, up_to):
        """``(series, canonical labels, value)`` of the rows ``above < id <= up_to``."""
        if up_to is None:
            id_range = SQL("id > %s", above)
        else:
            id_range = SQL("id > %s AND id <= %s", above, up_to)
        self.env.cr.execute(source.query(id_range))
        return [
            (series, json.dumps(labels or {}, sort_keys=True), float(value or 0))
            for series, labels, value in self.env.cr.fetchall()
        ]

    def _metrics_build(self, source, totals, cache=None):
        """Families of one source from ``{(series, labels json): value}``.

        :param cache: ``{(model, field): {id: name}}`` shared by a scrape
        """
        raw = [
            (series, json.loads(labels), value)
            for (series, labels), value in totals.items()
        ]
        names = {
            label: self._metrics_names(
                model, field_name, {labels.get(label) for _s, labels, _v in raw}, cache
            )
            for label, (model, field_name) in source.names.items()
        }

        def display(labels):
            shown = {}
            for label, value in sorted(labels.items()):
                if label in names:
                    shown.update(self._named(label, value, names[label]))
                elif label != "le":
                    shown[label] = "" if value is None else str(value)
            return shown

        families = []
        for name, kind, help_text in source.families:
            if kind != "histogram":
                samples = [
                    ("", display(labels), _number(value))
                    for series, labels, value in sorted(raw, key=_sort_key)
                    if series == name
                ]
                families.append(Family(name, kind, help_text, samples))
                continue
            series_of = defaultdict(lambda: {"counts": {}, "over": 0, "sum": 0.0})
            for series, labels, value in raw:
                base = {k: v for k, v in labels.items() if k != "le"}
                key = json.dumps(base, sort_keys=True)
                if series == f"{name}:bucket":
                    bound = labels.get("le")
                    if bound == "+Inf":
                        series_of[key]["over"] += _number(value)
                    else:
                        bound = float(bound)
                        counts = series_of[key]["counts"]
                        counts[bound] = counts.get(bound, 0) + _number(value)
                elif series == f"{name}:sum":
                    series_of[key]["sum"] += value
            samples = []
            for key in sorted(series_of):
                item = series_of[key]
                samples.extend(
                    histogram_samples(
                        display(json.loads(key)),
                        [float(b) for b in source.buckets],
                        item["counts"],
                        item["over"],
                        item["sum"],
                    )
                )
            families.append(Family(name, kind, help_text, samples))
        return families

    @api.model
    def _metrics_names(self, model, field_name, ids, cache=None):
        """``{id: name}`` of the records ``ids``.

        During a scrape the label models (systems, subscriptions: small
        configuration tables) are read whole, once each.
        """
        if cache is None:
            cache = self.env.cr.cache.get(NAMES_CACHE)
        if cache is not None and (model, field_name) in cache:
            return cache[model, field_name]
        domain = (
            []
            if cache is not None
            else [("id", "in", [i for i in ids if isinstance(i, int)])]
        )
        if cache is None and not domain[0][2]:
            return {}
        records = (
            self.env[model]
            .sudo()
            .with_context(active_test=False)
            .search_fetch(domain, [field_name])
        )
        names = {r.id: r[field_name] or str(r.id) for r in records}
        if cache is not None:
            cache[model, field_name] = names
        return names

    @staticmethod
    def _named(label, value, names):
        if value is None:
            return {label: "", f"{label}_id": ""}
        return {label: names.get(value, str(value)), f"{label}_id": str(value)}

    # ------------------------------------------------------------------
    # Rollup (cron)
    # ------------------------------------------------------------------
    @api.model
    def _cron_rollup(self):
        """Move every source's safe id range into the counter table."""
        self.env.cr.execute(
            "SELECT pg_try_advisory_xact_lock(%s)", (LOCK_METRICS_ROLLUP,)
        )
        if not self.env.cr.fetchone()[0]:
            return 0
        moved = 0
        for source in self._metrics_sources():
            moved += self._metrics_rollup_source(source)
        return moved

    def _metrics_rollup_source(self, source):
        cr = self.env.cr
        cr.execute(
            "SELECT id, rolled_to_id, pending_to_id, pending_since "
            "FROM integration_metric_cursor WHERE source = %s",
            (source.key,),
        )
        row = cr.fetchone()
        if row is None:
            cr.execute(
                "INSERT INTO integration_metric_cursor (source, rolled_to_id) "
                "VALUES (%s, 0) RETURNING id, rolled_to_id, pending_to_id, pending_since",
                (source.key,),
            )
            row = cr.fetchone()
        cursor_id, rolled_to, pending_to, pending_since = row
        moved = 0
        if (
            pending_to
            and pending_to > rolled_to
            and self._metrics_settled(pending_since)
        ):
            rows = self._metrics_query(source, rolled_to, pending_to)
            for series, labels, value in rows:
                cr.execute(
                    """
                    INSERT INTO integration_metric_counter (source, series, labels, value)
                    VALUES (%s, %s, %s, %s)
                    ON CONFLICT (source, series, labels)
                    DO UPDATE SET value = integration_metric_counter.value + EXCLUDED.value
                    """,
                    (source.key, series, labels, value),
                )
            moved = len(rows)
            rolled_to = pending_to
            pending_to = None
        if not pending_to:
            cr.execute(
                SQL(
                    "SELECT last_value FROM %s",
                    SQL.identifier(f"{source.table}_id_seq"),
                )
            )
            high = cr.fetchone()[0]
            cr.execute(
                """
                UPDATE integration_metric_cursor
                   SET rolled_to_id = %s, pending_to_id = %s,
                       pending_since = clock_timestamp() at time zone 'UTC',
                       rolled_at = now() at time zone 'UTC'
                 WHERE id = %s
                """,
                (rolled_to, high if high > rolled_to else None, cursor_id),
            )
        return moved

    def _metrics_settled(self, since):
        """No other transaction of this database began at or before ``since``
        (then no row with an id allocated before it can still appear)."""
        # pg_stat_activity is read once per transaction unless cleared
        self.env.cr.execute("SELECT pg_stat_clear_snapshot()")
        self.env.cr.execute(
            """
            SELECT count(*) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()
               AND xact_start at time zone 'UTC' <= %s
            """,
            (since,),
        )
        return self.env.cr.fetchone()[0] == 0


def _number(value):
    return int(value) if float(value).is_integer() else value


def _sort_key(item):
    series, labels, _value = item
    return series, json.dumps(labels, sort_keys=True, default=str)
