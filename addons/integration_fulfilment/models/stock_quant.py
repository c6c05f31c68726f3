import psycopg2

from odoo import api, fields, models

from odoo.addons.integration_core.tools.pg import is_concurrency_error
from odoo.addons.integration_distribution.tools.batch_memo import asked_by

from ..tools.ship_confirm import QUANT_MEMO, VALIDATION_MEMO, own_first

# a write of these fields can change which quants a search finds (in_date:
# their FIFO order)
GATHER_FIELDS = {"product_id", "location_id", "lot_id", "package_id", "owner_id"}
# the ids of the quants the transaction changed (in ``cr.precommit.data``,
# which a commit or rollback clears: their rows are locked until then)
CHANGED_QUANTS = "integration_fulfilment.changed_quants"
# in the validation's memo: the quants (product, location, lot, package,
# owner) PostgreSQL refused it to reserve
REFUSED_QUANTS = ("refused_quants",)


def _quant_key(product, location, lot, package, owner):
    """What tells one quant from another (records, or None for none)."""
    return tuple(
        record.id if record else False
        for record in (product, location, lot, package, owner)
    )


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
        if memo is None or strict:
            return super()._gather(
                product_id, location_id, lot_id, package_id, owner_id, strict, qty
            )
        strategy = self._get_removal_strategy(product_id, location_id)
        if strategy == "least_packages":
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
        ).with_env(self.env)
        return self._integration_reserve_order(quants, strategy)

    def _integration_reserve_order(self, quants, strategy):
        """The quants a ship-confirm's backorders reserve from, in order.

        Those PostgreSQL refused this validation (another transaction
        changed them since it began, see ``stock.move._action_assign``) are
        left out, as Odoo's reservation skips the quants another
        transaction holds. The quants the transaction changed come first
        among those FIFO (or LIFO) cannot tell apart
        (:func:`~..tools.ship_confirm.own_first`): the backorders of a batch
        then reserve the units their deliveries left in their bins, locked
        by this transaction already, rather than the same units as another
        transaction."""
        validation = self.env.context.get(VALIDATION_MEMO)
        if validation is None:
            return quants
        refused = validation.get(REFUSED_QUANTS, set)
        if refused:
            quants = quants.filtered(lambda q: q._integration_key() not in refused)
        changed = self.env.cr.precommit.data.get(CHANGED_QUANTS)
        if not changed or strategy not in ("fifo", "lifo"):
            return quants
        order = own_first(
            [(quant.id, bool(quant.lot_id), quant.in_date) for quant in quants],
            changed,
        )
        return self.browse([row[0] for row in order])

    def _integration_key(self):
        return _quant_key(
            self.product_id,
            self.location_id,
            self.lot_id,
            self.package_id,
            self.owner_id,
        )

    @api.model
    def _update_available_quantity(
        self,
        product_id,
        location_id,
        quantity=False,
        reserved_quantity=False,
        lot_id=None,
        package_id=None,
        owner_id=None,
        in_date=None,
    ):
        """In a ship-confirm's validation, a reservation PostgreSQL refuses
        (another transaction changed the quant since this one began) is
        remembered: the validation's next try leaves that quant out
        (:meth:`_integration_reserve_order`)."""
        try:
            return super()._update_available_quantity(
                product_id,
                location_id,
                quantity,
                reserved_quantity,
                lot_id,
                package_id,
                owner_id,
                in_date,
            )
        except psycopg2.OperationalError as error:
            validation = self.env.context.get(VALIDATION_MEMO)
            if (
                validation is not None
                and reserved_quantity
                and is_concurrency_error(error)
            ):
                validation.get(REFUSED_QUANTS, set).add(
                    _quant_key(product_id, location_id, lot_id, package_id, owner_id)
                )
            raise

    @api.model_create_multi
    def create(self, vals_list):
        self._integration_forget_quants()
        return super().create(vals_list)

    def write(self, vals):
        if "quantity" in vals or "reserved_quantity" in vals:
            self.env.cr.precommit.data.setdefault(CHANGED_QUANTS, set()).update(
                self.ids
            )
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
