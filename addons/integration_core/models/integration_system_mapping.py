from odoo import api, fields, models


class IntegrationSystem(models.Model):
    """Code mapping settings of a partner system.

    Kept apart from ``integration_system.py`` so the mapping feature reads in
    one place: the fallbacks tried when a partner code has no mapping row.
    """

    _inherit = "integration.system"
    # Lets CSV imports of mappings name the system by its code.
    _rec_names_search = ["name", "code"]

    mapping_ids = fields.One2many("integration.mapping", "system_id")
    mapping_count = fields.Integer(compute="_compute_mapping_count")
    mapping_fallback_product_code = fields.Boolean(
        string="Products by internal reference",
        default=True,
        help="An unmapped product code is looked up as the internal reference "
        "(default code) of a product.",
    )
    mapping_fallback_product_barcode = fields.Boolean(
        string="Products by barcode (GTIN)",
        default=True,
        help="An unmapped product code is looked up as a product barcode.",
    )
    mapping_fallback_customer_ref = fields.Boolean(
        string="Customers by reference",
        default=True,
        help="An unmapped customer code is looked up as a contact's reference.",
    )
    mapping_fallback_uom_name = fields.Boolean(
        string="Units by name",
        default=True,
        help="An unmapped unit code is looked up as a unit name (any case).",
    )
    mapping_fallback_warehouse_code = fields.Boolean(
        string="Warehouses by short name",
        default=True,
        help="An unmapped warehouse code is looked up as a warehouse short name.",
    )

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
