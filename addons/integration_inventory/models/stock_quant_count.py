from odoo import _, api, models
from odoo.tools import float_compare

from odoo.addons.integration_core.exceptions import BusinessRuleError

from ..tools.availability import beyond_threshold


class CountNeedsApproval(BusinessRuleError):
    """A count differs from the books by more than its system accepts alone."""

    kind = "business_rule"
    severity = "high"


class StockQuant(models.Model):
    """Counts from a warehouse system, applied the way Odoo applies its own
    inventory adjustments (inventory mode of ``stock.quant``), so that its
    move history and stock valuation stay right."""

    _inherit = "stock.quant"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _integration_apply_count(self, system, lines, reference, approved=False):
        """Apply counted quantities, all or none.

        :param lines: dicts with ``product``, ``location``, ``lot`` (records,
            ``lot`` possibly empty), ``quantity`` and ``pointer``
        :param reference: the count's id in the partner system (the reason
            of the adjustments)
        :param approved: a person approved the differences beyond the
            system's threshold
        :return: one dict per line: ``quantity_before``, ``counted``,
            ``difference``
        :raise CountNeedsApproval: when a difference is beyond the threshold
            and the count is not approved
        """
        Quant = self.sudo().with_context(inventory_mode=True)
        rows, held = [], []
        for line in lines:
            before = sum(
                Quant._gather(
                    line["product"],
                    line["location"],
                    lot_id=line["lot"] or None,
                    strict=True,
                ).mapped("quantity")
            )
            rows.append((line, before))
            if beyond_threshold(
                before,
                line["quantity"],
                system.count_threshold_kind,
                system.count_threshold,
            ):
                held.append((line, before))
        if held and not approved:
            first = held[0][0]
            raise CountNeedsApproval(
                _(
                    "Count %(ref)s differs from the books beyond %(system)s's threshold: "
                    "%(lines)s",
                    ref=reference,
                    system=system.display_name,
                    lines="; ".join(
                        f"{line['product'].display_name} at {line['location'].complete_name}: "
                        f"{before:g} on the books, {line['quantity']:g} counted"
                        for line, before in held
                    ),
                ),
                pointer=first["pointer"],
                suggested_fix=_(
                    "Check the count, then press Approve count on the inbound message to "
                    "apply it, or Reject count to leave the books as they are."
                ),
            )
        quants = Quant.browse()
        for line, _before in rows:
            quant = Quant._gather(
                line["product"],
                line["location"],
                lot_id=line["lot"] or None,
                strict=True,
            )[:1]
            if not quant:
                quant = Quant.create(
                    {
                        "product_id": line["product"].id,
                        "location_id": line["location"].id,
                        "lot_id": line["lot"].id if line["lot"] else False,
                    }
                )
            quant.inventory_quantity = line["quantity"]
            quants |= quant
        changed = quants.filtered(
            lambda q: float_compare(
                q.inventory_diff_quantity,
                0,
                precision_rounding=q.product_uom_id.rounding,
            )
        )
        (quants - changed).action_clear_inventory_quantity()
        if changed:
            changed.with_context(
                inventory_name=_(
                    "%(system)s count %(ref)s", system=system.code, ref=reference
                )
            )._apply_inventory()
        return [
            {
                "quantity_before": before,
                "counted": float(line["quantity"]),
                "difference": float(line["quantity"]) - before,
            }
            for line, before in rows
        ]
