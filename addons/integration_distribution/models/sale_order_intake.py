from odoo import api, models
from odoo.exceptions import UserError

from odoo.addons.integration_core.exceptions import (
    BusinessRuleError,
    IntegrationError,
    UnmappedCodeError,
)
from odoo.addons.integration_core.tools.mapping_codes import normalize_code

from ..tools import order_intake
from ..tools.batch_memo import BATCH_MEMO, BatchMemo

# The system's technical user does not follow what the intake creates
# (orders, their deliveries, new contacts): it never reads a chatter.
INTAKE_CONTEXT = {"mail_create_nosubscribe": True}
# Deliveries made by the confirmation log no "Transfer created" note: their
# first message already says which order they come from.
CONFIRM_CONTEXT = {"mail_create_nolog": True}


class SaleOrder(models.Model):
    """The channel order intake: a partner's order payload to Odoo orders.

    What ``POST /api/v1/orders`` does, without HTTP: the resource
    (``integration.api.order.resource``) calls these methods and renders
    what they return. Kept apart from ``sale_order.py`` (the event producer)
    and ``sale_order_channel_view.py`` (status, view and cancel). Codes are
    translated by ``integration.mapping``; a code nobody mapped raises
    :class:`UnmappedCodeError` with the JSON pointer of the code, a valid
    order Odoo cannot take raises :class:`BusinessRuleError`: the API
    framework keeps the message and opens an exception for both.
    """

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Create
    # ------------------------------------------------------------------
    @api.model
    def _integration_intake(self):
        """This model as the intake uses it: the context above, and a
        :class:`BatchMemo` for the questions Odoo asks again for every line
        (analytic distribution, stock rules, replenishment triggers).

        The orders the intake returns are bound to the caller's environment
        again: what happens to them after the batch asks Odoo afresh."""
        return self.with_context(**INTAKE_CONTEXT, **{BATCH_MEMO: BatchMemo()})

    @api.model
    def _integration_create_from_channel(self, system, payload):
        """Create (and by default confirm) the order a partner system sent.

        The same ``external_ref`` from the same system returns the order
        already created, so a partner may safely resend.

        :param system: the ``integration.system`` that sent the order
        :param payload: the body, valid against ``schemas/api/order.create.json``
        :return: ``(order, created)``; ``created`` is False for a resend
        :raise UnmappedCodeError: a partner code has no mapping
        :raise BusinessRuleError: the order cannot be taken as it is
        """
        caller, self = self, self._integration_intake()
        external_ref = normalize_code(payload["external_ref"])
        existing = self._integration_find_by_external_ref(system, external_ref)
        if existing:
            return caller.browse(existing.id), False
        # All or nothing: a code that fails on line 7 must not leave the
        # contact created for line 0 behind.
        with self.env.cr.savepoint():
            vals = self._integration_channel_order_vals(system, payload)
            vals["integration_external_ref"] = external_ref
            order = self.with_company(system.company_id).create(vals)
            if payload.get("confirm", True):
                order.with_context(**CONFIRM_CONTEXT).action_confirm()
        return caller.browse(order.id), True

    @api.model
    def _integration_create_many_from_channel(self, system, payloads_):
        """Create (and confirm) many channel orders of one system at once.

        What :meth:`_integration_create_from_channel` does for each, in bulk:
        one ``create`` and one ``action_confirm`` for all of them, which costs
        about half as much per order as one order at a time. A payload whose
        codes or rules fail does not stop the others.

        :return: one outcome per payload, in order: ``(order, created)`` or
            the ``IntegrationError`` that stopped it
        """
        caller, self = self, self._integration_intake()
        refs = [normalize_code(payload["external_ref"]) for payload in payloads_]
        existing = self._integration_find_by_external_refs(system, refs)
        known = self._integration_channel_known_codes(system, payloads_)
        outcomes = [None] * len(payloads_)
        vals_by_ref = {}  # the first payload of each new reference, in order
        confirm = set()
        for index, (payload, ref) in enumerate(zip(payloads_, refs, strict=True)):
            if ref in existing or ref in vals_by_ref:
                continue
            try:
                with self.env.cr.savepoint():
                    vals = self._integration_channel_order_vals(system, payload, known)
            except IntegrationError as error:
                outcomes[index] = error
                continue
            except UserError as error:
                outcomes[index] = BusinessRuleError.from_user_error(error)
                continue
            vals_by_ref[ref] = dict(vals, integration_external_ref=ref)
            if payload.get("confirm", True):
                confirm.add(ref)
        orders = self.with_company(system.company_id).create(list(vals_by_ref.values()))
        new_orders = dict(zip(vals_by_ref, orders, strict=True))
        orders.filtered(
            lambda order: order.integration_external_ref in confirm
        ).with_context(**CONFIRM_CONTEXT).action_confirm()
        answered = set()
        for index, ref in enumerate(refs):
            if outcomes[index] is not None:
                continue
            if ref in existing:
                outcomes[index] = (caller.browse(existing[ref].id), False)
            else:
                outcomes[index] = (
                    caller.browse(new_orders[ref].id),
                    ref not in answered,
                )
                answered.add(ref)
        return outcomes

    @api.model
    def _integration_find_by_external_refs(self, system, external_refs):
        """``{external_ref: order}`` of the system's orders (see
        :meth:`_integration_find_by_external_ref`)."""
        orders = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("integration_system_id", "=", system.id),
                    ("integration_external_ref", "in", list(set(external_refs))),
                ]
            )
        )
        return {
            order.integration_external_ref: self.browse(order.id) for order in orders
        }

    @api.model
    def _integration_find_by_external_ref(self, system, external_ref):
        """The order of ``system`` with this external reference, or empty.

        Searched as superuser: the system's user may not see every order
        (e.g. a salesman's own-documents rule), but a resend must find it.
        """
        found = self._integration_find_by_external_refs(system, [external_ref])
        return found.get(external_ref, self.browse())

    @api.model
    def _integration_channel_known_codes(self, system, payloads_):
        """The customer codes and SKUs of many orders, resolved at once.

        ``{kind: {code: record}}``; a code that does not resolve is left out,
        for its own order to report with the right pointer. Saves two
        mapping queries per order in a batch.
        """
        Mapping = self.env["integration.mapping"]
        customer_codes = [payload["customer"].get("code") for payload in payloads_]
        skus = [line.get("sku") for payload in payloads_ for line in payload["lines"]]
        return {
            "customer": Mapping.resolve_many(
                system, "customer", customer_codes, raise_if_missing=False
            ),
            "product": Mapping.resolve_many(
                system, "product", skus, raise_if_missing=False
            ),
        }

    @api.model
    def _integration_channel_order_vals(self, system, payload, known=None):
        """``sale.order`` create values from a channel order: codes resolved.

        :param known: codes already resolved for a batch, from
            :meth:`_integration_channel_known_codes`
        """
        known = known or {}
        Mapping = self.env["integration.mapping"]
        customer = self._integration_channel_customer(
            system, payload["customer"], known.get("customer")
        )
        self._integration_check_currency(system, customer, payload.get("currency"))
        ship_to = customer
        if payload.get("ship_to"):
            ship_to = self._integration_channel_ship_to(
                system, customer, payload["ship_to"]
            )
        vals = {
            "company_id": system.company_id.id,
            "partner_id": customer.id,
            "partner_shipping_id": ship_to.id,
            "integration_system_id": system.id,
            "client_order_ref": payload.get("client_order_ref") or False,
            "order_line": [
                (0, 0, line_vals)
                for line_vals in self._integration_channel_line_vals(
                    system, payload["lines"], known.get("product")
                )
            ],
        }
        if payload.get("warehouse"):
            warehouse = Mapping.resolve(
                system, "warehouse", payload["warehouse"], pointer="/warehouse"
            )
            vals["warehouse_id"] = warehouse.id
        requested = order_intake.parse_requested_date(payload.get("requested_date"))
        if requested:
            vals["commitment_date"] = requested
        if payload.get("note"):
            vals["note"] = payload["note"]
        return vals

    @api.model
    def _integration_channel_customer(self, system, party, known=None):
        """The customer: by code, or created from inline details.

        With both a code and a name, an unmapped code creates the contact and
        maps the code to it (a web shop's new customer); a mapped code wins.
        A system whose policy is *existing* never creates one: an unknown
        customer raises instead.

        :param known: ``{code: customer}`` already resolved for a batch
        """
        Mapping = self.env["integration.mapping"]
        code = party.get("code")
        if known and normalize_code(code) in known:
            return known[normalize_code(code)]
        may_create = system.order_partner_policy == "create"
        if code:
            try:
                return Mapping.resolve(
                    system, "customer", code, pointer="/customer/code"
                )
            except UnmappedCodeError:
                if not (party.get("name") and may_create):
                    raise
        partner = self._integration_partner_by_email(system, party.get("email"))
        if not partner and not may_create:
            raise BusinessRuleError(
                self.env._(
                    "Unknown customer %(name)s: this system may not create customers. "
                    "Map its code or create the contact, then reprocess.",
                    name=party.get("name") or party.get("email") or "",
                ),
                pointer="/customer",
            )
        if not partner:
            partner = self.env["res.partner"].create(
                self._integration_partner_vals(party, pointer="/customer")
            )
        if code:
            Mapping.sudo().create(
                {
                    "system_id": system.id,
                    "kind": "customer",
                    "external_code": code,
                    "res_id": partner.id,
                    "note": self.env._("Created by the order intake."),
                }
            )
        return partner

    @api.model
    def _integration_partner_by_email(self, system, email):
        """The one company contact with this e-mail (a returning guest
        customer), or empty: several matches are not guessed."""
        if not email:
            return self.env["res.partner"]
        found = self.env["res.partner"].search(
            [
                ("email", "=ilike", email),
                ("parent_id", "=", False),
                ("company_id", "in", [False, system.company_id.id]),
            ],
            limit=2,
        )
        return found if len(found) == 1 else self.env["res.partner"]

    @api.model
    def _integration_channel_ship_to(self, system, customer, party):
        """The delivery address: by code, an existing child address with the
        same street/zip/city, or a new delivery address of the customer."""
        Mapping = self.env["integration.mapping"]
        code = party.get("code")
        if code:
            found = Mapping.resolve_many(
                system, "ship_to", [code], raise_if_missing=False
            ) or Mapping.resolve_many(
                system, "customer", [code], raise_if_missing=False
            )
            if found:
                return next(iter(found.values()))
            if not (party.get("name") or party.get("street")):
                raise UnmappedCodeError(
                    "ship_to", code, pointer="/ship_to/code", system=system
                )
        vals = self._integration_partner_vals(party, pointer="/ship_to")
        vals.setdefault("name", customer.name)
        same = customer.child_ids.filtered(
            lambda p: (
                p.type == "delivery"
                and (p.street or False) == vals.get("street", False)
                and (p.zip or False) == vals.get("zip", False)
                and (p.city or False) == vals.get("city", False)
                and p.name == vals["name"]
            )
        )
        if same:
            return same[:1]
        if system.order_partner_policy != "create":
            raise BusinessRuleError(
                self.env._(
                    "Unknown delivery address for %(customer)s: this system may not "
                    "create addresses. Add it to the customer or map its code, then "
                    "reprocess.",
                    customer=customer.display_name,
                ),
                pointer="/ship_to",
            )
        return self.env["res.partner"].create(
            dict(vals, parent_id=customer.id, type="delivery")
        )

    @api.model
    def _integration_partner_vals(self, party, pointer):
        vals = {
            key: party[key]
            for key in (
                "name",
                "email",
                "phone",
                "street",
                "street2",
                "zip",
                "city",
                "vat",
            )
            if party.get(key)
        }
        if party.get("country_code"):
            country = self.env["res.country"].search(
                [("code", "=", party["country_code"])], limit=1
            )
            if not country:
                raise BusinessRuleError(
                    self.env._("Unknown country %(code)s", code=party["country_code"]),
                    pointer=f"{pointer}/country_code",
                )
            vals["country_id"] = country.id
            if party.get("state_code"):
                state = self.env["res.country.state"].search(
                    [
                        ("country_id", "=", country.id),
                        ("code", "=", party["state_code"]),
                    ],
                    limit=1,
                )
                vals["state_id"] = state.id or False
        return vals

    @api.model
    def _integration_channel_line_vals(self, system, lines, known_products=None):
        """Order line values; products and units resolved in one query per kind.

        :param known_products: ``{sku: product}`` already resolved for a batch
        """
        Mapping = self.env["integration.mapping"]
        skus = order_intake.line_codes(lines, "sku")
        known_products = known_products or {}
        if all(normalize_code(sku) in known_products for sku in skus if sku):
            by_sku = known_products
        else:  # resolved again, to report the first unknown SKU where it is
            by_sku = Mapping.resolve_many(
                system, "product", skus, pointers="/lines/{index}/sku"
            )
        gtins = [line.get("gtin") if not line.get("sku") else None for line in lines]
        by_gtin = self._integration_resolve_gtins(system, gtins)
        uoms = order_intake.line_codes(lines, "uom")
        by_uom = Mapping.resolve_many(
            system, "uom", uoms, pointers="/lines/{index}/uom"
        )
        vals_list = []
        for index, line in enumerate(lines):
            if line.get("sku"):
                product = by_sku[normalize_code(line["sku"])]
            else:
                product = by_gtin[normalize_code(line["gtin"])]
            if not product.sale_ok:
                raise BusinessRuleError(
                    self.env._(
                        "%(product)s cannot be sold", product=product.display_name
                    ),
                    pointer=f"/lines/{index}",
                )
            vals = {"product_id": product.id, "product_uom_qty": line["qty"]}
            if line.get("uom"):
                uom = by_uom[normalize_code(line["uom"])]
                if uom.category_id != product.uom_id.category_id:
                    raise BusinessRuleError(
                        self.env._(
                            "%(product)s is not sold in %(uom)s",
                            product=product.display_name,
                            uom=uom.name,
                        ),
                        pointer=f"/lines/{index}/uom",
                    )
                vals["product_uom"] = uom.id
            if "price_unit" in line:
                vals["price_unit"] = line["price_unit"]
            if "discount" in line:
                vals["discount"] = line["discount"]
            if line.get("description"):
                vals["name"] = line["description"]
            vals_list.append(vals)
        return vals_list

    @api.model
    def _integration_resolve_gtins(self, system, gtins):
        """``{gtin: product}``: a product mapping first, then the barcode
        (whatever the system's fallback settings: a GTIN *is* a barcode)."""
        Mapping = self.env["integration.mapping"]
        found = Mapping.resolve_many(system, "product", gtins, raise_if_missing=False)
        missing = [
            code
            for code in {normalize_code(g) for g in gtins if g}
            if code not in found
        ]
        found.update(
            Mapping._fallback_by_field(system, "product.product", "barcode", missing)
        )
        for index, gtin in enumerate(gtins):
            if gtin and normalize_code(gtin) not in found:
                raise UnmappedCodeError(
                    "product", gtin, pointer=f"/lines/{index}/gtin", system=system
                )
        return found

    @api.model
    def _integration_check_currency(self, system, customer, currency_code):
        """Refuse an order whose currency is not the one Odoo would invoice in."""
        if not currency_code:
            return
        company = system.company_id
        pricelist = customer.with_company(company).property_product_pricelist
        currency = pricelist.currency_id or company.currency_id
        if currency.name != currency_code:
            raise BusinessRuleError(
                self.env._(
                    "The order would be in %(odoo)s, not %(sent)s: give the "
                    "customer a pricelist in %(sent)s.",
                    odoo=currency.name,
                    sent=currency_code,
                ),
                pointer="/currency",
            )
