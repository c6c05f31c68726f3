from odoo import api, fields, models
from odoo.osv import expression


class IntegrationDocumentLinksMixin(models.AbstractModel):
    """Smart buttons of a business document (sale order, picking): the inbound
    messages, events and webhook deliveries about it, counted and listed.

    A document says which records it stands for with
    :meth:`_integration_linked_records` (a sale order: itself and its pickings)
    and may add messages kept under the partner's reference before it existed
    with :meth:`_integration_message_domain`.
    """

    _name = "integration.document.links.mixin"
    _description = "Integration messages, events and deliveries of a document"

    integration_message_count = fields.Integer(
        string="Integration messages",
        compute="_compute_integration_link_counts",
        groups="integration_core.group_integration_user",
    )
    integration_event_count = fields.Integer(
        string="Integration events",
        compute="_compute_integration_link_counts",
        groups="integration_core.group_integration_user",
    )
    integration_delivery_count = fields.Integer(
        string="Webhook deliveries",
        compute="_compute_integration_link_counts",
        groups="integration_core.group_integration_user",
    )

    def _integration_linked_records(self):
        """The records whose events and deliveries this document shows."""
        self.ensure_one()
        return [self]

    def _integration_message_domain(self):
        self.ensure_one()
        return expression.OR(
            [
                self.env["integration.api.message"]._domain_for_records(records)
                for records in self._integration_linked_records()
                if records
            ]
        )

    def _integration_event_domain(self):
        self.ensure_one()
        return expression.OR(
            [
                [("res_model", "=", records._name), ("res_id", "in", records.ids)]
                for records in self._integration_linked_records()
                if records
            ]
        )

    def _integration_delivery_domain(self):
        self.ensure_one()
        return expression.OR(
            [
                [
                    ("event_id.res_model", "=", records._name),
                    ("event_id.res_id", "in", records.ids),
                ]
                for records in self._integration_linked_records()
                if records
            ]
        )

    def _compute_integration_link_counts(self):
        for document in self:
            if not document.id:
                document.integration_message_count = 0
                document.integration_event_count = 0
                document.integration_delivery_count = 0
                continue
            document.integration_message_count = self.env[
                "integration.api.message"
            ].search_count(document._integration_message_domain())
            document.integration_event_count = self.env[
                "integration.event"
            ].search_count(document._integration_event_domain())
            document.integration_delivery_count = self.env[
                "integration.delivery"
            ].search_count(document._integration_delivery_domain())

    @api.model
    def _integration_list_action(self, xmlid, domain, name):
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action.update(domain=domain, context={"create": False}, name=name)
        return action

    def action_view_integration_messages(self):
        self.ensure_one()
        return self._integration_list_action(
            "integration_api.integration_api_message_action",
            self._integration_message_domain(),
            self.env._("Messages of %(document)s", document=self.display_name),
        )

    def action_view_integration_events(self):
        self.ensure_one()
        return self._integration_list_action(
            "integration_core.integration_event_action",
            self._integration_event_domain(),
            self.env._("Events of %(document)s", document=self.display_name),
        )

    def action_view_integration_deliveries(self):
        self.ensure_one()
        return self._integration_list_action(
            "integration_webhook.integration_delivery_action",
            self._integration_delivery_domain(),
            self.env._(
                "Webhook deliveries of %(document)s", document=self.display_name
            ),
        )
