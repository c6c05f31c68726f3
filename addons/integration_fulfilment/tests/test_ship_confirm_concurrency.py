"""A ship-confirm's backorder whose reservation loses to a concurrent
transaction, with real connections and committed data.

The backorder of a partial confirmation reserves the oldest free stock.
When another transaction changed that quant after the validation's own
began (another drain, a person), PostgreSQL refuses the stale snapshot.
The validation must still commit, and the backorder be reserved by a job.
"""

import threading
import uuid
from datetime import datetime

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.queue_job.job import Job

METHOD = "_integration_reserve_later"
OLD_BINS = 5  # the refusals after which a job reserves (RESERVE_ATTEMPTS)


@tagged("-at_install", "post_install")
class TestShipConfirmConcurrency(TransactionCase):
    def environment(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def setUp(self):
        super().setUp()
        tag = uuid.uuid4().hex[:8]
        self.sku = f"SCC-{tag}"
        # Committed: the other connections must see it
        with self.registry.cursor() as cr:
            env = self.environment(cr)
            warehouse = env["stock.warehouse"].search(
                [("company_id", "=", env.company.id)], limit=1
            )
            stock = warehouse.lot_stock_id
            product = env["product.product"].create(
                {
                    "name": f"Race lamp {tag}",
                    "default_code": self.sku,
                    "is_storable": True,
                }
            )
            system = env["integration.system"].create(
                {"name": f"Race 3PL {tag}", "code": f"scc_{tag}", "kind": "wms"}
            )
            env["integration.mapping"].create(
                {
                    "system_id": system.id,
                    "kind": "product",
                    "external_code": self.sku,
                    "res_id": product.id,
                }
            )
            Location = env["stock.location"]
            old_bins = Location.create(
                [
                    {"name": f"SCC old {n} {tag}", "location_id": stock.id}
                    for n in range(OLD_BINS)
                ]
            )
            new_bin = Location.create(
                {"name": f"SCC new {tag}", "location_id": stock.id}
            )
            Quant = env["stock.quant"]
            for day, old_bin in enumerate(old_bins, start=1):
                Quant._update_available_quantity(
                    product, old_bin, 1, in_date=datetime(2020, 1, day)
                )
            Quant._update_available_quantity(
                product, new_bin, 2, in_date=datetime(2021, 1, 1)
            )
            # the other delivery takes the oldest units, the one confirmed
            # the next; then the oldest are free again
            other = self.delivery(env, warehouse, product, OLD_BINS)
            delivery = self.delivery(env, warehouse, product, 2)
            other.do_unreserve()
            self.assertEqual(delivery.move_line_ids.location_id, new_bin)
            # oldest first
            self.old_quants = [
                Quant.search(
                    [("product_id", "=", product.id), ("location_id", "=", old.id)]
                ).id
                for old in old_bins
            ]
            self.oldest = self.old_quants[0]
            self.system_id, self.delivery_id = system.id, delivery.id
            self.open_ids = [other.id]
        self.addCleanup(self.clean_up)

    def delivery(self, env, warehouse, product, quantity):
        stock = warehouse.lot_stock_id
        customers = env.ref("stock.stock_location_customers")
        picking = env["stock.picking"].create(
            {
                "picking_type_id": warehouse.out_type_id.id,
                "location_id": stock.id,
                "location_dest_id": customers.id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "location_id": stock.id,
                            "location_dest_id": customers.id,
                        },
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        return picking

    def clean_up(self):
        with self.registry.cursor() as cr:
            env = self.environment(cr)
            pickings = env["stock.picking"].browse(self.open_ids).exists()
            pickings.filtered(lambda p: p.state != "done").action_cancel()
            env["integration.system"].browse(self.system_id).active = False

    def test_backorder_reserved_by_a_job_when_its_quant_was_changed(self):
        with self.registry.cursor() as cr:
            env = self.environment(cr)
            delivery = env["stock.picking"].browse(self.delivery_id)
            self.assertEqual(delivery.state, "assigned")  # the snapshot is taken
            # another transaction changes every old free quant, and commits
            self.change_elsewhere(self.old_quants)
            system = env["integration.system"].browse(self.system_id)
            delivery._integration_ship_confirm_prepare(
                system,
                {
                    "shipment_id": f"SCC-{self.delivery_id}",
                    "lines": [{"sku": self.sku, "quantity": 1}],
                },
            )
            # PostgreSQL refuses the reservation (Odoo logs the query)
            with mute_logger("odoo.sql_db"):
                delivery._integration_ship_confirm_validate(system, {})
            self.assertEqual(delivery.state, "done")
            backorder = delivery.backorder_ids
            self.open_ids.append(backorder.id)
        with self.registry.cursor() as cr:
            env = self.environment(cr)
            delivery = env["stock.picking"].browse(self.delivery_id)
            self.assertEqual(delivery.state, "done")
            self.assertEqual(delivery.move_ids.quantity, 1)
            backorder = delivery.backorder_ids
            self.assertEqual(backorder.state, "confirmed")
            self.assertEqual(backorder.move_ids.product_uom_qty, 1)
            [job] = (
                env["queue.job"]
                .search(
                    [("method_name", "=", METHOD), ("model_name", "=", "stock.move")]
                )
                .filtered(lambda j: j.records.ids == backorder.move_ids.ids)
            )
            self.assertEqual(job.state, "pending")
            uuid_ = job.uuid
        with self.registry.cursor() as cr:
            env = self.environment(cr)
            Job.load(env, uuid_).perform()
        with self.registry.cursor() as cr:
            backorder = self.environment(cr)["stock.picking"].browse(backorder.id)
            self.assertEqual(backorder.state, "assigned")
            self.assertEqual(
                backorder.move_line_ids.location_id.name.split()[:3],
                ["SCC", "old", "0"],
            )

    def test_a_refused_quant_is_left_out_and_the_next_one_taken(self):
        with self.registry.cursor() as cr:
            env = self.environment(cr)
            delivery = env["stock.picking"].browse(self.delivery_id)
            self.assertEqual(delivery.state, "assigned")  # the snapshot is taken
            self.change_elsewhere(self.old_quants[:1])
            system = env["integration.system"].browse(self.system_id)
            delivery._integration_ship_confirm_prepare(
                system,
                {
                    "shipment_id": f"SCC-{self.delivery_id}",
                    "lines": [{"sku": self.sku, "quantity": 1}],
                },
            )
            jobs = env["queue.job"].search_count([("method_name", "=", METHOD)])
            with mute_logger("odoo.sql_db"):
                delivery._integration_ship_confirm_validate(system, {})
            backorder = delivery.backorder_ids
            self.open_ids.append(backorder.id)
            # reserved in the validation, from the next oldest unit
            self.assertEqual(backorder.state, "assigned")
            self.assertEqual(
                backorder.move_line_ids.location_id.name.split()[:3],
                ["SCC", "old", "1"],
            )
            self.assertEqual(
                env["queue.job"].search_count([("method_name", "=", METHOD)]), jobs
            )

    def change_elsewhere(self, quant_ids):
        """Another transaction changes these quants, and commits."""
        with self.registry.cursor() as other_cr:
            other_cr.execute(
                "UPDATE stock_quant SET quantity = quantity WHERE id = ANY(%s)",
                [quant_ids],
            )

    def test_the_job_tries_again_after_a_concurrent_change(self):
        with self.registry.cursor() as cr:
            env = self.environment(cr)
            delivery = env["stock.picking"].browse(self.delivery_id)
            system = env["integration.system"].browse(self.system_id)
            delivery._integration_ship_confirm_prepare(
                system,
                {
                    "shipment_id": f"SCC-{self.delivery_id}",
                    "lines": [{"sku": self.sku, "quantity": 1}],
                },
            )
            delivery.move_ids.picked = True
            delivery.with_context(skip_backorder=True, skip_sms=True).button_validate()
            backorder = delivery.backorder_ids
            self.open_ids.append(backorder.id)
            backorder.do_unreserve()
            move_ids = backorder.move_ids.ids
        # another transaction changes the backorder's move and commits a
        # second later, while the job's first try waits for it
        other_cr = self.registry.cursor()
        self.addCleanup(other_cr.close)
        other_cr.execute(
            "UPDATE stock_move SET write_date = write_date WHERE id = ANY(%s)",
            [move_ids],
        )
        timer = threading.Timer(1.0, other_cr.commit)
        timer.start()
        self.addCleanup(timer.join)
        with self.registry.cursor() as cr:
            moves = self.environment(cr)["stock.move"].browse(move_ids)
            # its first try is refused (Odoo logs the query), the next reserves
            with mute_logger("odoo.sql_db"):
                summary = moves._integration_reserve_later()
        self.assertEqual(summary, "1 moves to reserve, 1 reserved")
        with self.registry.cursor() as cr:
            backorder = self.environment(cr)["stock.picking"].browse(backorder.id)
            self.assertEqual(backorder.state, "assigned")
