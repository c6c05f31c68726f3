from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from odoo.addons.integration_core.exceptions import BusinessRuleError
from odoo.addons.integration_core.tools.mapping_codes import normalize_code
from odoo.addons.integration_distribution.tools.batch_memo import BatchMemo

from ..tools.ship_confirm import QUANT_MEMO, VALIDATION_MEMO, allocate, match_reserved

BACKORDER_COPIES = ("backorder_copies",)  # in the validation's memo
NOTES = ("chatter_notes",)  # in the validation's memo: [(picking id, author, body)]
# what a note Odoo posts in the validation may give message_post to be kept
PLAIN_NOTE = {"body", "author_id", "message_type", "subtype_id", "subtype_xmlid"}


class StockPicking(models.Model):
    """Ship-confirm from the warehouse: what a 3PL or WMS says it shipped
    becomes Odoo's own validation of the delivery (move lines with lots,
    one ``stock.quant.package`` per SSCC, the tracking numbers), and
    ``shipment.dispatched`` carries the packages."""

    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    integration_shipment_id = fields.Char(
        string="Warehouse shipment id",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The id the warehouse system gave the shipment that confirmed this "
        "delivery; a repeat of that confirmation changes nothing.",
    )
    integration_shipped_by_id = fields.Many2one(
        "integration.system",
        string="Confirmed by",
        readonly=True,
        copy=False,
        help="The warehouse system that confirmed this delivery as shipped.",
    )

    # ------------------------------------------------------------------
    # ship-confirm
    # ------------------------------------------------------------------
    def _integration_ship_confirm(self, system, payload, ship_date=None):
        """Validate this delivery with what ``system`` shipped.

        :return: the backorder left for the rest (empty when none)
        :raise UnmappedCodeError, BusinessRuleError: see
            :meth:`_integration_ship_confirm_prepare`
        """
        self.ensure_one()
        self._integration_ship_confirm_prepare(system, payload)
        self._integration_ship_confirm_validate(system, {self.id: ship_date})
        return self.sudo().backorder_ids.filtered(lambda p: p.state != "cancel")

    def _integration_ship_confirm_prepare(self, system, payload):
        """Everything but the validation: check what ``system`` shipped
        against this delivery and record it on its move lines (lots,
        packages), carrier and tracking numbers.

        :param payload: the ship-confirm message (``shipment_id``, ``lines``
            with ``sku``, ``quantity``, optional ``uom``, ``lot`` and
            ``package``; ``packages`` with ``sscc``, ``weight`` and
            ``tracking_number``; ``carrier``, ``service``,
            ``tracking_numbers``); SSCCs already checked
        :raise UnmappedCodeError: an unmapped SKU, unit or carrier
        :raise BusinessRuleError: a SKU not on the delivery, more than it
            asks for, an unknown lot: a person fixes it, then reprocesses
        """
        self.ensure_one()
        picking = self.sudo()
        lines = payload["lines"]
        Mapping = self.env["integration.mapping"].sudo()
        products = Mapping.resolve_many(
            system, "product", [line["sku"] for line in lines], "/lines/{index}/sku"
        )
        rows = []
        for index, line in enumerate(lines):
            product = products[normalize_code(line["sku"])]
            quantity = line["quantity"]
            if line.get("uom"):
                uom = Mapping.resolve(
                    system, "uom", line["uom"], pointer=f"/lines/{index}/uom"
                )
                quantity = uom._compute_quantity(quantity, product.uom_id)
            rows.append((index, product, quantity))
        moves = picking.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
        demands = {}
        for move in moves:
            demands.setdefault(move.product_id, []).append(
                (
                    move,
                    move.product_uom._compute_quantity(
                        move.product_uom_qty, move.product_id.uom_id
                    ),
                )
            )
        for index, product, _quantity in rows:
            if product not in demands:
                raise BusinessRuleError(
                    _(
                        "%(sku)s (%(product)s) is not on %(picking)s.",
                        sku=lines[index]["sku"],
                        product=product.display_name,
                        picking=picking.name,
                    ),
                    pointer=f"/lines/{index}/sku",
                    suggested_fix=_(
                        "Add the product to the delivery (or correct the SKU "
                        "mapping), then reprocess the message."
                    ),
                )
        parts, over = allocate(rows, demands)
        if over:
            index = min(over)
            raise BusinessRuleError(
                _(
                    "%(picking)s asks for less %(product)s than shipped: "
                    "%(over)s %(uom)s too many.",
                    picking=picking.name,
                    product=rows[index][1].display_name,
                    over=over[index],
                    uom=rows[index][1].uom_id.name,
                ),
                pointer=f"/lines/{index}/quantity",
                suggested_fix=_(
                    "Raise the ordered quantity if the customer keeps the extra "
                    "goods (or correct the message), then reprocess."
                ),
            )
        packages = picking._integration_confirm_packages(payload.get("packages") or [])
        lots = picking._integration_confirm_lots(lines, rows)
        picking._integration_confirm_carrier(system, payload)
        picking._integration_confirm_move_lines(
            [
                (
                    move,
                    quantity,
                    lots.get(index),
                    packages.get(lines[index].get("package")),
                )
                for index, move, quantity in parts
            ]
        )
        picking.integration_shipment_id = payload["shipment_id"]
        picking.integration_shipped_by_id = system
        # written only where it changes: a move whose lines are all picked is
        # picked already (Odoo computes it from them), and writing it again
        # writes every line again through the inverse
        shipped = picking.move_ids.filtered(lambda m: m.quantity)
        shipped.filtered(lambda m: not m.picked).picked = True
        (picking.move_ids - shipped).filtered(
            lambda m: m.picked and m.state not in ("done", "cancel")
        ).picked = False

    def _integration_ship_confirm_validate(self, system, ship_dates):
        """Odoo's own validation of these prepared deliveries, together
        (one ``button_validate``, as a person validating a batch), the
        backorder decided by the system's policy instead of the wizard.

        The validation keeps the answers to the questions Odoo asks again
        for every move (``VALIDATION_MEMO``: the push rules,
        ``procurement.group._get_push_rule``), copies the batch's
        backorders at once (:meth:`_create_backorder`) and logs Odoo's
        notes together (:meth:`message_post`).

        :param ship_dates: ``{picking id: naive UTC datetime or None}``
        """
        pickings = self.sudo()
        memo = BatchMemo()
        cancel_rest = system.shipment_partial_policy == "cancel"
        # skip_sms: stock_sms's one-time "customers get an SMS" warning is a
        # question for a person at the screen, not for a warehouse system
        answer = pickings.with_context(
            skip_backorder=True,
            picking_ids_not_to_backorder=pickings.ids if cancel_rest else [],
            skip_sms=True,
            **{VALIDATION_MEMO: memo},
        ).button_validate()
        pickings._integration_log_notes(memo)
        for picking in pickings:
            if picking.state != "done":
                asked = isinstance(answer, dict) and answer.get("name")
                raise UserError(
                    _(
                        "%(picking)s could not be validated: Odoo asks %(question)s.",
                        picking=picking.name,
                        question=asked,
                    )
                    if asked
                    else _("%s could not be validated.", picking.name)
                )
            if ship_dates.get(picking.id):
                picking.date_done = ship_dates[picking.id]

    def _create_backorder(self, backorder_moves=None):
        """In a ship-confirm's validation, the backorders of the batch are
        copied in one create (:meth:`_integration_copy_backorders`), then
        Odoo's own ``_create_backorder`` moves the rest into them; they
        reserve with the quants they read kept (``stock.quant._gather``)."""
        memo = self.env.context.get(VALIDATION_MEMO)
        if memo is None:
            return super()._create_backorder(backorder_moves)
        pickings = self.with_context(**{QUANT_MEMO: BatchMemo()})
        copies = memo.get(BACKORDER_COPIES, dict)
        copies.update(pickings._integration_copy_backorders(backorder_moves))
        try:
            backorders = super(StockPicking, pickings)._create_backorder(
                backorder_moves
            )
        except Exception:
            copies.clear()
            raise
        # a copy Odoo did not take (it found nothing to backorder after all)
        # would stay as an empty delivery
        unused = self.browse([copy.id for copy in copies.values()])
        copies.clear()
        unused.unlink()
        self._integration_log_notes(memo)
        return backorders.with_env(self.env)

    def message_post(self, **kwargs):
        """In a ship-confirm's validation, the plain notes Odoo posts on
        the deliveries ("The initial demand has been updated." when a move
        is split, "The backorder ... has been created.") are kept, then
        logged together (:meth:`_integration_log_notes`). Posted one by
        one, each goes through the notification machinery (the thread's
        first message, the followers of the note subtype) for nobody."""
        memo = self.env.context.get(VALIDATION_MEMO)
        if (
            memo is None
            or len(self) != 1
            or set(kwargs) - PLAIN_NOTE
            or kwargs.get("message_type", "notification") != "notification"
            or kwargs.get("subtype_xmlid") not in (None, "mail.mt_note")
            or kwargs.get("subtype_id")
            not in (None, False, self.env.ref("mail.mt_note").id)
        ):
            return super().message_post(**kwargs)
        memo.get(NOTES, list).append(
            (self.id, kwargs.get("author_id"), kwargs.get("body", ""))
        )
        return self.env["mail.message"]

    def _integration_log_notes(self, memo):
        """Log the notes :meth:`message_post` kept, each delivery's in the
        order Odoo posted them, with ``_message_log_batch`` (one create per
        author and round). A delivery with a follower of the note subtype
        gets its notes posted as Odoo posts them, so that nobody misses a
        notification."""
        notes = memo.get(NOTES, list)
        if not notes:
            return
        pending, notes[:] = list(notes), []
        Picking = self.env["stock.picking"].with_context(**{VALIDATION_MEMO: None})
        followed = set(
            self.env["mail.followers"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "stock.picking"),
                    ("res_id", "in", list({note[0] for note in pending})),
                    ("subtype_ids", "in", self.env.ref("mail.mt_note").id),
                ]
            )
            .mapped("res_id")
        )
        for picking_id, author_id, body in pending:
            if picking_id in followed:
                Picking.browse(picking_id).message_post(body=body, author_id=author_id)
        pending = [note for note in pending if note[0] not in followed]
        while pending:
            rounds, later, seen = {}, [], set()
            for picking_id, author_id, body in pending:
                if picking_id in seen:
                    later.append((picking_id, author_id, body))
                    continue
                seen.add(picking_id)
                rounds.setdefault(author_id, {})[picking_id] = body
            for author_id, bodies in rounds.items():
                Picking.browse(list(bodies))._message_log_batch(
                    bodies, author_id=author_id
                )
            pending = later

    def _integration_copy_backorders(self, backorder_moves=None):
        """``{picking id: its backorder}``: the copies Odoo's
        ``_create_backorder`` would make one by one
        (``_create_backorder_picking``: a ``copy`` per delivery, each with
        its own create, creation note and follower), made by one create
        when several deliveries need one. The same values as Odoo's
        ``copy`` (``copy_data`` with Odoo's defaults, translations copied),
        in the order Odoo would create them: the same names from the
        sequence. Odoo's ``_create_backorder`` then takes each delivery's
        copy (:meth:`_create_backorder_picking`) and does the rest itself.
        """
        todo = self.browse(
            [
                picking.id
                for picking in self
                if (
                    backorder_moves.filtered(lambda m, p=picking: m.picking_id == p)
                    if backorder_moves
                    else picking._get_moves_to_backorder()
                )
            ]
        )
        if len(todo) < 2:
            return {}
        defaults = {
            picking.id: picking._integration_backorder_defaults() for picking in todo
        }
        vals_list = []
        for picking in todo:
            vals_list += picking.with_context(active_test=False).copy_data(
                defaults[picking.id]
            )
        copies = self.create(vals_list)
        for picking, copy in zip(todo, copies, strict=True):
            picking.copy_translations(copy, excluded=defaults[picking.id])
        return dict(zip(todo.ids, copies, strict=True))

    def _integration_backorder_defaults(self):
        """What Odoo's ``_create_backorder_picking`` gives ``copy``."""
        self.ensure_one()
        return {
            "name": "/",
            "move_ids": [],
            "move_line_ids": [],
            "backorder_id": self.id,
        }

    def _create_backorder_picking(self):
        """The copy :meth:`_integration_copy_backorders` made for this
        delivery, when it made one."""
        memo = self.env.context.get(VALIDATION_MEMO)
        copies = memo.get(BACKORDER_COPIES, dict) if memo is not None else {}
        copy = copies.pop(self.id, None)
        if copy is None:
            return super()._create_backorder_picking()
        return copy.with_env(self.env)

    def _integration_confirm_lots(self, lines, rows):
        """``{row index: stock.lot}`` of the rows of tracked products (the
        lots of the message read at once)."""
        Lot = self.env["stock.lot"].sudo()
        wanted = [
            (product, lines[index]["lot"])
            for index, product, _quantity in rows
            if product.tracking != "none" and lines[index].get("lot")
        ]
        known = {}
        if wanted:
            for lot in Lot.search(
                [
                    ("product_id", "in", [product.id for product, _name in wanted]),
                    ("name", "in", [name for _product, name in wanted]),
                    ("company_id", "in", (self.company_id.id, False)),
                ]
            ):
                known.setdefault((lot.product_id, lot.name), lot)
        lots = {}
        for index, product, _quantity in rows:
            name = lines[index].get("lot")
            if product.tracking == "none":
                if name:
                    raise BusinessRuleError(
                        _(
                            "%(product)s is not tracked by lots or serial numbers, "
                            "the message gives %(lot)s.",
                            product=product.display_name,
                            lot=name,
                        ),
                        pointer=f"/lines/{index}/lot",
                        suggested_fix=_(
                            "Track the product by lots in Odoo, or remove the lot "
                            "from the message, then reprocess."
                        ),
                    )
                continue
            if not name:
                raise BusinessRuleError(
                    _(
                        "%(product)s is tracked: the shipped row needs its lot or "
                        "serial number.",
                        product=product.display_name,
                    ),
                    pointer=f"/lines/{index}/lot",
                    suggested_fix=_("Add the lot to the message, then reprocess."),
                )
            lot = known.get((product, name))
            if not lot:
                raise BusinessRuleError(
                    _(
                        "Odoo knows no lot %(lot)s of %(product)s.",
                        lot=name,
                        product=product.display_name,
                    ),
                    pointer=f"/lines/{index}/lot",
                    suggested_fix=_(
                        "Receive or create the lot in Odoo (or correct the lot in "
                        "the message), then reprocess."
                    ),
                )
            lots[index] = lot
        return lots

    def _integration_confirm_packages(self, packages):
        """``{sscc: stock.quant.package}``, one package per SSCC.

        An empty package of that name (a reprocess, a label printed in
        advance) is reused; the SSCC of a package already holding goods is
        a business error.
        """
        Package = self.env["stock.quant.package"].sudo()
        found = {}
        if packages:
            for package in Package.search(
                [
                    ("name", "in", [values["sscc"] for values in packages]),
                    ("company_id", "in", (self.company_id.id, False)),
                ],
                order="id",
            ):
                found.setdefault(package.name, package)
        elsewhere = self._integration_packages_on_other_deliveries(found.values())
        result = {}
        to_create = []
        for index, values in enumerate(packages):
            sscc = values["sscc"]
            package = found.get(sscc, Package)
            if package.quant_ids:
                raise BusinessRuleError(
                    _("The package %s holds goods already.", sscc),
                    pointer=f"/packages/{index}/sscc",
                    suggested_fix=_(
                        "An SSCC is used once: correct the message, then reprocess."
                    ),
                )
            if package in elsewhere:
                raise BusinessRuleError(
                    _(
                        "The package %(sscc)s is packed on %(delivery)s, not yet "
                        "shipped.",
                        sscc=sscc,
                        delivery=elsewhere[package],
                    ),
                    pointer=f"/packages/{index}/sscc",
                    suggested_fix=_(
                        "An SSCC is used once: correct the message (or the other "
                        "delivery), then reprocess."
                    ),
                )
            vals = {
                "name": sscc,
                "shipping_weight": values.get("weight") or 0.0,
                "package_use": "disposable",
                "company_id": self.company_id.id,
            }
            if package:
                package.write(vals)
                result[sscc] = package
            else:
                to_create.append(vals)
        for package in Package.create(to_create):
            result[package.name] = package
        return result

    def _integration_packages_on_other_deliveries(self, packages):
        """``{package: delivery name}`` of the ``packages`` that are the
        destination package of another delivery still open: an empty package
        may be a label printed in advance, or the SSCC another confirmation
        of the same batch packed and that is validated with the batch.
        """
        ids = [package.id for package in packages]
        if not ids:
            return {}
        self.env["stock.move.line"].flush_model(["result_package_id", "picking_id"])
        self.env.cr.execute(
            """
            SELECT DISTINCT ON (line.result_package_id)
                   line.result_package_id, picking.name
              FROM stock_move_line line
              JOIN stock_picking picking ON picking.id = line.picking_id
             WHERE line.result_package_id = ANY(%s)
               AND line.picking_id != %s
               AND line.state NOT IN ('done', 'cancel')
            """,
            (ids, self.id),
        )
        Package = self.env["stock.quant.package"]
        return {Package.browse(row[0]): row[1] for row in self.env.cr.fetchall()}

    def _integration_confirm_carrier(self, system, payload):
        """The carrier (the system's code for the carrier, or for its
        ``carrier/service`` when a service is given) and the tracking
        numbers, on Odoo's own fields."""
        if "carrier_id" in self._fields and payload.get("carrier"):
            Mapping = self.env["integration.mapping"].sudo()
            codes = [payload["carrier"]]
            if payload.get("service"):
                codes.insert(0, f"{payload['carrier']}/{payload['service']}")
            found = Mapping.resolve_many(
                system, "carrier", codes, raise_if_missing=False
            )
            carrier = next(
                (found[c] for c in map(normalize_code, codes) if c in found),
                None,
            )
            if carrier is None:
                Mapping.resolve(system, "carrier", codes[0], pointer="/carrier")
            self.carrier_id = carrier
        tracking = list(payload.get("tracking_numbers") or [])
        tracking += [
            p["tracking_number"]
            for p in payload.get("packages") or []
            if p.get("tracking_number")
        ]
        if tracking and "carrier_tracking_ref" in self._fields:
            self.carrier_tracking_ref = ",".join(dict.fromkeys(tracking))

    def _integration_confirm_move_lines(self, parts):
        """The shipped parts on this delivery's move lines.

        A line Odoo reserved for the part's move and lot takes the part as
        it is (its bin, its source package): one write per package, and no
        reservation moves when the quantity is what Odoo reserved. The
        lines no part takes are unreserved; a part left without one gets a
        new line, from where Odoo had reserved its goods when it did.

        :param parts: ``[(move, quantity in the product's unit, lot or
            None, package or None)]``
        """
        reserved = {}
        whole_packages = []  # lines of a package Odoo moves whole: unreserved
        for move_line in self.move_line_ids:
            if move_line.state in ("done", "cancel"):
                continue
            if move_line.package_level_id:
                whole_packages.append(move_line)
                continue
            key = (move_line.move_id.id, move_line.lot_id.id)
            reserved.setdefault(key, []).append(move_line)
        # where Odoo reserved each move's goods (of a lot), for new lines
        locations = {key: lines[0].location_id for key, lines in reserved.items()}
        taken, unused = match_reserved(
            [
                (index, (move.id, lot.id if lot else False))
                for index, (move, _quantity, lot, _package) in enumerate(parts)
            ],
            reserved,
        )
        unused += whole_packages
        if unused:
            self.env["stock.move.line"].browse([ml.id for ml in unused]).unlink()
            self.package_level_ids.filtered(lambda p: not p.move_ids).unlink()
        writes = {}
        for index, move_line in taken.items():
            move, quantity, _lot, package = parts[index]
            vals = {"result_package_id": package.id if package else False}
            qty = move.product_id.uom_id._compute_quantity(
                quantity, move_line.product_uom_id
            )
            if float_compare(
                qty,
                move_line.quantity,
                precision_rounding=move_line.product_uom_id.rounding,
            ):
                vals["quantity"] = qty
            if not move_line.picked:
                vals["picked"] = True
            group = tuple(vals.items())
            writes[group] = writes.get(group, []) + [move_line.id]
        MoveLine = self.env["stock.move.line"]
        for group, ids in writes.items():
            MoveLine.browse(ids).write(dict(group))
        MoveLine.create(
            [
                self._integration_confirm_move_line(
                    move,
                    quantity,
                    lot,
                    package,
                    locations.get((move.id, lot.id if lot else False)),
                )
                for index, (move, quantity, lot, package) in enumerate(parts)
                if index not in taken
            ]
        )

    def _integration_confirm_move_line(self, move, quantity, lot, package, location):
        """The values of one done move line, in the move's unit, into the
        package: from ``location`` (where Odoo had reserved the goods), else
        from where most of them (of that lot) are."""
        if not location:
            domain = [
                ("product_id", "=", move.product_id.id),
                ("location_id", "child_of", move.location_id.id),
                ("quantity", ">", 0),
            ]
            if lot:
                domain.append(("lot_id", "=", lot.id))
            quant = (
                self.env["stock.quant"]
                .sudo()
                .search(domain, order="quantity desc", limit=1)
            )
            location = quant.location_id or move.location_id
        qty = move.product_id.uom_id._compute_quantity(quantity, move.product_uom)
        return {
            "move_id": move.id,
            "picking_id": self.id,
            "product_id": move.product_id.id,
            "product_uom_id": move.product_uom.id,
            "location_id": location.id,
            "location_dest_id": move.location_dest_id.id,
            "lot_id": lot.id if lot else False,
            "result_package_id": package.id if package else False,
            "quantity": qty,
            "picked": True,
        }

    def _integration_shipped_view(self):
        """Plain data: what the warehouse confirmed, as Odoo recorded it."""
        self.ensure_one()
        picking = self.sudo()
        done = picking.move_line_ids.filtered(lambda ml: ml.quantity)
        packages = done.result_package_id
        return {
            "id": picking.id,
            "name": picking.name,
            "state": picking.state,
            "shipment_id": picking.integration_shipment_id or None,
            "date_done": picking.date_done,
            "carrier": (picking["carrier_id"].name or None)
            if "carrier_id" in picking._fields
            else None,
            "tracking_numbers": picking._integration_tracking_numbers(),
            "packages": [
                {
                    "sscc": package.name,
                    "weight": package.shipping_weight or None,
                }
                for package in packages
            ],
            "lines": [
                {
                    "move_id": move.id,
                    "product": move.product_id.display_name,
                    "ordered": move.product_uom_qty,
                    "shipped": move.quantity if move.state == "done" else 0.0,
                    "uom": move.product_uom.name,
                    "state": move.state,
                }
                for move in picking.move_ids
            ],
        }

    def _integration_tracking_numbers(self):
        if "carrier_tracking_ref" not in self._fields:
            return []
        return [t for t in (self.carrier_tracking_ref or "").split(",") if t]

    # ------------------------------------------------------------------
    # shipment.dispatched: packages and tracking numbers (optional in v1)
    # ------------------------------------------------------------------
    def _integration_shipment_dispatched_data(self):
        data = super()._integration_shipment_dispatched_data()
        picking = self.sudo()
        move_lines = picking.move_line_ids.filtered(
            lambda ml: ml.quantity and ml.move_id.state == "done"
        )
        system = picking._integration_source_order().integration_system_id
        codes = self.env["integration.mapping"].code_table(
            system, move_lines.product_id
        )
        packages = []
        for package in move_lines.result_package_id:
            contents = move_lines.filtered(
                lambda ml, p=package: ml.result_package_id == p
            )
            packages.append(
                {
                    "sscc": package.name,
                    "weight": package.shipping_weight or None,
                    "lines": [
                        {
                            "move_id": ml.move_id.id,
                            "product_id": ml.product_id.id,
                            "partner_sku": codes.get(ml.product_id, "product"),
                            "default_code": ml.product_id.default_code or None,
                            "quantity": ml.quantity,
                            "lot": ml.lot_id.name or ml.lot_name or None,
                        }
                        for ml in contents
                    ],
                }
            )
        data["packages"] = packages
        data["tracking_refs"] = picking._integration_tracking_numbers()
        return data
