from odoo import api, fields, models


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
        help="Inbound requests of this system run as this user: give it only "
        "the rights the system needs.",
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

    def action_activate(self):
        self.write({"state": "active"})

    def action_suspend(self):
        self.write({"state": "suspended"})

    def action_view_exceptions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "integration_core.integration_exception_action"
        )
        action["domain"] = [("system_id", "=", self.id)]
        action["context"] = {"default_system_id": self.id}
        return action
