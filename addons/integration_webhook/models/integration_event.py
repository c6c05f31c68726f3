from odoo import models


class IntegrationEvent(models.Model):
    _inherit = "integration.event"

    def _after_publish(self):
        result = super()._after_publish()
        self.env["integration.subscription"]._fan_out(self)
        return result

    def _filter_purgeable(self):
        """Keep events whose deliveries are still to be sent."""
        events = super()._filter_purgeable()
        waiting = self.env["integration.delivery"].sudo().search(
            [("event_id", "in", events.ids), ("state", "=", "pending")]
        )
        return events - waiting.event_id

    def action_replay(self):
        """Deliver these events again to their subscriptions."""
        return self.env["integration.replay.wizard"]._replay_events(self)
