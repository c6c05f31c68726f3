from odoo import api, fields, models
from odoo.exceptions import UserError

STATUS_SELECTION = [
    # outbound deliveries
    ("pending", "Pending"),
    ("delivered", "Delivered"),
    ("dead", "Dead"),
    ("cancelled", "Cancelled"),
    ("shadow", "Shadow (not sent)"),
    # inbound kept messages
    ("received", "Received"),
    ("queued", "Queued"),
    ("needs_fix", "Needs a fix"),
    ("done", "Done"),
    ("rejected", "Rejected"),
    ("failed", "Failed"),
]

#: what a clerk recognises a record by, beyond its name
SKU_SOURCES = {
    "sale.order": "order_line.product_id",
    "stock.picking": "move_ids.product_id",
    "product.product": "",
    "purchase.order": "order_line.product_id",
}


class IntegrationInterfaceMonitor(models.Model):
    """Counts per partner system and interface by status (SAP AIF's
    interface monitor): one row per outbound delivery (interface = event
    type) and per kept inbound message (interface = API route).

    A SQL view over the detail rows, so it always agrees with them; the
    pivot and graph group it, the list drills down to the delivery or the
    message and from there to the Odoo record, labelled with the order
    number, the customer and the SKUs rather than ids.
    """

    _name = "integration.interface.monitor"
    _description = "Integration Interface Monitor"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "reference"

    date = fields.Datetime(readonly=True)
    system_id = fields.Many2one(
        "integration.system", string="Partner system", readonly=True
    )
    company_id = fields.Many2one("res.company", readonly=True)
    direction = fields.Selection(
        [("outbound", "Outbound (event)"), ("inbound", "Inbound (API)")], readonly=True
    )
    interface = fields.Char(readonly=True, help="The event type or the API route.")
    status = fields.Selection(STATUS_SELECTION, readonly=True)
    delivery_id = fields.Many2one("integration.delivery", readonly=True)
    message_id = fields.Many2one("integration.api.message", readonly=True)
    reference = fields.Char(
        readonly=True,
        help="The event's subject, or the partner's reference of a message.",
    )
    record_model = fields.Char(readonly=True)
    record_id = fields.Many2oneReference(
        string="Record ID", model_field="record_model", readonly=True
    )
    attempt_count = fields.Integer(string="Attempts", readonly=True, aggregator="sum")
    http_status = fields.Integer(string="HTTP status", readonly=True, aggregator=False)
    record_label = fields.Char(string="Record", compute="_compute_labels")
    partner_label = fields.Char(string="Customer / partner", compute="_compute_labels")
    sku_label = fields.Char(string="SKUs", compute="_compute_labels")

    @property
    def _table_query(self):
        return """
            SELECT d.id * 2 AS id,
                   d.create_date AS date,
                   d.system_id,
                   d.company_id,
                   'outbound' AS direction,
                   e.type AS interface,
                   d.state AS status,
                   d.id AS delivery_id,
                   NULL::integer AS message_id,
                   e.subject AS reference,
                   e.res_model AS record_model,
                   e.res_id AS record_id,
                   d.attempt_count,
                   d.last_status_code AS http_status
              FROM integration_delivery d
              JOIN integration_event e ON e.id = d.event_id
             WHERE d.is_test IS NOT TRUE
            UNION ALL
            SELECT m.id * 2 + 1,
                   m.create_date,
                   m.system_id,
                   m.company_id,
                   'inbound',
                   m.route,
                   m.state,
                   NULL,
                   m.id,
                   m.reference,
                   m.res_model,
                   NULLIF(split_part(m.res_ids, ',', 1), '')::integer,
                   m.attempt_count,
                   m.result_status
              FROM integration_api_message m
        """

    def _compute_labels(self):
        records = {}
        by_model = {}
        for row in self:
            if row.record_model in self.env and row.record_id:
                by_model.setdefault(row.record_model, set()).add(row.record_id)
        for model, ids in by_model.items():
            for record in self.env[model].sudo().browse(ids).exists():
                records[model, record.id] = record
        for row in self:
            record = records.get((row.record_model, row.record_id))
            row.record_label = record.display_name if record else False
            row.partner_label = (
                record.partner_id.display_name
                if record and "partner_id" in record._fields and record.partner_id
                else False
            )
            row.sku_label = self._sku_label(record) if record else False

    @api.model
    def _sku_label(self, record, limit=3):
        if record._name not in SKU_SOURCES:
            return False
        path = SKU_SOURCES[record._name]
        products = record.mapped(path) if path else record
        codes = [code for code in products.mapped("default_code") if code]
        if not codes:
            return False
        more = len(codes) - limit
        return ", ".join(codes[:limit]) + (f" +{more}" if more > 0 else "")

    # ------------------------------------------------------------------
    # Drill-down
    # ------------------------------------------------------------------
    def action_open_source(self):
        """The delivery or the kept message this row counts."""
        self.ensure_one()
        source = self.delivery_id or self.message_id
        return {
            "type": "ir.actions.act_window",
            "res_model": source._name,
            "res_id": source.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_open_record(self):
        """The order, delivery order, product... the row is about."""
        self.ensure_one()
        if not (self.record_model in self.env and self.record_id):
            raise UserError(self.env._("This row concerns no Odoo record (yet)."))
        record = self.env[self.record_model].browse(self.record_id).exists()
        if not record:
            raise UserError(self.env._("The record no longer exists."))
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
