import base64
import binascii

from odoo import api, models
from odoo.tools import SQL

from ..tools.request import ApiError, ApiResult

CURSOR_PREFIX = "evt:"


def encode_cursor(event_id):
    """Opaque, URL-safe cursor for "after this event"."""
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{event_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor):
    """The event id of a cursor; ``ApiError`` 400 when it is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if text.startswith(CURSOR_PREFIX):
            return int(text[len(CURSOR_PREFIX):])
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise ApiError(400, "Bad Request", "The 'after' cursor is not valid; use a 'next' value "
                   "from a previous page.", problem_type="malformed-request",
                   errors=[{"pointer": "/after", "detail": "invalid cursor"}])


class IntegrationEvent(models.Model):
    _inherit = "integration.event"

    @api.model
    def _api_events_feed(self, api_request):
        """``GET /api/v1/events``: published events of the key's company that
        its system may see (``event_feed_scope``), in id order.

        Ids are handed out when rows are inserted, not when they commit: an
        event with a lower id may become visible after a higher one. A page
        therefore stops before the first event whose inserting transaction
        may still have older, uncommitted neighbours (``xmin`` not older
        than the oldest running transaction), so a cursor never skips one.
        """
        query = api_request.query
        after = decode_cursor(query["after"]) if query.get("after") else 0
        limit = query.get("limit") or 100
        system = api_request.system
        types = query.get("types") or None
        self.env.cr.execute(SQL(
            """SELECT id, (age(xmin) = 0 OR age(xmin) > age(
                          mod(pg_snapshot_xmin(pg_current_snapshot())::text::bigint,
                              4294967296)::text::xid)) AS settled
                 FROM integration_event
                WHERE state = 'published' AND company_id = %(company)s AND id > %(after)s
                  AND (%(types)s::varchar[] IS NULL OR type = ANY(%(types)s::varchar[]))
                  AND (%(scope)s = 'company' OR system_id = %(system)s
                       OR (%(scope)s = 'own_and_shared' AND system_id IS NULL))
                ORDER BY id LIMIT %(limit)s""",
            company=system.company_id.id, after=after, types=types,
            scope=system.event_feed_scope, system=system.id, limit=limit + 1,
        ))
        rows = self.env.cr.fetchall()
        ids = []
        for event_id, settled in rows[:limit]:
            if not settled:
                break
            ids.append(event_id)
        has_more = len(rows) > len(ids)
        events = self.sudo().browse(ids)
        return ApiResult(200, {
            "items": [event.to_cloudevent() for event in events],
            "next": encode_cursor(ids[-1]) if ids else query.get("after") or None,
            "has_more": has_more,
        })
