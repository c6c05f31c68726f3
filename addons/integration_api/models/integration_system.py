from odoo import api, fields, models


class IntegrationSystem(models.Model):
    _inherit = "integration.system"

    api_key_ids = fields.One2many("integration.api.key", "system_id", string="API keys")
    event_feed_scope = fields.Selection(
        [
            ("own_and_shared", "Its own events and Odoo's own"),
            ("own", "Only its own events"),
            ("company", "Every event of its company"),
        ],
        string="Event feed shows",
        required=True,
        default="own_and_shared",
        help="What GET /api/v1/events gives this system's keys. Its own events "
        "are about its records (its orders, their shipments); Odoo's own have no "
        "source system (e.g. orders typed in the back office). Events of other "
        "partner systems, with their customers' data, are left out unless "
        "'Every event of its company' is chosen (a trusted connector such as a "
        "data warehouse).",
    )
    api_key_count = fields.Integer(compute="_compute_api_key_count")

    @api.depends("api_key_ids.state")
    def _compute_api_key_count(self):
        groups = self.env["integration.api.key"]._read_group(
            [("system_id", "in", self.ids), ("state", "=", "active")],
            ["system_id"],
            ["__count"],
        )
        counts = {system.id: count for system, count in groups}
        for system in self:
            system.api_key_count = counts.get(system.id, 0)

    def action_view_api_keys(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "integration_api.integration_api_key_action"
        )
        action["domain"] = [("system_id", "=", self.id)]
        # the button counts the active keys: open them (revoked ones a filter away)
        action["context"] = {
            "default_system_id": self.id,
            "search_default_active_keys": 1,
        }
        return action
