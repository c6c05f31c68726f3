from odoo import api, fields, models


class IntegrationExceptionTeam(models.Model):
    """People who work a share of the exception queue.

    Routing rules send exceptions to a team; its members are told of each
    new problem once, get a digest of the repeats per period, and its leader
    hears of exceptions whose deadline passed.
    """

    _name = "integration.exception.team"
    _description = "Integration Exception Team"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )
    member_ids = fields.Many2many(
        "res.users",
        "integration_exception_team_user_rel",
        "team_id",
        "user_id",
        string="Members",
        domain=[("share", "=", False)],
    )
    leader_id = fields.Many2one(
        "res.users",
        string="Escalate to",
        domain=[("share", "=", False)],
        help="Told when an exception of the team passes its deadline; gets the "
        "activity of exceptions routed to the team without a person.",
    )
    digest_interval = fields.Integer(
        string="Digest every (hours)",
        default=24,
        help="Repeats of known problems are not notified one by one: the "
        "members get one digest per period. 0: no digest.",
    )
    last_digest_at = fields.Datetime(readonly=True)
    exception_ids = fields.One2many("integration.exception", "team_id")
    open_count = fields.Integer(compute="_compute_open_count")

    @api.depends("exception_ids.state")
    def _compute_open_count(self):
        groups = self.env["integration.exception"]._read_group(
            [("team_id", "in", self.ids), ("state", "in", ("new", "in_progress"))],
            ["team_id"],
            ["__count"],
        )
        counts = {team.id: count for team, count in groups}
        for team in self:
            team.open_count = counts.get(team.id, 0)

    def action_open_exceptions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "integration_core.integration_exception_action"
        )
        action["domain"] = [("team_id", "=", self.id)]
        return action
