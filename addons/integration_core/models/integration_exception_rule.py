from odoo import api, fields, models

from ..tools.exception_policy import KINDS


class IntegrationExceptionRule(models.Model):
    """Where a new exception goes: the first matching rule, by sequence.

    A rule matches on the criteria it sets (system, class, company, and
    what other modules add, e.g. the warehouse); an empty criterion
    matches anything. It names a team and/or a person, the deadline given
    for this class of problem, and the activity scheduled.
    """

    _name = "integration.exception.rule"
    _description = "Integration Exception Routing Rule"
    _order = "sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda s: s.env.company,
        help="Only exceptions of this company (empty: any).",
    )
    system_id = fields.Many2one("integration.system", string="Partner system")
    kind = fields.Selection(KINDS, string="Class")
    audience = fields.Selection([("business", "Business"), ("technical", "Technical")])
    team_id = fields.Many2one("integration.exception.team")
    user_id = fields.Many2one(
        "res.users", string="Assign to", domain=[("share", "=", False)]
    )
    deadline_hours = fields.Integer(
        string="Deadline (hours)",
        default=24,
        help="Time given to solve it; past it, the team leader is told. 0: none.",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        default=lambda s: s.env.ref(
            "mail.mail_activity_data_todo", raise_if_not_found=False
        ),
        help="Scheduled for the assignee (or the team leader) with the deadline.",
    )

    @api.model
    def _criteria(self):
        """Fields of the rule compared with the same field of the exception.

        Override (``super()`` then append) for criteria of other modules.
        """
        return ["company_id", "system_id", "kind", "audience"]

    def _matches(self, exception):
        self.ensure_one()
        for name in self._criteria():
            wanted = self[name]
            if wanted and wanted != exception[name]:
                return False
        return True

    @api.model
    def _rule_for(self, exception):
        """The first active rule matching ``exception``, or an empty recordset."""
        rules = self.sudo().search(
            [("company_id", "in", [False, exception.company_id.id])]
        )
        return next((rule for rule in rules if rule._matches(exception)), self.browse())
