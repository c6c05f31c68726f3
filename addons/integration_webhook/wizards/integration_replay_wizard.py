from odoo import api, fields, models
from odoo.exceptions import UserError


class IntegrationReplayWizard(models.TransientModel):
    """Replay deliveries: selected ones, selected events, a filter, or since T."""

    _name = "integration.replay.wizard"
    _description = "Replay webhook deliveries"

    mode = fields.Selection(
        [
            ("deliveries", "The selected deliveries"),
            ("filter", "Deliveries matching a filter"),
            ("since", "Every event since a date"),
        ],
        required=True,
        default="filter",
    )
    delivery_ids = fields.Many2many("integration.delivery")
    subscription_id = fields.Many2one("integration.subscription")
    event_type_ids = fields.Many2many("integration.event.type")
    states = fields.Selection(
        [("dead", "Dead only"), ("failed", "Dead and cancelled"), ("all", "All")],
        default="dead",
    )
    since = fields.Datetime(default=fields.Datetime.now)
    until = fields.Datetime()
    match_count = fields.Integer(compute="_compute_match_count", string="Matching")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "integration.delivery" and context.get(
            "active_ids"
        ):
            values.update(
                mode="deliveries", delivery_ids=[(6, 0, context["active_ids"])]
            )
        if context.get("active_model") == "integration.subscription" and context.get(
            "active_id"
        ):
            values["subscription_id"] = context["active_id"]
        return values

    @api.depends(
        "mode",
        "delivery_ids",
        "subscription_id",
        "event_type_ids",
        "states",
        "since",
        "until",
    )
    def _compute_match_count(self):
        for wizard in self:
            if wizard.mode == "deliveries":
                wizard.match_count = len(wizard.delivery_ids)
            elif wizard.mode == "filter":
                wizard.match_count = self.env["integration.delivery"].search_count(
                    wizard._delivery_domain()
                )
            else:
                wizard.match_count = self.env["integration.event"].search_count(
                    wizard._event_domain()
                )

    def _delivery_domain(self):
        domain = [("is_test", "=", False)]
        if self.subscription_id:
            domain.append(("subscription_id", "=", self.subscription_id.id))
        if self.event_type_ids:
            domain.append(("event_id.event_type_id", "in", self.event_type_ids.ids))
        states = {"dead": ["dead"], "failed": ["dead", "cancelled"]}.get(self.states)
        if states:
            domain.append(("state", "in", states))
        if self.since:
            domain.append(("create_date", ">=", self.since))
        if self.until:
            domain.append(("create_date", "<=", self.until))
        return domain

    def _event_domain(self):
        domain = [("state", "=", "published"), ("time", ">=", self.since)]
        if self.until:
            domain.append(("time", "<=", self.until))
        if self.event_type_ids:
            domain.append(("event_type_id", "in", self.event_type_ids.ids))
        return domain

    def action_replay(self):
        self.ensure_one()
        if self.mode == "deliveries":
            deliveries = self.delivery_ids
        elif self.mode == "filter":
            deliveries = self.env["integration.delivery"].search(
                self._delivery_domain()
            )
        else:
            events = self.env["integration.event"].search(
                self._event_domain(), order="id"
            )
            deliveries = self._replay_events(events, self.subscription_id)
            return self._done(len(deliveries))
        if not deliveries:
            raise UserError(self.env._("No delivery matches."))
        deliveries.action_replay()
        return self._done(len(deliveries))

    @api.model
    def _replay_events(self, events, subscriptions=None):
        """Deliver ``events`` again: existing deliveries are replayed (same
        ``webhook-id``), subscriptions that never got them get new ones."""
        self.env["integration.delivery"]._check_can_replay()
        deliveries = self.env["integration.delivery"].sudo()
        subscriptions = (
            subscriptions
            or self.env["integration.subscription"]
            .sudo()
            .search(
                [
                    ("state", "=", "active"),
                    ("event_type_ids", "in", events.event_type_id.ids),
                ]
            )
        ).sudo()
        existing = deliveries.search(
            [
                ("event_id", "in", events.ids),
                ("subscription_id", "in", subscriptions.ids),
            ]
        )
        seen = {(d.event_id.id, d.subscription_id.id) for d in existing}
        new_vals = [
            event._delivery_vals(subscription)
            for subscription in subscriptions
            for event in events._matching(subscription)
            if (event.id, subscription.id) not in seen
        ]
        existing.action_replay()
        created = deliveries.create(new_vals)
        self.env["integration.delivery.queue"]._enqueue(created.subscription_id)
        return existing | created

    def _done(self, count):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Replay queued"),
                "message": self.env._(
                    "%(count)s deliveries will be sent again.", count=count
                ),
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
