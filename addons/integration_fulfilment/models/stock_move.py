from odoo import models

from odoo.addons.integration_distribution.tools.batch_memo import BatchMemo

from ..tools.ship_confirm import QUANT_MEMO, VALIDATION_MEMO


class StockMove(models.Model):
    _inherit = "stock.move"

    def _create_backorder(self):
        """In a ship-confirm's validation, the backorder moves reserve with
        the quants they read kept (``stock.quant._gather``): every
        backorder of the batch reads the same quants of its product."""
        if self.env.context.get(VALIDATION_MEMO) is None:
            return super()._create_backorder()
        moves = self.with_context(**{QUANT_MEMO: BatchMemo()})
        return super(StockMove, moves)._create_backorder().with_env(self.env)
