from odoo import api, fields, models


class IntegrationSystem(models.Model):
    _inherit = "integration.system"

    api_key_ids = fields.One2many("integration.api.key", "system_id", string="API keys")
    api_key_count = fields.Integer(compute="_compute_api_key_count")

    @api.depends("api_key_ids.state")
    def _compute_api_key_count(self):
        groups = self.env["integration.api.key"]._read_group(
            [("system_id", "in", self.ids), ("state", "=", "active")], ["system_id"], ["__count"]
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
        action["context"] = {"default_system_id": self.id}
        return action
