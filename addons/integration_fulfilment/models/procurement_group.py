from odoo import models

from odoo.addons.integration_distribution.tools.batch_memo import asked_by

from ..tools.ship_confirm import VALIDATION_MEMO


class ProcurementGroup(models.Model):
    _inherit = "procurement.group"

    def _get_push_rule(self, product_id, location_dest_id, values):
        """Once per product, destination and routes in a ship-confirm's
        validation: Odoo looks for a push rule move by move (a search per
        location up from the customers' location), the same answer for the
        same product on every delivery of a batch. The validation creates
        and changes no rule, route or location, so the answer cannot change
        while it runs; ``_push_apply`` only reads it."""
        memo = self.env.context.get(VALIDATION_MEMO)
        if memo is None or set(values) - {
            "route_ids",
            "product_packaging_id",
            "warehouse_id",
            "domain",
        }:
            return super()._get_push_rule(product_id, location_dest_id, values)
        key = (
            "push_rule",
            *asked_by(self.env),
            product_id.id,
            location_dest_id.id,
            tuple(values["route_ids"].ids) if values.get("route_ids") else (),
            values["product_packaging_id"].id
            if values.get("product_packaging_id")
            else False,
            values["warehouse_id"].id if values.get("warehouse_id") else False,
            repr(values.get("domain")),
        )
        compute = super()._get_push_rule
        rule = memo.get(key, lambda: compute(product_id, location_dest_id, values))
        return rule.with_env(self.env)
