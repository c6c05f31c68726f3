from odoo import api, fields, models


class IntegrationSystem(models.Model):
    """Code mapping settings of a partner system.

    Kept apart from ``integration_system.py`` so the mapping feature reads in
    one place. The switches of the fallbacks tried when a partner code has no
    mapping row belong to the modules that add the kinds (products, units,
    customers, warehouses: ``integration_distribution``).
    """

    _inherit = "integration.system"
    # Lets CSV imports of mappings name the system by its code.
    _rec_names_search = ["name", "code"]

    mapping_ids = fields.One2many("integration.mapping", "system_id")
    mapping_count = fields.Integer(compute="_compute_mapping_count")

    @api.depends("mapping_ids")
    def _compute_mapping_count(self):
        groups = self.env["integration.mapping"]._read_group(
            [("system_id", "in", self.ids)], ["system_id"], ["__count"]
        )
        counts = {system.id: count for system, count in groups}
        for system in self:
            system.mapping_count = counts.get(system.id, 0)

    def action_view_mappings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "integration_core.integration_mapping_action"
        )
        action["domain"] = [("system_id", "=", self.id)]
        action["context"] = {"default_system_id": self.id}
        return action
