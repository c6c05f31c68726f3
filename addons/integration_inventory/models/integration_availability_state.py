import json

from psycopg2.extras import execute_values

from odoo import api, fields, models

from ..tools.availability import FIGURES, availability_subject


class IntegrationAvailabilityState(models.Model):
    """What a channel was last told of a product in a warehouse.

    The ``previous`` figures of the next ``availability.changed`` event of
    the subject: a connector that must compare-and-set sends them as the
    value it expects.
    """

    _name = "integration.availability.state"
    _description = "Integration Availability Last Announced"
    _order = "id"

    system_id = fields.Many2one(
        "integration.system", required=True, index=True, ondelete="cascade"
    )
    product_id = fields.Many2one("product.product", required=True, ondelete="cascade")
    warehouse_id = fields.Many2one("stock.warehouse", required=True, ondelete="cascade")
    figures = fields.Json(readonly=True)
    event_id = fields.Many2one("integration.event", readonly=True, ondelete="set null")

    _sql_constraints = [
        (
            "system_product_warehouse_uniq",
            "unique(system_id, product_id, warehouse_id)",
            "One last state per channel, product and warehouse.",
        )
    ]

    @api.model
    def _announce(self, changed):
        """Emit the events of ``changed`` (``{(product id, warehouse id):
        changed at}``) for every channel publishing availability.

        :return: the events written
        """
        systems = (
            self.env["integration.system"]
            .sudo()
            .search([("availability_publish", "=", True), ("state", "=", "active")])
        )
        Event = self.env["integration.event"]
        events = Event
        for system in systems:
            feeding = system._availability_warehouses()
            keys = [key for key in changed if key[1] in feeding.ids]
            if not keys:
                continue
            items, states = self._items(system, keys, changed)
            if items:
                emitted = Event.with_company(system.company_id)._emit_many(items)
                self._store(system, states, emitted)
                events |= emitted
        return events

    def _items(self, system, keys, changed):
        products = (
            self.env["product.product"]
            .sudo()
            .with_company(system.company_id)
            .browse(sorted({p for p, _w in keys}))
            .exists()
            .filtered("is_storable")
        )
        warehouses = (
            self.env["stock.warehouse"].sudo().browse(sorted({w for _p, w in keys}))
        )
        if not products:
            return [], []
        figures = products._integration_stock_figures(warehouses, system=system)
        last = self._last(system, products, warehouses)
        codes = self.env["integration.mapping"].code_table(
            system, products, products.uom_id, warehouses
        )
        resource = self.env["integration.api.availability.resource"]
        items, states = [], []
        for product in products:
            for warehouse in warehouses:
                key = (product.id, warehouse.id)
                if key not in changed:
                    continue
                new = {name: figures[key][name] for name in FIGURES}
                previous = last.get(key)
                if previous == new:
                    continue
                items.append(
                    {
                        "type": "availability.changed",
                        "record": product,
                        "system": system,
                        "subject": availability_subject(
                            system.code, warehouse.code, product.id
                        ),
                        "data": {
                            "system": system.code,
                            "sku": resource._sku(system, product, codes),
                            "product": {
                                "id": product.id,
                                "default_code": product.default_code or None,
                                "barcode": product.barcode or None,
                                "name": product.name,
                            },
                            "warehouse": {
                                "id": warehouse.id,
                                "code": warehouse.code,
                                "name": warehouse.name,
                                "partner_code": codes.get(warehouse, "warehouse"),
                            },
                            "uom": product.uom_id.name,
                            "uom_code": codes.get(product.uom_id, "uom"),
                            "figures": new,
                            "previous": previous,
                            "changed_at": changed[key].isoformat(
                                timespec="milliseconds"
                            )
                            + "Z",
                        },
                    }
                )
                states.append((key, new))
        return items, states

    def _last(self, system, products, warehouses):
        rows = self.search_fetch(
            [
                ("system_id", "=", system.id),
                ("product_id", "in", products.ids),
                ("warehouse_id", "in", warehouses.ids),
            ],
            ["product_id", "warehouse_id", "figures"],
        )
        return {(row.product_id.id, row.warehouse_id.id): row.figures for row in rows}

    def _store(self, system, states, events):
        """Upsert the figures just announced (one statement)."""
        by_subject = {event.subject: event.id for event in events}
        codes = {
            w.id: w.code
            for w in self.env["stock.warehouse"].browse({w for (_p, w), _f in states})
        }
        uid = self.env.uid
        rows = [
            (
                system.id,
                product_id,
                warehouse_id,
                json.dumps(figures),
                by_subject.get(
                    availability_subject(system.code, codes[warehouse_id], product_id)
                ),
                uid,
            )
            for (product_id, warehouse_id), figures in states
        ]
        self.env.flush_all()
        execute_values(
            self.env.cr._obj,
            """
            INSERT INTO integration_availability_state
                   (system_id, product_id, warehouse_id, figures, event_id,
                    create_uid, write_uid, create_date, write_date)
            SELECT v.system_id, v.product_id, v.warehouse_id, v.figures::jsonb, v.event_id::int,
                   v.uid, v.uid, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM (VALUES %s) AS v (system_id, product_id, warehouse_id, figures, event_id, uid)
            ON CONFLICT (system_id, product_id, warehouse_id) DO UPDATE
               SET figures = EXCLUDED.figures, event_id = EXCLUDED.event_id,
                   write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
            """,
            rows,
        )
        self.invalidate_model(["figures", "event_id"])
