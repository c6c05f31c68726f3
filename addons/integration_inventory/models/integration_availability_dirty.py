import logging
from datetime import timedelta

from psycopg2.extras import execute_values

from odoo import api, fields, models

from odoo.addons.integration_core.tools import pg

_logger = logging.getLogger(__name__)

PENDING = "integration_inventory.availability_dirty"
DRAIN_IDENTITY = "integration_inventory.availability_drain"
WINDOW_PARAM = "integration_inventory.availability_window_seconds"
DEFAULT_WINDOW = 2
DRAIN_BATCH = 5000
# pg_advisory_xact_lock(class, key): one availability drain at a time, so
# two drains never compare against the same last figures
LOCK_KEY = 1


class IntegrationAvailabilityDirty(models.Model):
    """The dirty set of availability: (product, warehouse) pairs whose stock
    changed and that no ``availability.changed`` event has reported yet.

    A stock change writes its pairs in its own transaction, at commit time
    (so a rollback announces nothing and a crash after commit loses
    nothing), together with a drain job due one coalescing window later.
    Further changes of the same pairs before the drain runs only find their
    row there: a burst of moves gives one event per subject and window, with
    the figures as they are when the drain builds it.
    """

    _name = "integration.availability.dirty"
    _description = "Integration Availability Change (not yet announced)"
    _log_access = False
    _order = "id"

    product_id = fields.Many2one("product.product", required=True, ondelete="cascade")
    warehouse_id = fields.Many2one("stock.warehouse", required=True, ondelete="cascade")
    changed_at = fields.Datetime(
        required=True,
        help="When the earliest change not yet announced was committed.",
    )

    _sql_constraints = [
        (
            "product_warehouse_uniq",
            "unique(product_id, warehouse_id)",
            "A product and warehouse are dirty once.",
        )
    ]

    # ------------------------------------------------------------------
    # Marking, in the stock change's transaction
    # ------------------------------------------------------------------
    @api.model
    def _mark(self, pairs):
        """Remember that ``pairs`` ((product id, warehouse id)) changed; they
        are written at commit time, once per transaction."""
        pairs = {(p, w) for p, w in pairs if p and w}
        if not pairs or self.env.context.get("integration_no_events"):
            return
        precommit = self.env.cr.precommit
        pending = precommit.data.get(PENDING)
        if pending is None:
            pending = precommit.data[PENDING] = set()
            env = self.env

            @precommit.add
            def write_dirty():
                env["integration.availability.dirty"]._write_dirty(
                    precommit.data.pop(PENDING, set())
                )

        pending.update(pairs)

    @api.model
    def _write_dirty(self, pairs):
        if not pairs or not self._publishing_warehouse_ids():
            return
        wanted = self._publishing_warehouse_ids()
        rows = sorted((p, w) for p, w in pairs if w in wanted)
        if not rows:
            return
        execute_values(
            self.env.cr._obj,
            "INSERT INTO integration_availability_dirty (product_id, warehouse_id, changed_at) "
            "SELECT v.product_id, v.warehouse_id, clock_timestamp() AT TIME ZONE 'UTC' "
            "FROM (VALUES %s) AS v (product_id, warehouse_id) "
            "JOIN product_product p ON p.id = v.product_id "
            "JOIN stock_warehouse w ON w.id = v.warehouse_id "
            "ON CONFLICT (product_id, warehouse_id) DO NOTHING",
            rows,
        )
        self._enqueue_drain()
        self.env.flush_all()  # the commit does not flush after precommit hooks

    @api.model
    def _publishing_warehouse_ids(self):
        """Warehouses that feed a channel publishing availability (one query)."""
        cr = self.env.cr
        cr.execute(
            """
            SELECT DISTINCT COALESCE(rel.warehouse_id, w.id)
              FROM integration_system s
         LEFT JOIN integration_system_availability_warehouse_rel rel ON rel.system_id = s.id
         LEFT JOIN stock_warehouse w ON rel.system_id IS NULL AND w.company_id = s.company_id
             WHERE s.availability_publish AND s.active AND s.state = 'active'
            """
        )
        return {row[0] for row in cr.fetchall() if row[0]}

    @api.model
    def _window(self):
        value = self.env["ir.config_parameter"].sudo().get_param(WINDOW_PARAM)
        try:
            return (
                max(0.0, float(value))
                if value not in (None, False, "")
                else DEFAULT_WINDOW
            )
        except ValueError:
            return DEFAULT_WINDOW

    @api.model
    def _enqueue_drain(self, delay=None):
        """A drain due one window from now, unless one is waiting already
        (queue_job's identity key: a waiting drain will see these rows)."""
        seconds = self._window() if delay is None else delay
        self.sudo().with_delay(
            eta=fields.Datetime.now() + timedelta(seconds=seconds),
            identity_key=DRAIN_IDENTITY,
            description="Announce availability changes",
        )._drain()

    # ------------------------------------------------------------------
    # Drain (queue job)
    # ------------------------------------------------------------------
    def _drain(self, batch_size=DRAIN_BATCH):
        """Announce what the dirty set holds: one ``availability.changed``
        event per channel, product and warehouse whose figures differ from
        the ones last announced. Idempotent; one drain at a time."""
        cr = self.env.cr
        cr.execute(
            "SELECT pg_try_advisory_xact_lock(%s, %s)",
            (pg.LOCK_AVAILABILITY_DRAIN, LOCK_KEY),
        )
        if not cr.fetchone()[0]:
            self._enqueue_drain()
            return "another drain is running: rescheduled"
        cr.execute(
            """
            DELETE FROM integration_availability_dirty
             WHERE id IN (SELECT id FROM integration_availability_dirty
                           ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED)
         RETURNING product_id, warehouse_id, changed_at
            """,
            (batch_size,),
        )
        rows = cr.fetchall()
        if not rows:
            return "nothing changed"
        changed = {(product, warehouse): at for product, warehouse, at in rows}
        events = self.env["integration.availability.state"]._announce(changed)
        if len(rows) >= batch_size:
            self._enqueue_drain(delay=0)
        return f"{len(events)} events for {len(rows)} changed products and warehouses"

    @api.model
    def _cron_enqueue_stale(self):
        """Safety net: a change committed while a drain was about to start
        may find no drain waiting; this cron gives it one."""
        limit = fields.Datetime.now() - timedelta(seconds=self._window() + 30)
        if self.search_count([("changed_at", "<", limit)], limit=1):
            self._enqueue_drain(delay=0)
