from odoo import api, models
from odoo.tools import SQL


class IntegrationEvent(models.Model):
    """The pull feed's query; ``GET /api/v1/events`` serves it through
    ``integration.api.event.resource``."""

    _inherit = "integration.event"

    @api.model
    def _integration_feed_page(self, system, after=0, limit=100, types=None):
        """A page of the pull feed of ``system``: published events of its
        company that it may see (``event_feed_scope``), in id order, after
        the event id ``after``.

        Ids are handed out when rows are inserted, not when they commit: an
        event with a lower id may become visible after a higher one. A page
        therefore stops before the first event whose inserting transaction
        may still have older, uncommitted neighbours (``xmin`` not older
        than the oldest running transaction), so a cursor never skips one.

        :param types: event type codes to keep (``None``: all)
        :return: ``(events, has_more)``
        """
        self.env.cr.execute(
            SQL(
                """SELECT id, (age(xmin) = 0 OR age(xmin) > age(
                          mod(pg_snapshot_xmin(pg_current_snapshot())::text::bigint,
                              4294967296)::text::xid)) AS settled
                 FROM integration_event
                WHERE state = 'published' AND company_id = %(company)s AND id > %(after)s
                  AND (%(types)s::varchar[] IS NULL OR type = ANY(%(types)s::varchar[]))
                  AND (%(scope)s = 'company' OR system_id = %(system)s
                       OR (%(scope)s = 'own_and_shared' AND system_id IS NULL))
                ORDER BY id LIMIT %(limit)s""",
                company=system.company_id.id,
                after=after,
                types=types,
                scope=system.event_feed_scope,
                system=system.id,
                limit=limit + 1,
            )
        )
        rows = self.env.cr.fetchall()
        ids = []
        for event_id, settled in rows[:limit]:
            if not settled:
                break
            ids.append(event_id)
        return self.sudo().browse(ids), len(rows) > len(ids)
