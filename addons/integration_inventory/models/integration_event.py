from odoo import api, models

from .integration_subscription import ADDRESSED_TYPES


class IntegrationEvent(models.Model):
    _inherit = "integration.event"

    @api.model
    def _audiences(self, type_code):
        """Whom an event of ``type_code`` must be built for: each system with
        a live subscription to it (the event then carries that system's
        codes), and ``False`` when a subscription names no system (Odoo's own
        codes). Nobody subscribed: no event is built at all."""
        subscriptions = (
            self.env["integration.subscription"]
            .sudo()
            .search_fetch(
                [
                    ("state", "in", ("active", "paused")),
                    ("event_type_ids.code", "=", type_code),
                ],
                ["system_id"],
            )
        )
        audiences = []
        # not mapped(): a system next to False would be a union with False
        for system in (s.system_id or False for s in subscriptions):
            if system not in audiences:
                audiences.append(system)
        return audiences

    @api.model
    def _emit_for_audiences(self, type_code, records, build):
        """One ``type_code`` event per record for each audience of
        :meth:`_audiences`; nothing at all when nobody subscribed.

        :param build: ``build(record, system)`` returns the event item
            (``system`` is ``False`` for Odoo's own codes)
        """
        audiences = self.sudo()._audiences(type_code)
        if not audiences or not records:
            return self.browse()
        return self._emit_many(
            [build(record, system) for system in audiences for record in records]
        )

    def _matching(self, subscription):
        """Events built for one system go to that system's subscriptions only
        (system-less ones, in Odoo's codes, to subscriptions without a system):
        another channel's figures are after another allocation, in other codes."""
        return (
            super()
            ._matching(subscription)
            .filtered(
                lambda e: (
                    e.type not in ADDRESSED_TYPES
                    or e.system_id == subscription.system_id
                )
            )
        )
