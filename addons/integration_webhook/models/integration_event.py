from odoo import fields, models
from odoo.tools.safe_eval import safe_eval


class IntegrationEvent(models.Model):
    _inherit = "integration.event"

    def _after_publish(self):
        result = super()._after_publish()
        self._fan_out()
        return result

    # ------------------------------------------------------------------
    # Fan-out from the outbox
    # ------------------------------------------------------------------
    def _fan_out(self):
        """Create the deliveries of these events and enqueue their jobs.

        Runs in the emitting transaction, so deliveries and jobs exist exactly
        when the events do. It is paid by the user who confirmed the order, so
        it makes three queries whatever the number of subscriptions: one finds
        the subscriptions with what is read of them
        (``integration.subscription._listening``), one inserts the deliveries
        (``integration.delivery._insert``), one the drain jobs not already
        waiting (``integration.delivery.queue._enqueue``).

        :return: the ``integration.delivery`` records created
        """
        deliveries = self.env["integration.delivery"].sudo()
        subscriptions = self.env["integration.subscription"]._listening(
            self.event_type_id
        )
        if not subscriptions:
            return deliveries
        vals_list = [
            event._delivery_vals(subscription)
            for subscription in subscriptions
            for event in self._matching(subscription)
        ]
        deliveries = deliveries._insert(vals_list)
        to_send = deliveries.filtered(lambda d: d.state == "pending")
        self.env["integration.delivery.queue"]._enqueue(to_send.subscription_id)
        return deliveries

    def _matching(self, subscription):
        """The events of ``self`` that ``subscription`` receives: its event
        types, its company, its system, its record filter.

        A subscription of a partner system hears the events of that system
        and those of no system; never another partner's (one web shop must
        not learn of another's orders). A subscription without a system (an
        internal consumer) hears them all.
        """
        candidates = self.filtered(
            lambda e: (
                e.event_type_id in subscription.event_type_ids
                and (not e.company_id or e.company_id == subscription.company_id)
                and (
                    not subscription.system_id
                    or not e.system_id
                    or e.system_id == subscription.system_id
                )
            )
        )
        if not subscription.filter_domain or not candidates:
            return candidates
        domain = safe_eval(subscription.filter_domain)
        by_model = candidates.filtered(
            lambda e: e.res_model == subscription.filter_model
        )
        records = (
            self.env[subscription.filter_model].sudo().browse(by_model.mapped("res_id"))
        )
        kept_ids = set(records.filtered_domain(domain).ids)
        return by_model.filtered(lambda e: e.res_id in kept_ids)

    def _delivery_vals(self, subscription):
        """Values of the delivery of this event to ``subscription``."""
        self.ensure_one()
        return {
            "event_id": self.id,
            "subscription_id": subscription.id,
            "company_id": subscription.company_id.id,
            "state": "shadow" if subscription.shadow_mode else "pending",
            "next_attempt_at": fields.Datetime.now(),
        }

    # ------------------------------------------------------------------
    # Retention and replay
    # ------------------------------------------------------------------
    def _filter_purgeable(self):
        """Keep events whose deliveries are still to be sent."""
        events = super()._filter_purgeable()
        waiting = (
            self.env["integration.delivery"]
            .sudo()
            .search([("event_id", "in", events.ids), ("state", "=", "pending")])
        )
        return events - waiting.event_id

    def action_replay(self):
        """Deliver these events again to their subscriptions."""
        return self.env["integration.replay.wizard"]._replay_events(self)
