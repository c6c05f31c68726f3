from odoo import models

from ..tools.batch_memo import asked_by, memo_of


class ProcurementGroup(models.Model):
    _inherit = "procurement.group"

    def _search_rule_for_warehouses(
        self, route_ids, packaging_id, product_id, warehouse_ids, domain
    ):
        """Once per product in an intake batch: every line of every order
        of the batch searches the same rules for its product, and no rule
        changes during the batch. The answer is only read by the caller."""
        memo = memo_of(self.env)
        if memo is None:
            return super()._search_rule_for_warehouses(
                route_ids, packaging_id, product_id, warehouse_ids, domain
            )
        key = (
            "stock_rules",
            *asked_by(self.env),
            tuple(route_ids.ids) if route_ids else (),
            packaging_id.id if packaging_id else None,
            product_id.id,
            tuple(warehouse_ids.ids) if warehouse_ids else (),
            repr(domain),
        )
        compute = super()._search_rule_for_warehouses
        return memo.get(
            key,
            lambda: compute(route_ids, packaging_id, product_id, warehouse_ids, domain),
        )
