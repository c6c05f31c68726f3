from odoo import api, models

from odoo.addons.integration_core.exceptions import BusinessRuleError
from odoo.addons.integration_core.tools.mapping_codes import normalize_code

from ..tools import customers

# What the customer upsert creates is not followed by the technical user.
UPSERT_CONTEXT = {"mail_create_nosubscribe": True, "tracking_disable": True}


class ResPartner(models.Model):
    """A partner system's customer record, by the system's own customer code.

    What ``PUT /api/v1/customers/{ref}`` and ``GET`` do, without HTTP
    (``integration.api.customer.resource`` renders it). The customer is the
    contact the system's ``customer`` mapping names; its addresses and
    people are child contacts (``invoice``, ``delivery``, ``contact``).
    Only an explicit mapping of the system counts, never a fallback: a
    system must not read or change a contact another system (or a person)
    keeps under the same reference.
    """

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _integration_find_customer(self, system, ref):
        """The system's customer ``ref`` names (its ``customer`` mapping),
        in the caller's environment; empty when the system has none."""
        mapping = (
            self.env["integration.mapping"]
            .sudo()
            .search(
                [
                    ("system_id", "=", system.id),
                    ("kind", "=", "customer"),
                    ("external_code", "=", normalize_code(ref)),
                ],
                limit=1,
            )
        )
        if not mapping or not self.sudo().browse(mapping.res_id).exists():
            return self.browse()
        return self.browse(mapping.res_id)

    @api.model
    def _integration_upsert_from_channel(self, system, ref, payload):
        """Create or update the customer ``ref`` of ``system`` from a body
        valid against ``schemas/api/customer.upsert.json``.

        The company fields and its address are replaced; the billing address
        and each shipping address and contact are matched (a shipping
        address by its code, else by name and street; a contact by e-mail,
        else by name) and updated or added. Children the body does not name
        are left as they are: orders may use them. Writing only what differs
        makes a repeated request change nothing.

        :return: ``(partner, created)``
        :raise UnmappedCodeError: unknown pricelist or payment term code
        :raise BusinessRuleError: unknown country or inactive language
        """
        caller, self = self, self.with_context(**UPSERT_CONTEXT)
        ref = normalize_code(ref)
        company = system.company_id
        vals = self._integration_customer_vals(system, payload)
        partner = self._integration_find_customer(system, ref).with_env(self.env)
        created = not partner
        if created:
            partner = self.create(dict(vals, company_id=company.id))
            self.env["integration.mapping"].sudo().create(
                {
                    "system_id": system.id,
                    "kind": "customer",
                    "external_code": ref,
                    "res_id": partner.id,
                    "note": self.env._("Created by PUT /api/v1/customers."),
                }
            )
        else:
            partner._integration_write_changed(vals)
        partner._integration_upsert_properties(system, payload)
        if payload.get("billing_address"):
            partner._integration_upsert_child(
                "invoice",
                self._integration_address_child_vals(
                    payload["billing_address"], "/billing_address"
                ),
                partner.child_ids.filtered(lambda c: c.type == "invoice")[:1],
            )
        for index, address in enumerate(payload.get("shipping_addresses") or []):
            partner._integration_upsert_shipping(system, address, index)
        for contact in payload.get("contacts") or []:
            partner._integration_upsert_contact(contact)
        return caller.browse(partner.id), created

    @api.model
    def _integration_customer_vals(self, system, payload):
        """``res.partner`` values of the company itself (no children)."""
        vals = {
            "name": payload["name"].strip(),
            "is_company": payload.get("is_company", True),
            "vat": payload.get("vat") or False,
            "email": payload.get("email") or False,
            "phone": payload.get("phone") or False,
            "customer_rank": 1,
        }
        vals.update(
            self._integration_address_child_vals(
                payload.get("address") or {}, "/address", name=False
            )
        )
        if payload.get("lang"):
            vals["lang"] = self._integration_channel_lang(payload["lang"])
        return vals

    @api.model
    def _integration_channel_lang(self, code):
        if not self.env["res.lang"]._lang_get(code):
            raise BusinessRuleError(
                self.env._(
                    "Language %(code)s is not active in Odoo: activate it "
                    "(Settings > Languages), then reprocess.",
                    code=code,
                ),
                pointer="/lang",
            )
        return code

    @api.model
    def _integration_address_child_vals(self, address, pointer, name=True):
        """Street, country and state values of an address of the body
        (plus name, e-mail and phone for a child address)."""
        vals = customers.address_vals(address)
        vals["country_id"] = False
        vals["state_id"] = False
        if address.get("country_code"):
            country = self.env["res.country"].search(
                [("code", "=", address["country_code"].upper())], limit=1
            )
            if not country:
                raise BusinessRuleError(
                    self.env._(
                        "Unknown country %(code)s", code=address["country_code"]
                    ),
                    pointer=f"{pointer}/country_code",
                )
            vals["country_id"] = country.id
            if address.get("state_code"):
                state = self.env["res.country.state"].search(
                    [
                        ("country_id", "=", country.id),
                        ("code", "=", address["state_code"]),
                    ],
                    limit=1,
                )
                vals["state_id"] = state.id or False
        if name:
            for key in ("name", "email", "phone"):
                vals[key] = (address.get(key) or "").strip() or False
        return vals

    def _integration_write_changed(self, vals):
        """Write the values of ``vals`` that differ (many2one as ids)."""
        self.ensure_one()
        current = {
            key: (self[key].id if self._fields[key].type == "many2one" else self[key])
            for key in vals
        }
        changed = customers.changed_vals(current, vals)
        if changed:
            self.write(changed)
        return changed

    def _integration_upsert_properties(self, system, payload):
        """Pricelist and payment term, mapped codes, in the system's company."""
        self.ensure_one()
        Mapping = self.env["integration.mapping"]
        partner = self.with_company(system.company_id)
        vals = {}
        if payload.get("pricelist"):
            vals["property_product_pricelist"] = Mapping.resolve(
                system, "pricelist", payload["pricelist"], pointer="/pricelist"
            ).id
        if payload.get("payment_term"):
            vals["property_payment_term_id"] = Mapping.resolve(
                system, "payment_term", payload["payment_term"], pointer="/payment_term"
            ).id
        if vals:
            partner._integration_write_changed(vals)

    def _integration_upsert_child(self, child_type, vals, existing):
        """Update ``existing`` (a child of ``self``) or add a new child."""
        self.ensure_one()
        vals.setdefault("name", False)
        if not vals["name"]:
            vals["name"] = self.name
        if existing:
            existing._integration_write_changed(vals)
            return existing
        return self.create(dict(vals, parent_id=self.id, type=child_type))

    def _integration_upsert_shipping(self, system, address, index):
        """One shipping address: by its code (a ``ship_to`` mapping, created
        with the address), else the delivery child at the same place."""
        self.ensure_one()
        pointer = f"/shipping_addresses/{index}"
        vals = self._integration_address_child_vals(address, pointer)
        code = address.get("code")
        Mapping = self.env["integration.mapping"]
        existing = self.browse()
        if code:
            found = Mapping.resolve_many(
                system, "ship_to", [code], raise_if_missing=False
            )
            existing = next(iter(found.values()), self.browse())
            if existing and existing.parent_id != self:
                raise BusinessRuleError(
                    self.env._(
                        "Shipping address %(code)s belongs to %(other)s, not to "
                        "this customer.",
                        code=code,
                        other=existing.parent_id.display_name or existing.display_name,
                    ),
                    pointer=f"{pointer}/code",
                )
        if not existing:
            wanted = dict(address, name=vals["name"] or self.name)
            existing = self.child_ids.filtered(
                lambda child: (
                    child.type == "delivery"
                    and customers.same_address(
                        {
                            key: child[key]
                            for key in ("name", *customers.ADDRESS_FIELDS)
                        },
                        wanted,
                    )
                )
            )[:1]
        child = self._integration_upsert_child("delivery", vals, existing)
        if code and not Mapping.resolve_many(
            system, "ship_to", [code], raise_if_missing=False
        ):
            Mapping.sudo().create(
                {
                    "system_id": system.id,
                    "kind": "ship_to",
                    "external_code": code,
                    "res_id": child.id,
                    "note": self.env._("Created by PUT /api/v1/customers."),
                }
            )
        return child

    def _integration_upsert_contact(self, contact):
        """One person: the contact child with the same e-mail, else name."""
        self.ensure_one()
        vals = {
            "name": contact["name"].strip(),
            "email": (contact.get("email") or "").strip() or False,
            "phone": (contact.get("phone") or "").strip() or False,
            "function": (contact.get("function") or "").strip() or False,
        }
        people = self.child_ids.filtered(lambda child: child.type == "contact")
        existing = self.browse()
        if vals["email"]:
            existing = people.filtered(
                lambda child: (child.email or "").casefold() == vals["email"].casefold()
            )[:1]
        if not existing:
            existing = people.filtered(
                lambda child: (child.name or "").casefold() == vals["name"].casefold()
            )[:1]
        return self._integration_upsert_child("contact", vals, existing)

    # ------------------------------------------------------------------
    # View
    # ------------------------------------------------------------------
    def _integration_customer_view(self, system):
        """The customer as ``system`` sees it (the body of
        ``GET /api/v1/customers/{ref}``), with the system's codes."""
        self.ensure_one()
        partner = self.sudo().with_company(system.company_id)
        Mapping = self.env["integration.mapping"]
        children = partner.child_ids
        invoice = children.filtered(lambda c: c.type == "invoice")[:1]
        deliveries = children.filtered(lambda c: c.type == "delivery")
        codes = Mapping.code_table(
            system,
            partner,
            deliveries,
            partner.property_product_pricelist,
            partner.property_payment_term_id,
        )

        def address(contact, with_name=True):
            values = {
                "street": contact.street or None,
                "street2": contact.street2 or None,
                "zip": contact.zip or None,
                "city": contact.city or None,
                "state_code": contact.state_id.code or None,
                "country_code": contact.country_id.code or None,
            }
            if with_name:
                values.update(
                    id=contact.id,
                    name=contact.name or "",
                    email=contact.email or None,
                    phone=contact.phone or None,
                )
            return values

        return {
            "id": partner.id,
            "ref": codes.get(partner, "customer"),
            "name": partner.name,
            "is_company": partner.is_company,
            "vat": partner.vat or None,
            "lang": partner.lang or None,
            "email": partner.email or None,
            "phone": partner.phone or None,
            "address": address(partner, with_name=False),
            "billing_address": address(invoice) if invoice else None,
            "shipping_addresses": [
                dict(address(child), code=codes.get(child, "ship_to"))
                for child in deliveries
            ],
            "contacts": [
                {
                    "id": child.id,
                    "name": child.name or "",
                    "email": child.email or None,
                    "phone": child.phone or None,
                    "function": child.function or None,
                }
                for child in children.filtered(lambda c: c.type == "contact")
            ],
            "pricelist": codes.get(partner.property_product_pricelist, "pricelist"),
            "payment_term": codes.get(partner.property_payment_term_id, "payment_term"),
        }
