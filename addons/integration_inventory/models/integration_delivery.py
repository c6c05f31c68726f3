from datetime import datetime

from odoo import api, fields, models


class IntegrationDelivery(models.Model):
    """Inventory freshness: from the stock change to the channel informed."""

    _inherit = "integration.delivery"

    stock_changed_at = fields.Datetime(
        compute="_compute_stock_changed_at",
        store=True,
        help="availability.changed: when the stock change it reports was committed.",
    )
    freshness_seconds = fields.Float(
        string="Stock change to delivered (s)",
        compute="_compute_freshness_seconds",
        store=True,
        aggregator="avg",
        help="How long the channel waited to hear of the stock change.",
    )

    @api.depends("event_id")
    def _compute_stock_changed_at(self):
        for delivery in self:
            data = (
                delivery.event_id.data
                if delivery.event_id.type == "availability.changed"
                else None
            )
            changed_at = (data or {}).get("changed_at")
            delivery.stock_changed_at = (
                datetime.fromisoformat(changed_at.rstrip("Z")) if changed_at else False
            )

    @api.depends("stock_changed_at", "delivered_at")
    def _compute_freshness_seconds(self):
        for delivery in self:
            if delivery.stock_changed_at and delivery.delivered_at:
                # delivered_at is kept to the second, the change to the millisecond
                delivery.freshness_seconds = max(
                    0.0,
                    (delivery.delivered_at - delivery.stock_changed_at).total_seconds(),
                )
            else:
                delivery.freshness_seconds = 0.0
