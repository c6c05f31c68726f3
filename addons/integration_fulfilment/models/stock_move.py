import logging
import random
import time

import psycopg2

from odoo import _, models

from odoo.addons.integration_core.tools.pg import is_concurrency_error
from odoo.addons.integration_distribution.tools.batch_memo import BatchMemo
from odoo.addons.queue_job.exception import RetryableJobError

from ..tools.ship_confirm import QUANT_MEMO, VALIDATION_MEMO

_logger = logging.getLogger(__name__)

# in the validation's memo: the ids of the backorder moves a job reserves
RESERVE_LATER = ("reserve_later",)
# tries of a reservation PostgreSQL refuses: savepoints in a validation (each
# without the quant refused), transactions in the job
RESERVE_ATTEMPTS = 5
RESERVABLE = ("confirmed", "partially_available", "waiting")


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

    def _action_assign(self, force_qty=False):
        """In a ship-confirm's validation, the backorder moves reserve in a
        savepoint (``QUANT_MEMO``, set by :meth:`_create_backorder` and
        ``stock.picking._create_backorder``).

        Reserving takes the oldest free stock (FIFO). When a concurrent
        transaction (another drain, a person) reserved or moved one of
        those quants after this one began, PostgreSQL refuses the stale
        snapshot, and the whole validation would be rolled back and done
        again, every delivery of the batch with it. Here only the
        reservation is undone, and tried again without the refused quant
        (the next one in FIFO order, as Odoo skips a quant another
        transaction holds); after a few refusals, a job reserves these
        moves once the validation has committed
        (:meth:`_integration_reserve_later`). The deliveries stay validated.
        """
        memo = self.env.context.get(VALIDATION_MEMO)
        if memo is None or self.env.context.get(QUANT_MEMO) is None:
            return super()._action_assign(force_qty)
        later = memo.get(RESERVE_LATER, set)
        moves = self.filtered(lambda move: move.id not in later)
        # each refusal leaves that quant out of the next try
        # (stock.quant._integration_reserve_order)
        for _attempt in range(RESERVE_ATTEMPTS):
            if moves._integration_assign_in_savepoint(force_qty):
                return None
        later.update(moves.ids)
        _logger.info(
            "%d backorder moves of a ship-confirm reserve after it commits",
            len(moves),
        )
        moves.sudo().with_delay(
            description=_("Reserve the backorder of a ship-confirm")
        )._integration_reserve_later()
        return None

    def _integration_assign_in_savepoint(self, force_qty=False):
        """Odoo's reservation of these moves in a savepoint: False, and
        nothing reserved, when PostgreSQL refused it for a concurrent
        change of their quants."""
        # what the transaction wrote so far must not go with the savepoint
        self.env.flush_all()
        savepoint = self.env.cr.savepoint(flush=False)
        try:
            super()._action_assign(force_qty)
            self.env.flush_all()
        except psycopg2.OperationalError as error:
            if not is_concurrency_error(error):
                raise
            savepoint.close(rollback=True)
            # the cache holds what the undone reservation wrote
            self.env.transaction.clear()
            self.env["stock.quant"]._integration_forget_quants()
            return False
        savepoint.close(rollback=False)
        return True

    def _integration_reserve_later(self):
        """Reserve these backorder moves (a job, see :meth:`_action_assign`),
        each try in a transaction of its own: a concurrent change of their
        quants makes it try again a moment later."""
        for attempt in range(RESERVE_ATTEMPTS):
            try:
                with self.env.registry.cursor() as cr:
                    moves = self.with_env(self.env(cr=cr)).filtered(
                        lambda move: move.state in RESERVABLE
                    )
                    moves._action_assign()
                    reserved = moves.filtered(lambda move: move.state == "assigned")
                    summary = f"{len(moves)} moves to reserve, {len(reserved)} reserved"
                return summary
            except psycopg2.OperationalError as error:
                if not is_concurrency_error(error):
                    raise
                _logger.info(
                    "reserving backorder moves %s: %s, trying again",
                    self.ids,
                    (error.pgerror or str(error)).strip(),
                )
                time.sleep(random.uniform(0.05, 0.2) * (attempt + 1))
        raise RetryableJobError(
            "a concurrent transaction kept changing their quants", seconds=1
        )
