from odoo import models

from ..tools.batch_memo import asked_by, memo_of


class ResUsers(models.Model):
    _inherit = "res.users"

    def _get_default_warehouse_id(self):
        """Once per user in an intake batch: every new order asks for its
        default warehouse (a search when the user has none set)."""
        memo = memo_of(self.env)
        if memo is None:
            return super()._get_default_warehouse_id()
        compute = super()._get_default_warehouse_id
        warehouse = memo.get(
            ("default_warehouse", *asked_by(self.env), tuple(self.ids)), compute
        )
        return self.env["stock.warehouse"].browse(warehouse.ids)
