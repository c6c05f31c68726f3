from odoo import models

from ..tools.batch_memo import asked_by, memo_of


class StockMove(models.Model):
    _inherit = "stock.move"

    def _trigger_scheduler(self):
        """In an intake batch, only moves whose product has an automatic
        replenishment rule look for one.

        Odoo searches the rules move by move (five searches for a five-line
        order); the batch asks once which of its products have any. A move
        of another product would find none, so nothing else changes.
        """
        memo = memo_of(self.env)
        if memo is None or not self:
            return super()._trigger_scheduler()
        Orderpoint = self.env["stock.warehouse.orderpoint"]
        triggered = memo.get(
            ("auto_orderpoint_products", *asked_by(self.env)),
            lambda: {
                product.id
                for (product,) in Orderpoint._read_group(
                    [("trigger", "=", "auto")], ["product_id"]
                )
            },
        )
        moves = self.filtered(lambda move: move.product_id.id in triggered)
        return super(StockMove, moves)._trigger_scheduler()
