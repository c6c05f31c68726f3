from odoo import api, fields, models


class IntegrationException(models.Model):
    """The warehouse an exception concerns, so that routing rules can send
    the problems of one warehouse to its own desk."""

    _inherit = "integration.exception"

    warehouse_id = fields.Many2one(
        "stock.warehouse",
        compute="_compute_warehouse_id",
        store=True,
        index=True,
        readonly=True,
    )

    @api.depends("res_model", "res_id")
    def _compute_warehouse_id(self):
        for exception in self:
            record = exception._record()
            warehouse = self.env["stock.warehouse"]
            if record is not None:
                if "warehouse_id" in record._fields:
                    warehouse = record.warehouse_id
                elif record._name == "stock.picking":
                    warehouse = record.picking_type_id.warehouse_id
            exception.warehouse_id = warehouse[:1]


class IntegrationExceptionRule(models.Model):
    _inherit = "integration.exception.rule"

    warehouse_id = fields.Many2one(
        "stock.warehouse", help="Only exceptions about this warehouse's records."
    )

    @api.model
    def _criteria(self):
        return super()._criteria() + ["warehouse_id"]
