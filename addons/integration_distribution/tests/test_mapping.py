from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.integration_core.exceptions import UnmappedCodeError
from odoo.addons.integration_core.tests.common import IntegrationCase


@tagged("post_install", "-at_install")
class TestMapping(IntegrationCase):
    """The code mappings with this module's record kinds (customers, ship-to
    addresses): the core mechanism and the customer fallback. Core's own
    tests use its value kind only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Mapping = cls.env["integration.mapping"]
        cls.acme = cls.env["res.partner"].create(
            {"name": "ACME Retail", "ref": "C-ACME"}
        )
        cls.acme_depot = cls.env["res.partner"].create(
            {"name": "ACME depot", "parent_id": cls.acme.id, "type": "delivery"}
        )
        cls.globex = cls.env["res.partner"].create(
            {"name": "Globex", "ref": "C-GLOBEX"}
        )
        cls.acme_mapping = cls.Mapping.create(
            {
                "system_id": cls.system.id,
                "kind": "customer",
                "external_code": "  CUST-001 ",
                "res_id": cls.acme.id,
            }
        )

    def map(self, kind, code, record=None, system=None, **vals):
        vals.update(system_id=(system or self.system).id, kind=kind, external_code=code)
        if record is not None:
            vals["res_id"] = record.id
        return self.Mapping.create(vals)

    # ------------------------------------------------------------------
    # the table
    # ------------------------------------------------------------------
    def test_code_is_stripped_and_model_derived_from_kind(self):
        self.assertEqual(self.acme_mapping.external_code, "CUST-001")
        self.assertEqual(self.acme_mapping.res_model, "res.partner")
        self.assertEqual(self.acme_mapping.record_name, "ACME Retail")
        self.assertEqual(self.acme_mapping.company_id, self.system.company_id)
        self.assertIn("CUST-001", self.acme_mapping.display_name)

    def test_unique_per_system_and_kind(self):
        # same code for another kind is fine
        self.map("ship_to", "CUST-001", self.acme_depot)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.cr.savepoint(),
        ):
            self.map("customer", "CUST-001 ", self.globex)

    def test_record_kind_needs_a_record_and_value_kind_a_value(self):
        with self.assertRaises(ValidationError):
            self.map("customer", "NOBODY")
        with self.assertRaises(ValidationError):
            self.map("status", "DLV")
        status = self.map("status", "DLV", internal_value="delivered")
        self.assertFalse(status.res_model)
        self.assertEqual(status.record_name, "delivered")

    def test_record_name_inverse_finds_by_name_or_xmlid(self):
        by_name = self.map("customer", "G1", record_name="globex")
        self.assertEqual(by_name.res_id, self.globex.id)
        by_xmlid = self.map("customer", "ADM", record_name="base.partner_admin")
        self.assertEqual(by_xmlid.res_id, self.env.ref("base.partner_admin").id)
        with self.assertRaises(ValidationError) as caught:
            self.map("customer", "X1", record_name="Nobody at all 42")
        self.assertIn("named 'Nobody at all 42'", str(caught.exception))

    def test_record_name_is_searchable(self):
        found = self.Mapping.search([("record_name", "ilike", "ACME Ret")])
        self.assertEqual(found, self.acme_mapping)

    def test_csv_import_with_names(self):
        """What an admin imports: system code, kind label, code, record name."""
        csv = (
            "system_id,kind,external_code,record_name\n"
            "test_shop,Customer,G-77,Globex\n"
            "test_shop,Status word,SHIPPED,shipped\n"
        )
        fields = ["system_id", "kind", "external_code", "record_name"]
        if "base_import.import" in self.env:  # the import dialog of the web client
            wizard = self.env["base_import.import"].create(
                {
                    "res_model": "integration.mapping",
                    "file": csv.encode(),
                    "file_type": "text/csv",
                }
            )
            result = wizard.execute_import(
                fields, fields, {"quoting": '"', "separator": ",", "has_headers": True}
            )
        else:
            rows = [line.split(",") for line in csv.splitlines()[1:]]
            result = self.Mapping.load(fields, rows)
        self.assertFalse(result["messages"], result["messages"])
        imported = self.Mapping.search(
            [
                ("system_id", "=", self.system.id),
                ("external_code", "in", ("G-77", "SHIPPED")),
            ]
        )
        self.assertEqual(len(imported), 2)
        self.assertEqual(
            self.Mapping.resolve(self.system, "customer", "G-77"), self.globex
        )
        self.assertEqual(
            self.Mapping.resolve(self.system, "status", "SHIPPED"), "shipped"
        )

    def test_export_gives_names_back(self):
        data = self.acme_mapping.export_data(
            ["system_id", "kind", "external_code", "record_name"]
        )["datas"]
        self.assertEqual(data, [["Test shop", "Customer", "CUST-001", "ACME Retail"]])

    # ------------------------------------------------------------------
    # inbound
    # ------------------------------------------------------------------
    def test_resolve_mapped_code(self):
        self.assertEqual(
            self.Mapping.resolve(self.system, "customer", " CUST-001"), self.acme
        )

    def test_unmapped_code_raises_with_pointer(self):
        self.system.mapping_fallback_customer_ref = False
        with self.assertRaises(UnmappedCodeError) as caught:
            self.Mapping.resolve(
                self.system, "customer", "C-ACME", pointer="/customer/code"
            )
        error = caught.exception
        self.assertEqual(error.pointer, "/customer/code")
        self.assertEqual(error.mapping_kind, "customer")
        self.assertEqual(error.code, "C-ACME")
        self.assertEqual(error.system, self.system)
        self.assertEqual(error.fingerprint(), "test_shop:unmapped:customer:C-ACME")

    def test_blank_code_is_unmapped(self):
        with self.assertRaises(UnmappedCodeError):
            self.Mapping.resolve(self.system, "customer", "  ")

    def test_customer_fallback_by_ref(self):
        self.assertEqual(
            self.Mapping.resolve(self.system, "customer", "C-GLOBEX"), self.globex
        )
        self.system.mapping_fallback_customer_ref = False
        with self.assertRaises(UnmappedCodeError):
            self.Mapping.resolve(self.system, "customer", "C-GLOBEX")

    def test_ambiguous_fallback_is_not_guessed(self):
        self.env["res.partner"].create({"name": "Globex twin", "ref": "C-GLOBEX"})
        with self.assertRaises(UnmappedCodeError):
            self.Mapping.resolve(self.system, "customer", "C-GLOBEX")

    def test_mapping_wins_over_fallback(self):
        self.map("customer", "C-GLOBEX", self.acme)
        self.assertEqual(
            self.Mapping.resolve(self.system, "customer", "C-GLOBEX"), self.acme
        )

    def test_archived_mapping_is_ignored(self):
        self.acme_mapping.active = False
        with self.assertRaises(UnmappedCodeError):
            self.Mapping.resolve(self.system, "customer", "CUST-001")

    def test_deleted_record_counts_as_unmapped(self):
        ghost = self.env["res.partner"].create({"name": "Ghost"})
        self.map("customer", "GHOST", ghost)
        ghost.unlink()
        with self.assertRaises(UnmappedCodeError):
            self.Mapping.resolve(self.system, "customer", "GHOST")

    def test_resolve_many_in_one_query(self):
        self.map("customer", "CUST-002", self.globex)
        codes = ["CUST-002", "CUST-001", "CUST-002"]
        self.Mapping.flush_model()
        with self.assertQueryCount(2):  # the mappings, then which records exist
            found = self.Mapping.resolve_many(self.system, "customer", codes)
        self.assertEqual(found, {"CUST-001": self.acme, "CUST-002": self.globex})

    def test_resolve_many_reports_the_first_missing_with_its_pointer(self):
        self.system.mapping_fallback_customer_ref = False
        with self.assertRaises(UnmappedCodeError) as caught:
            self.Mapping.resolve_many(
                self.system,
                "customer",
                ["CUST-001", "NOPE", "NOPE2"],
                pointers="/lines/{index}/customer",
            )
        self.assertEqual(caught.exception.code, "NOPE")
        self.assertEqual(caught.exception.pointer, "/lines/1/customer")
        partial = self.Mapping.resolve_many(
            self.system, "customer", ["CUST-001", "NOPE"], raise_if_missing=False
        )
        self.assertEqual(partial, {"CUST-001": self.acme})

    def test_resolved_records_use_the_caller_environment(self):
        user_env = self.Mapping.with_user(self.plain_user)
        record = user_env.resolve(self.system, "customer", "CUST-001")
        self.assertEqual(record.env.uid, self.plain_user.id)

    def test_fallback_hook_per_kind(self):
        """This module adds its kinds' fallbacks to core's _fallback_rules."""
        rules = self.Mapping._fallback_rules()
        self.assertEqual(
            [rule.field for rule in rules["product"]], ["default_code", "barcode"]
        )
        self.assertEqual(rules["customer"][0].switch, "mapping_fallback_customer_ref")
        self.assertEqual(
            self.Mapping._resolve_fallback(self.system, "pricelist", ["X"]), {}
        )

    def test_kinds_come_from_this_module(self):
        kinds = self.Mapping._kind_models()
        self.assertEqual(kinds["product"], "product.product")
        self.assertIsNone(kinds["status"])  # core's value kind stays
        selection = [value for value, _label in self.Mapping._fields["kind"].selection]
        self.assertEqual(selection[0], "product")
        self.assertEqual(selection[-1], "status")
        self.assertEqual(set(selection), set(kinds))

    # ------------------------------------------------------------------
    # outbound
    # ------------------------------------------------------------------
    def test_code_for_record(self):
        self.assertEqual(self.Mapping.code_for(self.system, self.acme), "CUST-001")
        self.assertEqual(
            self.Mapping.code_for(self.system, self.acme, kind="customer"), "CUST-001"
        )
        self.assertIsNone(
            self.Mapping.code_for(
                self.system, self.acme, kind="ship_to", fallback=False
            )
        )
        # without mapping: the contact's own reference, unless told not to
        self.assertEqual(self.Mapping.code_for(self.system, self.globex), "C-GLOBEX")
        self.assertIsNone(
            self.Mapping.code_for(self.system, self.globex, fallback=False)
        )
        self.assertIsNone(self.Mapping.code_for(self.system, self.env["res.partner"]))

    def test_code_for_prefers_lowest_sequence(self):
        self.map("customer", "ACME-ALIAS", self.acme, sequence=1)
        self.assertEqual(self.Mapping.code_for(self.system, self.acme), "ACME-ALIAS")

    def test_codes_for_many_records(self):
        codes = self.Mapping.codes_for(
            self.system, self.acme | self.globex | self.acme_depot
        )
        self.assertEqual(codes, {self.acme.id: "CUST-001", self.globex.id: "C-GLOBEX"})

    def test_code_table_answers_as_code_for_without_fallback(self):
        self.map("customer", "ACME-ALIAS", self.acme, sequence=1)
        self.map("ship_to", "ACME-SHIP", self.acme)
        company = self.env.company
        self.map("customer", "COMPANY-AS-CUSTOMER", company.partner_id)
        other = self.env["integration.system"].create(
            {"name": "Other", "code": "other"}
        )
        self.map("customer", "OTHER-ACME", self.acme, system=other)
        partners = self.acme | self.globex | self.acme_depot | company.partner_id
        self.env.flush_all()
        queries = self.env.cr.sql_log_count
        table = self.Mapping.code_table(self.system, partners, self.env["res.users"])
        self.assertEqual(self.env.cr.sql_log_count - queries, 1)
        for partner in partners:
            for kind in (None, "customer", "ship_to"):
                self.assertEqual(
                    table.get(partner, kind),
                    self.Mapping.code_for(self.system, partner, kind, fallback=False),
                    (partner.name, kind),
                )
        self.assertEqual(table.get(self.acme), "ACME-ALIAS")
        self.assertEqual(table.get(self.acme, "ship_to"), "ACME-SHIP")
        no_system = self.Mapping.code_table(self.env["integration.system"], partners)
        self.assertIsNone(no_system.get(self.acme))

    # ------------------------------------------------------------------
    # companies and rights
    # ------------------------------------------------------------------
    def test_multi_company_isolation(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        system_b = self.env["integration.system"].create(
            {"name": "Shop B", "code": "shop_b", "company_id": company_b.id}
        )
        partner_b = self.env["res.partner"].create(
            {"name": "B customer", "ref": "C-B", "company_id": company_b.id}
        )
        # the same code means different things to different systems
        self.map("customer", "CUST-001", partner_b, system=system_b)
        self.assertEqual(
            self.Mapping.resolve(system_b, "customer", "CUST-001"), partner_b
        )
        self.assertEqual(
            self.Mapping.resolve(self.system, "customer", "CUST-001"), self.acme
        )
        # a record of company B cannot be mapped for a company A system
        with self.assertRaises(ValidationError) as caught:
            self.map("customer", "C-B", partner_b)
        self.assertIn("belongs to", str(caught.exception))
        # fallbacks stay inside the system's company
        self.assertFalse(self.Mapping.search([("external_code", "=", "C-B")]))
        with self.assertRaises(UnmappedCodeError):
            self.Mapping.resolve(self.system, "customer", "C-B")
        self.assertEqual(self.Mapping.resolve(system_b, "customer", "C-B"), partner_b)
        # record rule: a company A user does not see company B mappings
        visible = self.Mapping.with_user(self.integration_user).search(
            [("external_code", "=", "CUST-001")]
        )
        self.assertEqual(visible, self.acme_mapping)

    def test_integration_user_creates_mappings_but_cannot_delete(self):
        Mapping = self.Mapping.with_user(self.integration_user)
        mapping = Mapping.create(
            {
                "system_id": self.system.id,
                "kind": "customer",
                "external_code": "BY-STAFF",
                "res_id": self.globex.id,
            }
        )
        mapping.note = "fixed from the exception queue"
        with self.assertRaises(AccessError):
            mapping.unlink()
        self.acme_mapping.with_user(self.integration_manager).unlink()

    def test_plain_user_cannot_read_but_resolution_works(self):
        with self.assertRaises(AccessError):
            self.Mapping.with_user(self.plain_user).search([])
        self.assertEqual(
            self.Mapping.with_user(self.plain_user).code_for(self.system, self.acme),
            "CUST-001",
        )

    def test_system_counts_its_mappings(self):
        self.assertEqual(self.system.mapping_count, 1)
        action = self.system.action_view_mappings()
        self.assertEqual(action["domain"], [("system_id", "=", self.system.id)])

    def test_unmapped_exception_opens_a_prefilled_mapping(self):
        error = UnmappedCodeError("customer", "NEW-42", pointer="/customer/code")
        exception = self.env["integration.exception"].report(
            kind=error.kind,
            title=error.message,
            fingerprint=error.fingerprint(self.system),
            system=self.system,
        )
        self.assertEqual(
            (exception.mapping_kind, exception.mapping_code), ("customer", "NEW-42")
        )
        action = exception.with_user(self.integration_user).action_create_mapping()
        self.assertEqual(action["res_model"], "integration.mapping")
        self.assertFalse(action["res_id"])
        context = action["context"]
        mapping = (
            self.Mapping.with_user(self.integration_user)
            .with_context(**context)
            .create({"res_id": self.globex.id})
        )
        self.assertEqual(mapping.system_id, self.system)
        self.assertEqual(mapping.kind, "customer")
        self.assertEqual(mapping.external_code, "NEW-42")
        self.assertEqual(
            self.Mapping.resolve(self.system, "customer", "NEW-42"), self.globex
        )
        # a second click opens the mapping now there
        self.assertEqual(exception.action_create_mapping()["res_id"], mapping.id)

    def test_other_exceptions_have_no_mapping_hint(self):
        exception = self.env["integration.exception"].report(
            kind="business_rule", title="Credit limit", fingerprint="x:business:1"
        )
        self.assertFalse(exception.mapping_kind)
