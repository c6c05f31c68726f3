"""GET /api/v1/events: cursor paging over the outbox."""

from odoo.tests import tagged

from .common import ApiHttpCase


@tagged("-at_install", "post_install")
class TestEventFeed(ApiHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Event = cls.env["integration.event"]
        cls.before = Event.search([], order="id desc", limit=1).id or 0
        cls.events = Event.browse()
        for number in range(7):
            cls.events |= Event._emit(
                "integration.ping", {"message": f"m{number}"}, record=cls.system
            )
        partner_shop = cls.env["integration.system"].create(
            {"name": "Another shop", "code": "feed_other_shop", "state": "active"}
        )
        cls.other_systems = Event._emit(
            "integration.ping",
            {"message": "another shop's"},
            record=partner_shop,
            system=partner_shop,
        )
        cls.own = Event._emit(
            "integration.ping",
            {"message": "mine"},
            record=cls.system,
            system=cls.system,
        )
        other_company = cls.env["res.company"].create({"name": "Elsewhere"})
        cls.foreign = Event.with_company(other_company)._emit(
            "integration.ping",
            {"message": "not yours"},
            record=cls.env["res.partner"].create(
                {"name": "Foreign", "company_id": other_company.id}
            ),
        )

    def page(self, query):
        response = self.call("GET", f"/events?{query}")
        self.assertEqual(response.status_code, 200, response.text)
        return response.json()

    def start_cursor(self):
        """A cursor just before our events (the database may hold older ones)."""
        from ..models.integration_api_event_resource import encode_cursor

        return encode_cursor(self.before)

    def test_pages_through_every_event_exactly_once(self):
        seen, cursor, pages = [], self.start_cursor(), 0
        while True:
            page = self.page(f"limit=3&after={cursor}")
            seen += [item["id"] for item in page["items"]]
            cursor, pages = page["next"], pages + 1
            if not page["has_more"]:
                break
        self.assertEqual(seen, (self.events | self.own).sorted("id").mapped("uuid"))
        self.assertEqual(pages, 3)
        self.assertNotIn(self.other_systems.uuid, seen)
        self.assertNotIn(self.foreign.uuid, seen)
        # polling again with the last cursor returns nothing new, same cursor
        page = self.page(f"after={cursor}")
        self.assertEqual(
            (page["items"], page["next"], page["has_more"]), ([], cursor, False)
        )

    def test_items_are_cloudevents(self):
        item = self.page(f"limit=1&after={self.start_cursor()}")["items"][0]
        self.assertEqual(item["specversion"], "1.0")
        self.assertEqual(item["type"], "integration.ping")
        self.assertEqual(item["data"], {"message": "m0"})

    def test_type_filter(self):
        page = self.page(f"types=order.accepted,nothing&after={self.start_cursor()}")
        self.assertEqual(page["items"], [])
        page = self.page(
            f"types=integration.ping&after={self.start_cursor()}&limit=100"
        )
        self.assertEqual(len(page["items"]), 8)

    def feed_ids(self):
        page = self.page(f"after={self.start_cursor()}&limit=100")
        return {item["id"] for item in page["items"]}

    def test_scope_keeps_other_partners_events_out(self):
        """A partner never reads another partner's events (its customers'
        data) unless the admin made it a company-wide connector."""
        shared = set(self.events.mapped("uuid"))
        self.assertEqual(self.feed_ids(), shared | {self.own.uuid})
        self.system.event_feed_scope = "own"
        self.assertEqual(self.feed_ids(), {self.own.uuid})
        self.system.event_feed_scope = "company"
        self.assertEqual(
            self.feed_ids(), shared | {self.own.uuid, self.other_systems.uuid}
        )

    def test_bad_cursor_and_scope(self):
        problem = self.assertProblem(
            self.call("GET", "/events?after=!!nope"), 400, "malformed-request"
        )
        self.assertEqual(problem["errors"][0]["pointer"], "/after")
        _key, token = self.make_key(["orders:write"])
        self.assertProblem(self.call("GET", "/events", token=token), 403)
