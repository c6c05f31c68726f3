from odoo import models

from odoo.addons.integration_distribution.tools import payloads


class StockPicking(models.Model):
    """A shipment in ``GET /api/v1/orders/{ref}`` with its carrier tracking:
    status, ETA, proof of delivery and the timeline of milestones."""

    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    def _integration_channel_shipment_view(self, skus):
        view = super()._integration_channel_shipment_view(skus)
        picking = self.sudo()
        view.update(
            tracking_status=picking.integration_tracking_status or None,
            eta=payloads.iso_date(picking.integration_eta),
            delivered_at=payloads.iso_date(picking.integration_delivered_at),
            received_by=picking.integration_pod_receiver or None,
            milestones=[
                {
                    "status": milestone.status,
                    "carrier_status": milestone.carrier_status or None,
                    "substatus": milestone.substatus or None,
                    "occurred_at": payloads.iso_date(milestone.occurred_at),
                    "location": milestone.location or None,
                    "applied": milestone.applied,
                }
                for milestone in picking.integration_milestone_ids.sorted(
                    lambda m: (m.occurred_at, m.id)
                )
            ],
        )
        return view
