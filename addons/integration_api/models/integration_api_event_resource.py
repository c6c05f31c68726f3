"""``GET /api/v1/events``: the pull feed, page by page, with opaque cursors."""

import base64
import binascii

from odoo import models

from ..tools.request import ApiError, ApiResult

CURSOR_PREFIX = "evt:"


def encode_cursor(event_id):
    """Opaque, URL-safe cursor for "after this event"."""
    return (
        base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{event_id}".encode())
        .decode()
        .rstrip("=")
    )


def decode_cursor(cursor):
    """The event id of a cursor; ``ApiError`` 400 when it is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if text.startswith(CURSOR_PREFIX):
            return int(text[len(CURSOR_PREFIX) :])
    except (binascii.Error, UnicodeDecodeError, ValueError):
        # not one of ours, whichever way it breaks: the same 400 below
        text = None
    raise ApiError(
        400,
        "Bad Request",
        "The 'after' cursor is not valid; use a 'next' value from a previous page.",
        problem_type="malformed-request",
        errors=[{"pointer": "/after", "detail": "invalid cursor"}],
    )


class IntegrationApiEventResource(models.AbstractModel):
    """The event feed: query and cursor in, a page of CloudEvents out.

    The page itself is ``integration.event._integration_feed_page``.
    """

    _name = "integration.api.event.resource"
    _description = "API resource: the event feed"

    def _api_feed(self, api_request):
        """``GET /events?after=&limit=&types=``."""
        query = api_request.query
        after = decode_cursor(query["after"]) if query.get("after") else 0
        events, has_more = self.env["integration.event"]._integration_feed_page(
            api_request.system,
            after=after,
            limit=query.get("limit") or 100,
            types=query.get("types") or None,
        )
        return ApiResult(
            200,
            {
                "items": [event.to_cloudevent() for event in events],
                "next": encode_cursor(events[-1].id)
                if events
                else query.get("after") or None,
                "has_more": has_more,
            },
        )
