from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.system_code import propose_code


class IntegrationSystem(models.Model):
    """One connected partner system: web shop, WMS, carrier, EDI gateway..."""

    _name = "integration.system"
    _description = "Integration Partner System"
    _inherit = ["mail.thread"]
    _order = "name"

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(
        required=True,
        tracking=True,
        help="Short technical code, unique per company, used in URLs and logs "
        "(e.g. shopify_eu, 3pl_north).",
    )
    kind = fields.Selection(
        [
            ("web_shop", "Web shop"),
            ("marketplace", "Marketplace"),
            ("wms", "Warehouse (WMS / 3PL)"),
            ("carrier", "Carrier / TMS"),
            ("edi", "EDI gateway"),
            ("supplier_portal", "Supplier portal"),
            ("other", "Other"),
        ],
        required=True,
        default="other",
        tracking=True,
    )
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Active"), ("suspended", "Suspended")],
        required=True,
        default="draft",
        tracking=True,
        help="Suspended systems receive no webhook and their API keys are refused.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
        tracking=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        help="The organisation that runs this system; notified of problems.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Technical user",
        domain=lambda self: self._domain_user_id(),
        help="Inbound requests of this system run as this user: give it only "
        "the rights the system needs (never an administrator). 'Create "
        "technical user' makes one with the groups its API scopes need.",
    )
    notes = fields.Html()
    exception_ids = fields.One2many("integration.exception", "system_id")
    exception_open_count = fields.Integer(compute="_compute_exception_open_count")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "The code of a partner system must be unique per company.",
        )
    ]

    @api.depends("exception_ids.state")
    def _compute_exception_open_count(self):
        groups = self.env["integration.exception"]._read_group(
            [("system_id", "in", self.ids), ("state", "in", ("new", "in_progress"))],
            ["system_id"],
            ["__count"],
        )
        counts = {system.id: count for system, count in groups}
        for system in self:
            system.exception_open_count = counts.get(system.id, 0)

    @api.model
    def _domain_user_id(self):
        """Internal users who are not administrators (Settings)."""
        return [
            ("share", "=", False),
            ("groups_id", "not in", self.env.ref("base.group_system").ids),
        ]

    @api.constrains("user_id")
    def _check_user_id_not_administrator(self):
        for system in self:
            if system.user_id and system.user_id._is_system():
                raise ValidationError(
                    self.env._(
                        "%(user)s is an administrator (Settings) and cannot be the technical "
                        "user of %(system)s: a partner's requests would run with every right "
                        "in Odoo. Create a technical user with only the groups the system "
                        "needs.",
                        user=system.user_id.display_name,
                        system=system.display_name,
                    )
                )

    @api.onchange("name")
    def _onchange_name_propose_code(self):
        """Propose the code from the name while the code is still empty."""
        for system in self:
            if system.name and not system.code:
                system.code = propose_code(system.name) or False

    def action_activate(self):
        """Activate; warn when a system has no technical user (its API
        requests would run as the public user and be refused)."""
        self.write({"state": "active"})
        without_user = self.filtered(lambda system: not system.user_id)
        if not without_user:
            return True
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "sticky": True,
                "title": self.env._("No technical user"),
                "message": self.env._(
                    "%(systems)s is active but has no technical user: its API requests "
                    "cannot create or read anything until one is set. Use 'Create "
                    "technical user' on the system's form.",
                    systems=", ".join(without_user.mapped("display_name")),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_suspend(self):
        self.write({"state": "suspended"})
        return True

    def action_view_exceptions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "integration_core.integration_exception_action"
        )
        action["domain"] = [("system_id", "=", self.id)]
        # the button counts the open ones: open them (the others a filter away)
        action["context"] = {"default_system_id": self.id, "search_default_open": 1}
        return action
