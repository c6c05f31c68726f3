from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models

OPEN_STATES = ("new", "in_progress")


class IntegrationExceptionRouting(models.AbstractModel):
    """Routing, deadlines and notifications that do not flood (a part of
    ``integration.exception``, which inherits it).

    A new exception (a new fingerprint) is routed by the first matching
    ``integration.exception.rule``, gets its deadline and activity, and its
    team is told once. Repeats only count; the team reads them in its
    digest (:meth:`_cron_send_digests`). An exception past its deadline is
    escalated once to the team leader (:meth:`_cron_escalate`).
    """

    _name = "integration.exception.routing"
    _description = "Integration exception: routing and notifications"

    team_id = fields.Many2one(
        "integration.exception.team", index=True, tracking=True, ondelete="set null"
    )
    rule_id = fields.Many2one(
        "integration.exception.rule", readonly=True, ondelete="set null"
    )
    deadline_at = fields.Datetime(
        string="Deadline (time)",
        index=True,
        help="When it should be solved (from the routing rule); then escalated.",
    )
    escalated_at = fields.Datetime(readonly=True)
    notified_count = fields.Integer(
        readonly=True,
        help="Occurrences already told to the team (the digest tells the rest).",
    )

    @api.model_create_multi
    def create(self, vals_list):
        exceptions = super().create(vals_list)
        for exception in exceptions:
            exception._route()
        exceptions._notify_new()
        return exceptions

    def _route(self):
        """Apply the first matching rule: team, person, deadline, activity."""
        self.ensure_one()
        rule = self.env["integration.exception.rule"]._rule_for(self)
        if not rule:
            return
        vals = {"rule_id": rule.id}
        if rule.team_id and not self.team_id:
            vals["team_id"] = rule.team_id.id
        if rule.user_id and not self.user_id:
            vals["user_id"] = rule.user_id.id
        if rule.deadline_hours and not self.deadline_at:
            deadline = fields.Datetime.now() + timedelta(hours=rule.deadline_hours)
            vals.update(deadline_at=deadline, date_deadline=deadline.date())
        self.write(vals)
        owner = self.user_id or self.team_id.leader_id
        if rule.activity_type_id and owner:
            self.activity_schedule(
                activity_type_id=rule.activity_type_id.id,
                summary=self.name[:200],
                date_deadline=self.date_deadline or fields.Date.context_today(self),
                user_id=owner.id,
            )

    def _recipients(self):
        """Partners told about this exception: assignee, else its team."""
        self.ensure_one()
        users = self.user_id or self.team_id.member_ids
        return users.filtered("active").partner_id

    def _notify_new(self):
        """One message per new problem to the people it was routed to."""
        for exception in self:
            partners = exception._recipients()
            if partners:
                exception.message_post(
                    body=self.env._(
                        "New integration exception (%(kind)s): %(name)s",
                        kind=dict(
                            self._fields["kind"]._description_selection(self.env)
                        )[exception.kind],
                        name=exception.name,
                    ),
                    partner_ids=partners.ids,
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                )
            exception.notified_count = exception.count

    # ------------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------------
    @api.model
    def _cron_send_digests(self):
        """Per team whose period is over: one message listing the problems
        that repeated since they were last told, instead of one per repeat."""
        now = fields.Datetime.now()
        teams = (
            self.env["integration.exception.team"]
            .sudo()
            .search([("digest_interval", ">", 0)])
        )
        sent = self.env["integration.exception.team"]
        for team in teams:
            if (
                team.last_digest_at
                and team.last_digest_at + timedelta(hours=team.digest_interval) > now
            ):
                continue
            repeats = (
                self.sudo()
                .search([("team_id", "=", team.id), ("state", "in", OPEN_STATES)])
                .filtered(lambda e: e.count > e.notified_count)
            )
            team.last_digest_at = now
            if not repeats:
                continue
            items = Markup("").join(
                Markup("<li>%s: %s</li>")
                % (
                    escape(exception.name),
                    self.env._(
                        "%(new)s more (%(total)s in all)",
                        new=exception.count - exception.notified_count,
                        total=exception.count,
                    ),
                )
                for exception in repeats
            )
            team.message_post(
                body=Markup("<p>%s</p><ul>%s</ul>")
                % (self.env._("Integration problems that repeated:"), items),
                partner_ids=team.member_ids.filtered("active").partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            for exception in repeats:
                exception.notified_count = exception.count
            sent |= team
        return sent

    @api.model
    def _cron_escalate(self):
        """Open exceptions past their deadline: told once to the team leader
        (or the integration managers), severity raised one step."""
        now = fields.Datetime.now()
        overdue = self.sudo().search(
            [
                ("state", "in", OPEN_STATES),
                ("escalated_at", "=", False),
                "|",
                ("deadline_at", "<", now),
                "&",
                ("deadline_at", "=", False),
                ("date_deadline", "<", fields.Date.context_today(self)),
            ]
        )
        severities = [key for key, _label in self._fields["severity"].selection]
        managers = self.env.ref("integration_core.group_integration_manager").users
        for exception in overdue:
            leader = exception.team_id.leader_id
            partners = (leader or managers.filtered(lambda u: not u.share)).partner_id
            rank = severities.index(exception.severity)
            exception.write(
                {
                    "escalated_at": now,
                    "severity": severities[min(rank + 1, len(severities) - 1)],
                }
            )
            exception.message_post(
                body=self.env._(
                    "Escalated: %(name)s is past its deadline and still open.",
                    name=exception.name,
                ),
                partner_ids=partners.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            if leader:
                exception.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Overdue: %(name)s", name=exception.name[:180]),
                    user_id=leader.id,
                )
        return overdue
