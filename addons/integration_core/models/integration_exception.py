from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.exception_policy import KINDS, audience_for

OPEN_STATES = ("new", "in_progress")


class IntegrationException(models.Model):
    """A failure that needs a person: the work queue of the dashboard.

    Repeats of the same problem (same fingerprint) increment a counter on the
    open exception instead of piling up new ones.
    """

    _name = "integration.exception"
    _description = "Integration Exception"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        # routing, notifications, escalation; automatic retries (own files)
        "integration.exception.routing",
        "integration.exception.retry",
    ]
    _order = "state_rank, severity_rank desc, last_seen desc, id desc"

    name = fields.Char(string="Problem", required=True, tracking=True)
    kind = fields.Selection(
        KINDS,
        string="Class",
        required=True,
        default="other",
        index=True,
        tracking=True,
        help="What went wrong (see tools/exception_policy.py): it decides who "
        "is expected to act, and whether Odoo retries by itself.",
    )
    audience = fields.Selection(
        [("business", "Business"), ("technical", "Technical")],
        compute="_compute_audience",
        store=True,
        index=True,
        help="Business: a clerk fixes it in Odoo (map a code, complete data, "
        "decide). Technical: an administrator or the partner's IT.",
    )
    auto_resolved = fields.Boolean(
        string="Resolved without a person",
        readonly=True,
        help="Resolved by an automatic retry, a mapping created for another "
        "exception, or as a duplicate of a message that succeeded.",
    )
    severity = fields.Selection(
        [
            ("low", "Low"),
            ("medium", "Medium"),
            ("high", "High"),
            ("critical", "Critical"),
        ],
        required=True,
        default="medium",
        tracking=True,
    )
    severity_rank = fields.Integer(compute="_compute_ranks", store=True)
    state = fields.Selection(
        [
            ("new", "New"),
            ("in_progress", "In progress"),
            ("resolved", "Resolved"),
            ("ignored", "Ignored"),
        ],
        required=True,
        default="new",
        index=True,
        tracking=True,
        group_expand="_group_expand_states",
    )
    state_rank = fields.Integer(compute="_compute_ranks", store=True)
    system_id = fields.Many2one("integration.system", index=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )
    detail = fields.Text()
    fingerprint = fields.Char(index=True, readonly=True)
    count = fields.Integer(string="Occurrences", default=1, readonly=True)
    first_seen = fields.Datetime(default=fields.Datetime.now, readonly=True)
    last_seen = fields.Datetime(default=fields.Datetime.now, readonly=True)
    user_id = fields.Many2one("res.users", string="Assigned to", tracking=True)
    date_deadline = fields.Date(string="Deadline", tracking=True)
    resolution_note = fields.Text(tracking=True)
    suggested_fix = fields.Text(readonly=True)
    res_model = fields.Char(string="Concerned model", readonly=True, index=True)
    res_id = fields.Many2oneReference(
        string="Concerned record", model_field="res_model", readonly=True
    )
    source_model = fields.Char(readonly=True, index=True)
    source_id = fields.Many2oneReference(model_field="source_model", readonly=True)
    source_label = fields.Char(string="Message", compute="_compute_source_label")

    _sql_constraints = [
        ("count_positive", "CHECK(count > 0)", "Occurrences are counted from 1.")
    ]

    @api.depends("kind")
    def _compute_audience(self):
        for exception in self:
            exception.audience = audience_for(exception.kind)

    @api.depends("state", "severity")
    def _compute_ranks(self):
        states = [s for s, _label in self._fields["state"].selection]
        severities = [s for s, _label in self._fields["severity"].selection]
        for exception in self:
            exception.state_rank = states.index(exception.state)
            exception.severity_rank = severities.index(exception.severity)

    @api.depends("source_model", "source_id")
    def _compute_source_label(self):
        for exception in self:
            source = exception._source()
            exception.source_label = source._integration_label() if source else False

    @api.model
    def _group_expand_states(self, states, domain):
        return [key for key, _label in self._fields["state"].selection]

    def _source(self):
        self.ensure_one()
        if not (self.source_model and self.source_id):
            return None
        if self.source_model not in self.env:
            return None
        return self.env[self.source_model].browse(self.source_id).exists() or None

    def _record(self):
        self.ensure_one()
        if not (self.res_model and self.res_id) or self.res_model not in self.env:
            return None
        return self.env[self.res_model].browse(self.res_id).exists() or None

    # ------------------------------------------------------------------
    # API for the rest of the suite
    # ------------------------------------------------------------------
    @api.model
    def report(
        self,
        kind,
        title,
        detail=None,
        fingerprint=None,
        system=None,
        record=None,
        source=None,
        severity="medium",
        suggested_fix=None,
    ):
        """Open an exception, or count one more occurrence of an open one.

        :param fingerprint: identifies "the same problem"; repeats while an
            exception with it is open increment its counter
        :param record: the business record concerned (order, picking...)
        :param source: the message, delivery or event to reprocess
        :return: the ``integration.exception`` record
        """
        exceptions = self.sudo()
        if fingerprint:
            existing = exceptions.search(
                [("fingerprint", "=", fingerprint), ("state", "in", OPEN_STATES)],
                limit=1,
            )
            if existing:
                existing.write(
                    {
                        "count": existing.count + 1,
                        "last_seen": fields.Datetime.now(),
                        "detail": detail or existing.detail,
                    }
                )
                return existing
        company = (
            (system and system.company_id)
            or (record and "company_id" in record._fields and record.company_id[:1])
            or self.env.company
        )
        created = exceptions.create(
            {
                "name": title,
                "kind": kind,
                "severity": severity,
                "detail": detail,
                "fingerprint": fingerprint,
                "system_id": system.id if system else False,
                "company_id": company.id,
                "res_model": record._name if record else False,
                "res_id": record.id if record else False,
                "source_model": source._name if source else False,
                "source_id": source.id if source else False,
                "suggested_fix": suggested_fix,
            }
        )
        if kind == "duplicate":
            # the original was processed: kept for the record, nobody acts
            created._auto_resolve(
                self.env._("A duplicate of something already processed.")
            )
        return created

    def _auto_resolve(self, note):
        """Resolve without a person (counted apart on the dashboard); those
        the source resolved itself while retrying are marked too."""
        self.filtered(lambda e: e.state == "resolved").write({"auto_resolved": True})
        still_open = self.filtered(lambda e: e.state in OPEN_STATES)
        still_open.write({"auto_resolved": True})
        return still_open.action_resolve(note)

    @api.model
    def resolve_for(self, source, note=None):
        """Resolve the open exceptions about ``source`` (e.g. after a success)."""
        open_ones = self.sudo().search(
            [
                ("source_model", "=", source._name),
                ("source_id", "in", source.ids),
                ("state", "in", OPEN_STATES),
            ]
        )
        open_ones.action_resolve(note)
        return open_ones

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_take(self):
        self.write({"state": "in_progress", "user_id": self.env.user.id})
        return True

    def action_resolve(self, note=None):
        vals = {"state": "resolved"}
        if note:
            vals["resolution_note"] = note
        self.write(vals)
        return True

    def write(self, vals):
        """No way to Ignored without a reason (a kanban drop writes the state only)."""
        ignoring = self.browse()
        if vals.get("state") == "ignored":
            ignoring = self.filtered(lambda e: e.state != "ignored")
            for exception in ignoring:
                if not (vals.get("resolution_note") or exception.resolution_note):
                    raise UserError(
                        self.env._(
                            "%(name)s: ignoring needs a reason. Use Ignore on the "
                            "exception and say why nobody needs to act.",
                            name=exception.name,
                        )
                    )
        result = super().write(vals)
        for exception in ignoring:
            exception.message_post(
                body=self.env._("Ignored: %(reason)s", reason=exception.resolution_note)
            )
        return result

    def action_ignore(self, reason=None):
        """Ignore with ``reason`` (else the resolution note must say why)."""
        vals = {"state": "ignored"}
        if reason:
            vals["resolution_note"] = reason
        self.write(vals)
        return True

    def action_open_ignore_wizard(self):
        """The Ignore button: ask for the reason."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "integration_core.integration_exception_ignore_action"
        )
        action["context"] = {
            "active_model": self._name,
            "active_ids": self.ids,
            "active_id": self[:1].id,
        }
        return action

    def action_reopen(self):
        self.write({"state": "new", "auto_resolved": False})
        return True

    def action_reprocess(self):
        """Retry the source; a success resolves the exception."""
        for exception in self:
            if exception.state not in OPEN_STATES:
                continue  # solved meanwhile (e.g. by the mapping just saved)
            source = exception._source()
            if source is None:
                raise UserError(
                    self.env._(
                        "%(name)s has nothing to reprocess.", name=exception.name
                    )
                )
            if source._integration_reprocess():
                exception.action_resolve(
                    exception.resolution_note
                    or self.env._("Reprocessed by %(user)s", user=self.env.user.name)
                )
        return self._reprocess_notification()

    def _reprocess_notification(self):
        """Tell the clerk what Reprocess did, then reload the view."""
        states = dict(self._fields["state"]._description_selection(self.env))
        lines = [
            self.env._(
                "%(what)s reprocessed; the exception is %(state)s.",
                what=exception.source_label or exception.name,
                state=states[exception.state].lower(),
            )
            for exception in self
        ]
        done = all(exception.state not in OPEN_STATES for exception in self)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Reprocessed")
                if done
                else self.env._("Reprocessed, still open"),
                "message": " ".join(lines),
                "type": "success" if done else "warning",
                "sticky": not done,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_open_record(self):
        self.ensure_one()
        record = self._record() or self._source()
        if record is None:
            raise UserError(self.env._("The record no longer exists."))
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
        }
