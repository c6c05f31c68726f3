from odoo import api, models

from ..tools.batch_memo import asked_by, freeze, memo_of


class AccountAnalyticDistributionModel(models.Model):
    _inherit = "account.analytic.distribution.model"

    @api.model
    def _get_distribution(self, vals):
        """Once per product and customer in an intake batch.

        A sale line asks twice (its amounts, then the order's), and every
        line of every order of the batch asks again for the same product and
        customer: one search each time. The answer depends only on ``vals``
        and on who asks; no distribution model changes during the batch.
        """
        memo = memo_of(self.env)
        key = freeze(vals) if memo is not None else None
        if key is None:
            return super()._get_distribution(vals)
        compute = super()._get_distribution
        answer = memo.get(
            ("analytic_distribution", *asked_by(self.env), key), lambda: compute(vals)
        )
        return dict(answer)
