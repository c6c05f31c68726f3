from odoo import fields, models


class IntegrationApiMessage(models.Model):
    _inherit = "integration.api.message"

    broker_consumer_id = fields.Many2one(
        "integration.broker.consumer",
        string="From queue",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The broker consumer that received this message (empty: HTTP).",
    )
