from datetime import timedelta

from odoo import api, fields, models

from ..tools import sla

WAITING_MESSAGE_STATES = ("received", "queued", "needs_fix")


class IntegrationSystem(models.Model):
    """The overview card of a partner system and its business SLA targets.

    The card's figures are computed for all the cards of the page with one
    query each (no stored counters to keep in step): open exceptions by kind
    and age, the delivery backlog (read on the partial index of pending
    deliveries), the messages waiting and today's SLA attainment from the
    hourly time series.
    """

    _inherit = "integration.system"

    # ------------------------------------------------------------------
    # Targets (the Cockpit tab of the system form); 0 = not measured
    # ------------------------------------------------------------------
    sla_order_acceptance_minutes = fields.Integer(
        string="Order acceptance (min)",
        default=15,
        help="Order received by the API -> confirmed -> order.accepted delivered "
        "to this system, at most this many minutes. 0: not measured.",
    )
    sla_shipment_confirmation_minutes = fields.Integer(
        string="Shipment confirmation (min)",
        default=30,
        help="Delivery done in Odoo -> shipment.dispatched delivered (the ASN "
        "must arrive before the goods). 0: not measured.",
    )
    sla_inventory_freshness_minutes = fields.Integer(
        string="Inventory freshness (min)",
        default=5,
        help="Stock change committed -> availability.changed delivered to this "
        "channel. 0: not measured.",
    )
    sla_partner_ack_seconds = fields.Integer(
        string="Partner acknowledgement (s)",
        default=60,
        help="A delivery counts as acknowledged when the partner answered 2xx "
        "within this many seconds of the event. 0: not measured.",
    )
    sla_exception_age_hours = fields.Integer(
        string="Exception age (h)",
        default=24,
        help="Open exceptions older than this count against the backlog "
        "measure. 0: not measured.",
    )
    sla_attainment_target = fields.Float(
        string="Attainment target (%)",
        default=95.0,
        help="A measure below this share over the last 24 hours (the backlog: "
        "right now) is a breach: one SLA exception per system and measure.",
    )
    sla_min_samples = fields.Integer(
        string="Minimum samples",
        default=5,
        help="Fewer samples than this in the last 24 hours decide nothing.",
    )

    # ------------------------------------------------------------------
    # Overview card
    # ------------------------------------------------------------------
    cockpit_exception_fresh_count = fields.Integer(
        string="Open < 1 h", compute="_compute_cockpit_exceptions"
    )
    cockpit_exception_today_count = fields.Integer(
        string="Open 1-24 h", compute="_compute_cockpit_exceptions"
    )
    cockpit_exception_old_count = fields.Integer(
        string="Open > 24 h", compute="_compute_cockpit_exceptions"
    )
    cockpit_exception_kinds = fields.Json(
        string="Open exceptions by kind",
        compute="_compute_cockpit_exceptions",
        help="[[label, count], ...], most first.",
    )
    cockpit_delivery_pending_count = fields.Integer(
        string="Deliveries pending", compute="_compute_cockpit_backlog"
    )
    cockpit_message_waiting_count = fields.Integer(
        string="Messages waiting", compute="_compute_cockpit_backlog"
    )
    cockpit_sla_attainment_today = fields.Float(
        string="SLA attainment today (%)", compute="_compute_cockpit_sla"
    )
    cockpit_sla_has_data = fields.Boolean(compute="_compute_cockpit_sla")
    cockpit_sla_met = fields.Boolean(compute="_compute_cockpit_sla")

    def _compute_cockpit_exceptions(self):
        counts = {}
        kinds = {}
        if self.ids:
            now = fields.Datetime.now()
            self.env["integration.exception"].flush_model(
                ["system_id", "state", "kind", "first_seen"]
            )
            self.env.cr.execute(
                """
                SELECT system_id, kind, count(*),
                       count(*) FILTER (WHERE first_seen >= %(hour)s),
                       count(*) FILTER (WHERE first_seen < %(hour)s
                                          AND first_seen >= %(day)s),
                       count(*) FILTER (WHERE first_seen < %(day)s)
                  FROM integration_exception
                 WHERE state IN ('new', 'in_progress') AND system_id = ANY(%(ids)s)
                 GROUP BY system_id, kind
                """,
                {
                    "ids": self.ids,
                    "hour": now - timedelta(hours=1),
                    "day": now - timedelta(days=1),
                },
            )
            rows = self.env.cr.fetchall()
            # (after the fetch: reading the labels may query the translations)
            labels = dict(
                self.env["integration.exception"]
                ._fields["kind"]
                ._description_selection(self.env)
            )
            for system_id, kind, total, fresh, today, old in rows:
                figures = counts.setdefault(system_id, [0, 0, 0])
                figures[0] += fresh
                figures[1] += today
                figures[2] += old
                kinds.setdefault(system_id, []).append([labels.get(kind, kind), total])
        for system in self:
            fresh, today, old = counts.get(system.id, (0, 0, 0))
            system.cockpit_exception_fresh_count = fresh
            system.cockpit_exception_today_count = today
            system.cockpit_exception_old_count = old
            system.cockpit_exception_kinds = sorted(
                kinds.get(system.id, []), key=lambda item: (-item[1], item[0])
            )

    def _compute_cockpit_backlog(self):
        pending, waiting = {}, {}
        if self.ids:
            self.env["integration.delivery"].flush_model(["state", "subscription_id"])
            self.env["integration.api.message"].flush_model(["state", "system_id"])
            # the partial index of due deliveries holds exactly the pending ones
            self.env.cr.execute(
                """
                SELECT s.system_id, count(*)
                  FROM integration_delivery d
                  JOIN integration_subscription s ON s.id = d.subscription_id
                 WHERE d.state = 'pending' AND s.system_id = ANY(%s)
                 GROUP BY s.system_id
                """,
                [self.ids],
            )
            pending = dict(self.env.cr.fetchall())
            self.env.cr.execute(
                """
                SELECT system_id, count(*)
                  FROM integration_api_message
                 WHERE state IN %s AND system_id = ANY(%s)
                 GROUP BY system_id
                """,
                [WAITING_MESSAGE_STATES, self.ids],
            )
            waiting = dict(self.env.cr.fetchall())
        for system in self:
            system.cockpit_delivery_pending_count = pending.get(system.id, 0)
            system.cockpit_message_waiting_count = waiting.get(system.id, 0)

    def _compute_cockpit_sla(self):
        figures = {}
        if self.ids:
            today = sla.day_floor(fields.Datetime.now())
            groups = (
                self.env["integration.sla.measure"]
                .sudo()
                ._read_group(
                    [
                        ("system_id", "in", self.ids),
                        ("granularity", "=", "hour"),
                        ("bucket_start", ">=", today),
                    ],
                    ["system_id"],
                    ["samples:sum", "within:sum"],
                )
            )
            figures = {
                system.id: (samples, within) for system, samples, within in groups
            }
        for system in self:
            samples, within = figures.get(system.id, (0, 0))
            share = sla.attainment(samples, within)
            system.cockpit_sla_has_data = share is not None
            system.cockpit_sla_attainment_today = share or 0.0
            system.cockpit_sla_met = (
                share is None or share >= system.sla_attainment_target
            )

    # ------------------------------------------------------------------
    # Buttons of the card
    # ------------------------------------------------------------------
    def _cockpit_action(self, xml_id, domain, context=None):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xml_id)
        action["domain"] = domain
        action["context"] = dict(context or {})
        action["display_name"] = f"{self.name}: {action['name']}"
        return action

    def action_cockpit_open_exceptions(self):
        """Open exceptions of this system, grouped by kind; ``cockpit_age``
        in the context (fresh / today / old) keeps one age class."""
        domain = [("system_id", "=", self.id), ("state", "in", ("new", "in_progress"))]
        now = fields.Datetime.now()
        age = self.env.context.get("cockpit_age")
        if age == "fresh":
            domain.append(("first_seen", ">=", now - timedelta(hours=1)))
        elif age == "today":
            domain += [
                ("first_seen", "<", now - timedelta(hours=1)),
                ("first_seen", ">=", now - timedelta(days=1)),
            ]
        elif age == "old":
            domain.append(("first_seen", "<", now - timedelta(days=1)))
        action = self._cockpit_action(
            "integration_core.integration_exception_action",
            domain,
            {"default_system_id": self.id, "group_by": ["kind"]},
        )
        action["view_mode"] = "list,kanban,form,pivot,graph"
        action["views"] = [
            (False, mode) for mode in ("list", "kanban", "form", "pivot", "graph")
        ]
        return action

    def action_cockpit_open_deliveries(self):
        return self._cockpit_action(
            "integration_webhook.integration_delivery_action",
            [("subscription_id.system_id", "=", self.id)],
            {"search_default_pending": 1},
        )

    def action_cockpit_open_messages(self):
        return self._cockpit_action(
            "integration_api.integration_api_message_action",
            [("system_id", "=", self.id), ("state", "in", WAITING_MESSAGE_STATES)],
        )

    def action_cockpit_open_sla(self):
        return self._cockpit_action(
            "integration_cockpit.integration_sla_measure_action",
            [("system_id", "=", self.id)],
            {"search_default_today": 1, "search_default_hourly": 1},
        )

    def action_cockpit_open_monitor(self):
        return self._cockpit_action(
            "integration_cockpit.integration_interface_monitor_action",
            [("system_id", "=", self.id)],
            {"search_default_last_7_days": 1},
        )

    @api.model
    def _cockpit_sla_targets(self):
        """Measure -> the field holding its target and the factor to seconds."""
        return {
            "order_acceptance": ("sla_order_acceptance_minutes", 60),
            "shipment_confirmation": ("sla_shipment_confirmation_minutes", 60),
            "inventory_freshness": ("sla_inventory_freshness_minutes", 60),
            "partner_ack": ("sla_partner_ack_seconds", 1),
            # the window the 3PL is held to (tab Warehouse releases)
            "release_ack": ("release_ack_window", 60),
            "exception_backlog": ("sla_exception_age_hours", 3600),
        }

    def _cockpit_target_seconds(self, measure):
        self.ensure_one()
        field_name, factor = self._cockpit_sla_targets()[measure]
        return (self[field_name] or 0) * factor
