from odoo import api, fields, models

from odoo.addons.integration_distribution.tools.batch_memo import asked_by

from ..tools.ship_confirm import QUANT_MEMO

# a write of these fields can change which quants a search finds (in_date:
# their FIFO order)
GATHER_FIELDS = {"product_id", "location_id", "lot_id", "package_id", "owner_id"}


class StockQuant(models.Model):
    _inherit = "stock.quant"

    def _gather(
        self,
        product_id,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=False,
        qty=0,
    ):
        """Once per product and location while a ship-confirm's backorders
        reserve (``QUANT_MEMO`` in the context, see
        ``stock.move._create_backorder``): each backorder move reads every
        quant of its product under the stock location, two or three times,
        the same quants for every delivery of the batch.

        Reserving changes the quants' reserved quantities (read from the
        records, not from the memo), not which quants there are: the memo
        is cleared when a quant is created, deleted or moved
        (:meth:`_integration_forget_quants`). Only the searches under a
        location (not ``strict``, which may come just before a quant is
        created) and not the least-packages strategy (its answer depends on
        the quantity) are kept.
        """
        memo = self.env.context.get(QUANT_MEMO)
        if (
            memo is None
            or strict
            or self._get_removal_strategy(product_id, location_id) == "least_packages"
        ):
            return super()._gather(
                product_id, location_id, lot_id, package_id, owner_id, strict, qty
            )
        key = (
            "gather",
            *asked_by(self.env),
            product_id.id,
            location_id.id,
            lot_id.id if lot_id else False,
            package_id.id if package_id else False,
            owner_id.id if owner_id else False,
            self.env.context.get("with_expiration"),
        )
        compute = super()._gather
        quants = memo.get(
            key,
            lambda: compute(
                product_id, location_id, lot_id, package_id, owner_id, strict, qty
            ),
        )
        return quants.with_env(self.env)

    @api.model_create_multi
    def create(self, vals_list):
        self._integration_forget_quants()
        return super().create(vals_list)

    def write(self, vals):
        if self.env.context.get(QUANT_MEMO) is not None and (
            GATHER_FIELDS.intersection(vals)
            or (
                "in_date" in vals
                # Odoo writes it with every reservation, mostly unchanged
                and any(
                    quant.in_date != fields.Datetime.to_datetime(vals["in_date"])
                    for quant in self
                )
            )
        ):
            self._integration_forget_quants()
        return super().write(vals)

    def unlink(self):
        self._integration_forget_quants()
        return super().unlink()

    def _merge_quants(self):
        """Odoo's merge deletes quants in SQL."""
        self._integration_forget_quants()
        return super()._merge_quants()

    def _integration_forget_quants(self):
        memo = self.env.context.get(QUANT_MEMO)
        if memo is not None:
            memo.clear()
