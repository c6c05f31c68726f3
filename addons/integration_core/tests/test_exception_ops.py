"""Exceptions that get resolved: classes, routing, notifications that do not
flood, escalation, automatic retry, access by team and company."""

from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user, tagged

from .common import IntegrationCase


@tagged("post_install", "-at_install")
class TestExceptionOperations(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk_a = new_test_user(
            cls.env, login="clerk_a", groups="integration_core.group_integration_user"
        )
        cls.clerk_b = new_test_user(
            cls.env, login="clerk_b", groups="integration_core.group_integration_user"
        )
        Team = cls.env["integration.exception.team"]
        cls.team_a = Team.create(
            {
                "name": "Sales desk",
                "member_ids": [fields.Command.set(cls.clerk_a.ids)],
                "leader_id": cls.integration_manager.id,
                "digest_interval": 24,
            }
        )
        cls.team_b = Team.create(
            {"name": "IT", "member_ids": [fields.Command.set(cls.clerk_b.ids)]}
        )
        Rule = cls.env["integration.exception.rule"]
        cls.rule_codes = Rule.create(
            {
                "name": "Unknown codes of the shop",
                "sequence": 1,
                "system_id": cls.system.id,
                "kind": "unmapped_code",
                "team_id": cls.team_a.id,
                "deadline_hours": 4,
            }
        )
        cls.rule_technical = Rule.create(
            {
                "name": "Technical problems",
                "sequence": 5,
                "audience": "technical",
                "team_id": cls.team_b.id,
                "user_id": cls.clerk_b.id,
                "deadline_hours": 0,
            }
        )

    def report(self, code="ABC-1", kind="unmapped_code", **kwargs):
        values = {
            "kind": kind,
            "title": f"Unknown SKU {code}",
            "fingerprint": f"test_shop:unmapped:product:{code}",
            "system": self.system,
        }
        values.update(kwargs)
        return self.env["integration.exception"].report(**values)

    def notifications(self, exception):
        return exception.message_ids.filtered(
            lambda m: m.message_type == "comment" and m.partner_ids
        )

    def test_every_kind_has_a_class_and_an_audience(self):
        exception = self.report()
        self.assertEqual(exception.audience, "business")
        dead = self.report(kind="dead_delivery", fingerprint="dead-deliveries:1")
        self.assertEqual(dead.audience, "technical")
        labels = dict(exception._fields["kind"].selection)
        for kind in (
            "unmapped_code",
            "missing_data",
            "invalid_payload",
            "business_rule",
            "connection",
            "intermittent",
            "rate_limit",
            "too_large",
            "duplicate",
            "dead_delivery",
            "sla_breach",
        ):
            self.assertIn(kind, labels)

    def test_duplicates_resolve_by_themselves(self):
        duplicate = self.report(
            kind="duplicate", fingerprint="dup:1", title="Sent twice"
        )
        self.assertEqual(duplicate.state, "resolved")
        self.assertTrue(duplicate.auto_resolved)

    def test_the_first_matching_rule_routes_with_deadline_and_activity(self):
        before = fields.Datetime.now()
        exception = self.report()
        self.assertEqual(exception.rule_id, self.rule_codes)
        self.assertEqual(exception.team_id, self.team_a)
        self.assertFalse(exception.user_id)
        self.assertGreaterEqual(exception.deadline_at, before + timedelta(hours=4))
        self.assertLessEqual(
            exception.deadline_at, fields.Datetime.now() + timedelta(hours=4)
        )
        # nobody assigned: the team leader gets the activity
        self.assertEqual(exception.activity_ids.user_id, self.integration_manager)
        technical = self.report(
            kind="connection", fingerprint="conn:1", title="Endpoint down"
        )
        self.assertEqual(technical.rule_id, self.rule_technical)
        self.assertEqual(technical.user_id, self.clerk_b)
        self.assertFalse(technical.deadline_at)
        self.assertEqual(technical.activity_ids.user_id, self.clerk_b)
        other_system = self.env["integration.system"].create(
            {"name": "Other shop", "code": "other_shop"}
        )
        unrouted = self.report(system=other_system, fingerprint="other:unmapped:x")
        self.assertFalse(unrouted.rule_id)
        self.assertFalse(unrouted.team_id)

    def test_one_notification_per_new_problem_then_a_digest(self):
        exception = self.report()
        told = self.notifications(exception)
        self.assertEqual(len(told), 1)
        self.assertEqual(told.partner_ids, self.clerk_a.partner_id)
        for _repeat in range(5):
            self.assertEqual(self.report(), exception)
        self.assertEqual(exception.count, 6)
        self.assertEqual(
            self.notifications(exception), told, "repeats are not notified"
        )

        Exception_ = self.env["integration.exception"]
        self.assertIn(self.team_a, Exception_._cron_send_digests())
        digest = self.team_a.message_ids.filtered(lambda m: m.partner_ids)
        self.assertEqual(len(digest), 1)
        self.assertEqual(digest.partner_ids, self.clerk_a.partner_id)
        self.assertIn("5 more (6 in all)", digest.body)
        self.assertEqual(exception.notified_count, 6)
        # within the period nothing is sent, even with new repeats
        self.report()
        self.assertNotIn(self.team_a, Exception_._cron_send_digests())
        # the next period tells only the new repeat
        self.team_a.last_digest_at = fields.Datetime.now() - timedelta(hours=25)
        self.assertIn(self.team_a, Exception_._cron_send_digests())
        latest = self.team_a.message_ids.filtered(lambda m: m.partner_ids)[:1]
        self.assertIn("1 more (7 in all)", latest.body)
        # and a period without repeats sends nothing
        self.team_a.last_digest_at = fields.Datetime.now() - timedelta(hours=25)
        self.assertNotIn(self.team_a, Exception_._cron_send_digests())

    def test_escalation_once_when_the_deadline_passed(self):
        exception = self.report()
        Exception_ = self.env["integration.exception"]
        self.assertFalse(Exception_._cron_escalate() & exception)
        exception.deadline_at = fields.Datetime.now() - timedelta(minutes=1)
        self.assertEqual(Exception_._cron_escalate() & exception, exception)
        self.assertTrue(exception.escalated_at)
        self.assertEqual(exception.severity, "high")
        escalation = exception.message_ids.filtered(
            lambda m: "Escalated" in (m.body or "")
        )
        self.assertEqual(escalation.partner_ids, self.integration_manager.partner_id)
        self.assertFalse(Exception_._cron_escalate() & exception, "escalated once")
        exception.action_resolve("mapped")
        other = self.report(code="ABC-2")
        other.deadline_at = fields.Datetime.now() - timedelta(minutes=1)
        other.action_resolve("done in time after all")
        self.assertFalse(Exception_._cron_escalate() & other, "closed ones are not")

    def test_a_clerk_sees_the_exceptions_of_their_teams_and_company(self):
        mine = self.report()
        it = self.report(kind="connection", fingerprint="conn:2", title="Down")
        other_system = self.env["integration.system"].create(
            {"name": "Other shop", "code": "other_shop"}
        )
        unrouted = self.report(system=other_system, fingerprint="other:unmapped:y")
        company = self.env["res.company"].create({"name": "Other company"})
        foreign_system = self.env["integration.system"].create(
            {"name": "Foreign", "code": "foreign", "company_id": company.id}
        )
        foreign = self.report(system=foreign_system, fingerprint="foreign:unmapped:z")
        everything = mine | it | unrouted | foreign

        def visible(user):
            return (
                self.env["integration.exception"]
                .with_user(user)
                .search([("id", "in", everything.ids)])
            )

        self.assertEqual(visible(self.clerk_a), mine | unrouted)
        self.assertEqual(visible(self.clerk_b), it | unrouted)
        self.assertEqual(visible(self.integration_manager), mine | it | unrouted)
        self.integration_manager.company_ids |= company
        self.assertEqual(
            self.env["integration.exception"]
            .with_user(self.integration_manager)
            .with_context(allowed_company_ids=[self.env.company.id, company.id])
            .search([("id", "in", everything.ids)]),
            everything,
        )
        # assigned to a clerk of another team: visible to that clerk
        it.user_id = self.clerk_a
        self.assertEqual(visible(self.clerk_a), mine | unrouted | it)

    def test_transient_exceptions_retry_with_backoff_and_a_cap(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "integration_core.exception_retry_max", "3"
        )
        event = self.env["integration.event"]._emit("integration.ping", {"message": 1})
        self.assertEqual(event.state, "invalid")
        exception = self.report(
            kind="intermittent",
            fingerprint="ping:flaky",
            title="Flaky",
            source=event,
        )
        Exception_ = self.env["integration.exception"]
        self.assertTrue(exception.next_retry_at)
        self.assertFalse(Exception_._cron_retry() & exception, "not due yet")
        delays = []
        for attempt in range(1, 4):
            exception.next_retry_at = fields.Datetime.now() - timedelta(seconds=1)
            start = fields.Datetime.now()
            Exception_._cron_retry()
            self.assertEqual(exception.retry_count, attempt)
            self.assertEqual(exception.state, "new")
            if exception.next_retry_at:
                delays.append((exception.next_retry_at - start).total_seconds())
        self.assertEqual(len(delays), 2, "no retry is planned after the cap")
        self.assertLess(delays[0], delays[1], "the delay grows")
        self.assertFalse(exception.next_retry_at)
        self.assertIn("Retried 3 times", exception.message_ids[0].body)

        # another flaky source that heals: resolved without a person
        healing = self.env["integration.event"]._emit(
            "integration.ping", {"message": 2}
        )
        healed = self.report(
            kind="rate_limit", fingerprint="ping:healing", title="Busy", source=healing
        )
        healing.sudo().data = {"message": "fine now"}
        healed.next_retry_at = fields.Datetime.now() - timedelta(seconds=1)
        Exception_._cron_retry()
        self.assertEqual(healed.state, "resolved")
        self.assertTrue(healed.auto_resolved)
        self.assertEqual(healing.state, "published")

    def test_bulk_reprocess_assign_and_ignore_from_the_list(self):
        first = self.report(code="B-1")
        second = self.report(code="B-2")
        both = first | second
        assign = (
            self.env["integration.exception.assign"]
            .with_context(active_model="integration.exception", active_ids=both.ids)
            .create({"user_id": self.clerk_a.id, "team_id": self.team_a.id})
        )
        assign.action_assign()
        self.assertEqual(both.mapped("user_id"), self.clerk_a)
        self.assertEqual(set(both.mapped("state")), {"in_progress"})
        action = both.action_reprocess_bulk()
        self.assertIn("0 of 0", action["params"]["message"], "no source: nothing run")
        ignore = (
            self.env["integration.exception.ignore"]
            .with_context(active_model="integration.exception", active_ids=both.ids)
            .create({"reason": "Samples, never sold"})
        )
        ignore.action_ignore()
        self.assertEqual(set(both.mapped("state")), {"ignored"})

    def test_bulk_reprocess_resolves_what_works(self):
        good = self.env["integration.event"]._emit("integration.ping", {"message": 3})
        bad = self.env["integration.event"]._emit("integration.ping", {"message": 4})
        fixed = self.report(kind="invalid_payload", fingerprint="p:3", source=good)
        broken = self.report(kind="invalid_payload", fingerprint="p:4", source=bad)
        good.sudo().data = {"message": "valid"}
        action = (fixed | broken).action_reprocess_bulk()
        self.assertEqual(fixed.state, "resolved")
        self.assertEqual(broken.state, "new")
        self.assertIn("1 of 2 solved", action["params"]["message"])
