from odoo import api, models
from odoo.tools import SQL

from ..tools.sla import hour_floor

# The origin of each delivery-based measure: when the clock started. The
# delivery's ``delivered_at`` (the partner answered 2xx) stops it.
DELIVERY_MEASURES = {
    # received by the API (the kept message, when the order came through one)
    # -> confirmed -> order.accepted delivered
    "order_acceptance": {
        "event_type": "order.accepted",
        "join": SQL(
            """
            JOIN sale_order so ON e.res_model = 'sale.order' AND so.id = e.res_id
            LEFT JOIN LATERAL (
                SELECT min(m.create_date) AS received_at
                  FROM integration_api_message m
                 WHERE m.res_model = 'sale.order' AND m.res_ids = so.id::text
            ) received ON TRUE
            """
        ),
        "origin": SQL("LEAST(so.create_date, received.received_at)"),
    },
    # picking done -> shipment.dispatched delivered
    "shipment_confirmation": {
        "event_type": "shipment.dispatched",
        "join": SQL(
            "JOIN stock_picking p ON e.res_model = 'stock.picking' AND p.id = e.res_id"
        ),
        "origin": SQL("p.date_done"),
    },
    # stock change committed -> availability.changed delivered
    "inventory_freshness": {
        "event_type": "availability.changed",
        "join": SQL(),
        "origin": SQL("COALESCE(d.stock_changed_at, e.time)"),
    },
    # any event -> the partner's 2xx
    "partner_ack": {
        "event_type": None,
        "join": SQL(),
        "origin": SQL("d.create_date"),
    },
}


class IntegrationSlaMeter(models.AbstractModel):
    """How each business SLA measure is read from the suite's records.

    A module that adds a measure adds its key to
    ``integration.sla.measure.measure`` (``selection_add``), a target to
    ``integration.system._cockpit_sla_targets`` and its reading here
    (override :meth:`_measures` and :meth:`_measure`).
    """

    _name = "integration.sla.meter"
    _description = "Integration SLA Meter"

    @api.model
    def _measures(self):
        return [*DELIVERY_MEASURES, "release_ack", "exception_backlog"]

    @api.model
    def _is_snapshot(self, measure):
        """Snapshot measures describe "now" and are only stored for the
        current hour: the past cannot be read back from the records."""
        return measure == "exception_backlog"

    @api.model
    def _measure(self, measure, system, start, now, target):
        """``{hour: (samples, within, value_count, value_avg, value_max)}``
        of ``system`` for origins in ``[start, now)``.

        :param target: the target in seconds
        """
        if measure in DELIVERY_MEASURES:
            return self._measure_deliveries(
                DELIVERY_MEASURES[measure], system, start, now, target
            )
        if measure == "release_ack":
            return self._measure_release_acks(system, start, now, target)
        if measure == "exception_backlog":
            return self._measure_exception_backlog(system, now, target)
        return {}

    @api.model
    def _measure_release_acks(self, system, start, now, target):
        """Warehouse releases to ``system`` per hour of their release: an
        answer (accepted or rejected) within the window is within; a late
        one, or none once the window has passed, missed; none yet inside the
        window is not decided. A superseded release counts as it was."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            WITH decided AS (
                SELECT released_at AS origin, acknowledged_at,
                       EXTRACT(EPOCH FROM acknowledged_at - released_at) AS lag
                  FROM integration_shipment_release
                 WHERE system_id = %(system)s
                   AND released_at >= %(start)s AND released_at < %(now)s
                   AND (acknowledged_at IS NOT NULL
                        OR released_at + %(target)s * INTERVAL '1 second' <= %(now)s)
            )
            SELECT date_trunc('hour', origin),
                   count(*),
                   count(*) FILTER (WHERE lag <= %(target)s),
                   count(acknowledged_at),
                   COALESCE(avg(GREATEST(lag, 0)), 0),
                   COALESCE(max(GREATEST(lag, 0)), 0)
              FROM decided
             GROUP BY 1
            """,
            {"system": system.id, "start": start, "now": now, "target": target},
        )
        return {
            hour: (samples, within, counted, float(avg), float(worst))
            for hour, samples, within, counted, avg, worst in self.env.cr.fetchall()
        }

    @api.model
    def _measure_deliveries(self, definition, system, start, now, target):
        """Deliveries to ``system``, per hour of their origin.

        A delivery answered 2xx within the target is within; one answered
        later, dead, or still pending past the target missed; one still
        pending inside its target is not decided yet and waits for the next
        run. Test deliveries and shadow ones are not the partner's doing.
        """
        self.env.flush_all()
        type_filter = (
            SQL("AND e.type = %s", definition["event_type"])
            if definition["event_type"]
            else SQL()
        )
        query = SQL(
            """
            WITH samples AS (
                SELECT %(origin)s AS origin, d.state, d.delivered_at
                  FROM integration_delivery d
                  JOIN integration_event e ON e.id = d.event_id
                  %(join)s
                 WHERE d.system_id = %(system)s
                   AND d.is_test IS NOT TRUE
                   AND d.state IN ('pending', 'delivered', 'dead')
                   %(type_filter)s
            ), decided AS (
                SELECT origin, state, delivered_at,
                       EXTRACT(EPOCH FROM delivered_at - origin) AS lag
                  FROM samples
                 WHERE origin >= %(start)s AND origin < %(now)s
                   AND (state = 'delivered'
                        OR origin + %(target)s * INTERVAL '1 second' <= %(now)s)
            )
            SELECT date_trunc('hour', origin),
                   count(*),
                   count(*) FILTER (WHERE state = 'delivered' AND lag <= %(target)s),
                   count(*) FILTER (WHERE state = 'delivered'),
                   COALESCE(avg(GREATEST(lag, 0)) FILTER (WHERE state = 'delivered'), 0),
                   COALESCE(max(GREATEST(lag, 0)) FILTER (WHERE state = 'delivered'), 0)
              FROM decided
             GROUP BY 1
            """,
            origin=definition["origin"],
            join=definition["join"],
            type_filter=type_filter,
            system=system.id,
            start=start,
            now=now,
            target=target,
        )
        self.env.cr.execute(query)
        return {
            hour: (samples, within, counted, float(avg), float(worst))
            for hour, samples, within, counted, avg, worst in self.env.cr.fetchall()
        }

    @api.model
    def _measure_exception_backlog(self, system, now, target):
        """Open exceptions of ``system`` now: within = younger than the target."""
        self.env["integration.exception"].flush_model()
        self.env.cr.execute(
            """
            SELECT count(*),
                   count(*) FILTER (WHERE first_seen > %(now)s - %(target)s * INTERVAL '1 second'),
                   COALESCE(avg(EXTRACT(EPOCH FROM %(now)s - first_seen)), 0),
                   COALESCE(max(EXTRACT(EPOCH FROM %(now)s - first_seen)), 0)
              FROM integration_exception
             WHERE system_id = %(system)s AND state IN ('new', 'in_progress')
               AND kind != 'sla_breach' AND first_seen <= %(now)s
            """,
            {"system": system.id, "now": now, "target": target},
        )
        samples, within, avg, worst = self.env.cr.fetchone()
        if not samples:
            return {}
        return {hour_floor(now): (samples, within, samples, float(avg), float(worst))}
