from datetime import timedelta

from odoo import api, fields, models

from ..tools import sla

MEASURE_SELECTION = [
    ("order_acceptance", "Order acceptance lag"),
    ("shipment_confirmation", "Shipment confirmation delay"),
    ("inventory_freshness", "Inventory freshness"),
    ("partner_ack", "Partner acknowledgement"),
    ("release_ack", "Warehouse release acknowledgement"),
    ("exception_backlog", "Exception backlog by age"),
]


class IntegrationSlaMeasure(models.Model):
    """One bucket of the business SLA time series of a partner system.

    Hourly buckets are measured from the records the suite keeps (deliveries,
    orders, pickings, exceptions) by an hourly cron that re-measures the last
    ``integration_cockpit.sla_lookback_hours`` hours, so late deliveries land
    in the bucket of their origin; older buckets are left alone, which is why
    the series survives the purge of the detail rows. Daily buckets are rolled
    up from the hourly ones.
    """

    _name = "integration.sla.measure"
    _description = "Integration SLA Measure"
    _order = "bucket_start desc, system_id, measure"
    _rec_name = "measure"

    system_id = fields.Many2one(
        "integration.system",
        string="Partner system",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    measure = fields.Selection(MEASURE_SELECTION, required=True, readonly=True)
    granularity = fields.Selection(
        [("hour", "Hour"), ("day", "Day")], required=True, readonly=True
    )
    bucket_start = fields.Datetime(string="From", required=True, readonly=True)
    target_seconds = fields.Float(string="Target (s)", readonly=True, aggregator="max")
    samples = fields.Integer(readonly=True, help="What was measured in the bucket.")
    within = fields.Integer(string="Within target", readonly=True)
    missed = fields.Integer(compute="_compute_missed", store=True, readonly=True)
    attainment = fields.Float(
        string="Attainment (%)",
        readonly=True,
        aggregator="avg",
        help="Within target / samples. Pivot totals average the buckets: read "
        "the sums of Within target and Samples for the exact share.",
    )
    value_count = fields.Integer(string="Measured values", readonly=True)
    value_avg = fields.Float(string="Average (s)", readonly=True, aggregator="avg")
    value_max = fields.Float(string="Worst (s)", readonly=True, aggregator="max")

    _sql_constraints = [
        (
            "bucket_uniq",
            "unique(system_id, measure, granularity, bucket_start)",
            "One bucket per system, measure, granularity and start.",
        )
    ]

    @api.depends("samples", "within")
    def _compute_missed(self):
        for bucket in self:
            bucket.missed = bucket.samples - bucket.within

    # ------------------------------------------------------------------
    # Writing the series
    # ------------------------------------------------------------------
    @api.model
    def _store(self, system, measure, granularity, rows, target):
        """Upsert ``{bucket_start: (samples, within, value_count, avg, max)}``."""
        if not rows:
            return self.browse()
        existing = {
            bucket.bucket_start: bucket
            for bucket in self.search(
                [
                    ("system_id", "=", system.id),
                    ("measure", "=", measure),
                    ("granularity", "=", granularity),
                    ("bucket_start", "in", list(rows)),
                ]
            )
        }
        to_create = []
        stored = self.browse()
        for start, (samples, within, counted, avg, worst) in rows.items():
            vals = {
                "samples": samples,
                "within": within,
                "attainment": sla.attainment(samples, within) or 0.0,
                "value_count": counted,
                "value_avg": avg,
                "value_max": worst,
                "target_seconds": target,
            }
            if start in existing:
                existing[start].write(vals)
                stored |= existing[start]
            else:
                to_create.append(
                    dict(
                        vals,
                        system_id=system.id,
                        company_id=system.company_id.id,
                        measure=measure,
                        granularity=granularity,
                        bucket_start=start,
                    )
                )
        return stored | self.create(to_create)

    @api.model
    def _measure_system(self, system, now, lookback_hours):
        """Measure ``system``'s hourly buckets of the lookback window and roll
        the days they touch up."""
        meter = self.env["integration.sla.meter"]
        start = sla.hour_floor(now - timedelta(hours=lookback_hours))
        for measure in meter._measures():
            target = system._cockpit_target_seconds(measure)
            if target <= 0:
                continue
            rows = meter._measure(measure, system, start, now, target)
            self._store(system, measure, "hour", rows, target)
            days = {sla.day_floor(bucket) for bucket in rows}
            if days:
                self._roll_up_days(system, measure, days, target)

    @api.model
    def _roll_up_days(self, system, measure, days, target):
        rows = {}
        for day in days:
            hours = self.search(
                [
                    ("system_id", "=", system.id),
                    ("measure", "=", measure),
                    ("granularity", "=", "hour"),
                    ("bucket_start", ">=", day),
                    ("bucket_start", "<", day + timedelta(days=1)),
                ]
            )
            rows[day] = sla.merge_buckets(
                [
                    (h.samples, h.within, h.value_count, h.value_avg, h.value_max)
                    for h in hours
                ]
            )
        self._store(system, measure, "day", rows, target)

    # ------------------------------------------------------------------
    # Enforcing it
    # ------------------------------------------------------------------
    @api.model
    def _check_breaches(self, system, now):
        """One open ``sla_breach`` exception per system and measure while the
        measure misses its target; resolved when it is met again."""
        Exception_ = self.env["integration.exception"].sudo()
        labels = dict(MEASURE_SELECTION)
        meter = self.env["integration.sla.meter"]
        for measure in meter._measures():
            fingerprint = f"sla:{system.id}:{measure}"
            target = system._cockpit_target_seconds(measure)
            since = (
                sla.hour_floor(now)
                if meter._is_snapshot(measure)
                else now - timedelta(hours=24)
            )
            samples, within = 0, 0
            if target > 0:
                groups = self._read_group(
                    [
                        ("system_id", "=", system.id),
                        ("measure", "=", measure),
                        ("granularity", "=", "hour"),
                        ("bucket_start", ">=", sla.hour_floor(since)),
                    ],
                    [],
                    ["samples:sum", "within:sum"],
                )
                samples, within = groups[0] if groups else (0, 0)
            share = sla.attainment(samples, within)
            if target > 0 and sla.is_breach(
                samples, within, system.sla_attainment_target, system.sla_min_samples
            ):
                Exception_.report(
                    kind="sla_breach",
                    title=self.env._(
                        "%(system)s: %(measure)s missed its target",
                        system=system.name,
                        measure=labels.get(measure, measure),
                    ),
                    detail=self.env._(
                        "%(within)s of %(samples)s within %(target)s: %(share)s%% "
                        "(target %(wanted)s%%), measured %(now)s UTC.",
                        within=within,
                        samples=samples,
                        target=sla.format_duration(target),
                        share=share,
                        wanted=system.sla_attainment_target,
                        now=fields.Datetime.to_string(now),
                    ),
                    fingerprint=fingerprint,
                    system=system,
                    severity="high",
                    suggested_fix=self.env._(
                        "Open the SLA measures of the system (graph by hour) to see "
                        "when it started, then the interface monitor for the "
                        "deliveries or messages that were late."
                    ),
                )
            else:
                open_breach = Exception_.search(
                    [
                        ("fingerprint", "=", fingerprint),
                        ("state", "in", ("new", "in_progress")),
                    ]
                )
                if open_breach:
                    open_breach.action_resolve(
                        self.env._(
                            "Target met again: %(share)s%% at %(now)s UTC.",
                            share=share if share is not None else 100.0,
                            now=fields.Datetime.to_string(now),
                        )
                    )

    @api.model
    def _cron_measure(self, now=None):
        """Hourly: measure every active system, then check its targets.

        :param now: the measuring time (tests pass constructed times)
        """
        now = now or fields.Datetime.now()
        lookback = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("integration_cockpit.sla_lookback_hours", 48)
        )
        measures = self.sudo()
        systems = (
            self.env["integration.system"].sudo().search([("state", "=", "active")])
        )
        for system in systems:
            measures._measure_system(system, now, lookback)
            measures._check_breaches(system, now)
        return True
