"""The code mapping mechanism with core alone: its value kind (status words)
and the hooks other modules extend. The record kinds (products, customers,
...) and their fallbacks are tested in ``integration_distribution``."""

from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..exceptions import UnmappedCodeError
from ..tools.mapping_codes import FallbackRule
from .common import IntegrationCase


@tagged("post_install", "-at_install")
class TestMapping(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Mapping = cls.env["integration.mapping"]
        cls.shipped = cls.Mapping.create(
            {
                "system_id": cls.system.id,
                "kind": "status",
                "external_code": "  SHP ",
                "internal_value": "shipped",
            }
        )

    def map(self, code, value="delivered", system=None, **vals):
        vals.update(
            system_id=(system or self.system).id,
            kind="status",
            external_code=code,
            internal_value=value,
        )
        return self.Mapping.create(vals)

    def patch_model(self, name, method):
        patcher = patch.object(type(self.Mapping), name, method)
        patcher.start()
        self.addCleanup(patcher.stop)

    # ------------------------------------------------------------------
    # the table
    # ------------------------------------------------------------------
    def test_core_declares_only_a_value_kind(self):
        self.assertEqual(self.Mapping._kind_models().get("status", "?"), None)
        self.assertIn("status", dict(self.Mapping._fields["kind"].selection))

    def test_code_is_stripped_and_value_kind_has_no_model(self):
        self.assertEqual(self.shipped.external_code, "SHP")
        self.assertFalse(self.shipped.res_model)
        self.assertEqual(self.shipped.record_name, "shipped")
        self.assertEqual(self.shipped.company_id, self.system.company_id)
        self.assertIn("SHP", self.shipped.display_name)

    def test_unique_per_system_and_kind(self):
        other = self.env["integration.system"].create(
            {"name": "Other", "code": "other"}
        )
        self.map("SHP", system=other)  # same code for another system is fine
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.cr.savepoint(),
        ):
            self.map("SHP ")

    def test_value_kind_needs_a_value(self):
        with self.assertRaises(ValidationError):
            self.map("DLV", value=False)

    def test_record_name_sets_the_value_and_is_searchable(self):
        mapping = self.map("DLV", value=False, record_name="delivered")
        self.assertEqual(mapping.internal_value, "delivered")
        found = self.Mapping.search(
            [("record_name", "=", "shipped"), ("system_id", "=", self.system.id)]
        )
        self.assertEqual(found, self.shipped)

    def test_csv_import_with_names(self):
        """What an admin imports: system code, kind label, code, value."""
        fields = ["system_id", "kind", "external_code", "record_name"]
        result = self.Mapping.load(fields, [["test_shop", "Status word", "OUT", "out"]])
        self.assertFalse(result["messages"], result["messages"])
        self.assertEqual(self.Mapping.resolve(self.system, "status", "OUT"), "out")

    def test_export_gives_names_back(self):
        data = self.shipped.export_data(
            ["system_id", "kind", "external_code", "record_name"]
        )["datas"]
        self.assertEqual(data, [["Test shop", "Status word", "SHP", "shipped"]])

    # ------------------------------------------------------------------
    # inbound
    # ------------------------------------------------------------------
    def test_resolve_mapped_code(self):
        self.assertEqual(self.Mapping.resolve(self.system, "status", " SHP"), "shipped")

    def test_unmapped_code_raises_with_pointer(self):
        with self.assertRaises(UnmappedCodeError) as caught:
            self.Mapping.resolve(self.system, "status", "LOST", pointer="/status")
        error = caught.exception
        self.assertEqual(error.pointer, "/status")
        self.assertEqual(error.mapping_kind, "status")
        self.assertEqual(error.code, "LOST")
        self.assertEqual(error.system, self.system)
        self.assertEqual(error.fingerprint(), "test_shop:unmapped:status:LOST")

    def test_blank_code_is_unmapped(self):
        with self.assertRaises(UnmappedCodeError):
            self.Mapping.resolve(self.system, "status", "  ")

    def test_archived_mapping_is_ignored(self):
        self.shipped.active = False
        with self.assertRaises(UnmappedCodeError):
            self.Mapping.resolve(self.system, "status", "SHP")

    def test_resolve_many_in_one_query(self):
        self.map("DLV")
        codes = ["DLV", "SHP", "DLV"]
        self.Mapping.flush_model()
        with self.assertQueryCount(1):  # value kinds: the mappings only
            found = self.Mapping.resolve_many(self.system, "status", codes)
        self.assertEqual(found, {"SHP": "shipped", "DLV": "delivered"})

    def test_resolve_many_reports_the_first_missing_with_its_pointer(self):
        with self.assertRaises(UnmappedCodeError) as caught:
            self.Mapping.resolve_many(
                self.system, "status", ["SHP", "NOPE", "NOPE2"], pointers="/x/{index}"
            )
        self.assertEqual(caught.exception.code, "NOPE")
        self.assertEqual(caught.exception.pointer, "/x/1")
        partial = self.Mapping.resolve_many(
            self.system, "status", ["SHP", "NOPE"], raise_if_missing=False
        )
        self.assertEqual(partial, {"SHP": "shipped"})

    # ------------------------------------------------------------------
    # the hooks other modules extend
    # ------------------------------------------------------------------
    def test_fallbacks_are_for_record_kinds_only(self):
        """Core declares none; whatever the installed modules add is about
        kinds with a model."""
        kinds = self.Mapping._kind_models()
        for kind, rules in self.Mapping._fallback_rules().items():
            self.assertTrue(kinds.get(kind), kind)
            self.assertTrue(all(rule.model == kinds[kind] for rule in rules), kind)
        self.assertEqual(
            self.Mapping._resolve_fallback(self.system, "status", ["SHP"]), {}
        )

    def test_fallback_rules_are_applied_in_order_with_their_switch(self):
        Partner = self.env["res.partner"]
        acme = Partner.create({"name": "ACME", "ref": "C-ACME", "email": "EM-1"})
        globex = Partner.create({"name": "Globex", "ref": "C-GLOBEX"})
        Partner.create({"name": "Twin 1", "ref": "C-TWIN"})
        Partner.create({"name": "Twin 2", "ref": "c-twin"})
        other_company = self.env["res.company"].create({"name": "Other Co"})
        Partner.create({"name": "Far", "ref": "C-FAR", "company_id": other_company.id})
        self.patch_model(
            "_fallback_rules",
            lambda model: {
                "thing": [
                    FallbackRule("active", "res.partner", "ref", ilike=True),
                    FallbackRule(None, "res.partner", "email"),
                ]
            },
        )
        resolve = self.Mapping._resolve_fallback
        codes = ["c-acme", "C-GLOBEX", "C-TWIN", "C-FAR", "EM-1", "NONE"]
        # ambiguous matches and other companies' records are left out
        self.assertEqual(
            resolve(self.system, "thing", codes),
            {"c-acme": acme, "C-GLOBEX": globex, "EM-1": acme},
        )
        self.assertEqual(resolve(self.system, "other", codes), {})
        # a rule whose switch is off for the system is skipped
        self.system.active = False
        self.assertEqual(resolve(self.system, "thing", codes), {"EM-1": acme})

    def test_outbound_fallback_fields_hook(self):
        partners = self.env["res.partner"].create(
            [{"name": "A", "ref": "REF-A"}, {"name": "B"}]
        )
        self.patch_model("_outbound_fallback_fields", lambda model: {})
        self.assertEqual(self.Mapping.codes_for(self.system, partners), {})
        self.patch_model(
            "_outbound_fallback_fields", lambda model: {"res.partner": "ref"}
        )
        self.assertEqual(
            self.Mapping.codes_for(self.system, partners), {partners[0].id: "REF-A"}
        )
        self.assertEqual(self.Mapping.code_for(self.system, partners[0]), "REF-A")
        self.assertIsNone(
            self.Mapping.code_for(self.system, partners[0], fallback=False)
        )
        self.assertIsNone(
            self.Mapping.code_table(self.system, partners).get(partners[0])
        )

    # ------------------------------------------------------------------
    # companies and rights
    # ------------------------------------------------------------------
    def test_multi_company_isolation(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        system_b = self.env["integration.system"].create(
            {"name": "Shop B", "code": "shop_b", "company_id": company_b.id}
        )
        # the same code means different things to different systems
        self.map("SHP", value="dispatched", system=system_b)
        self.assertEqual(self.Mapping.resolve(system_b, "status", "SHP"), "dispatched")
        self.assertEqual(self.Mapping.resolve(self.system, "status", "SHP"), "shipped")
        # record rule: a company A user does not see company B mappings
        visible = self.Mapping.with_user(self.integration_user).search(
            [("external_code", "=", "SHP")]
        )
        self.assertEqual(visible, self.shipped)

    def test_integration_user_creates_mappings_but_cannot_delete(self):
        Mapping = self.Mapping.with_user(self.integration_user)
        mapping = Mapping.create(
            {
                "system_id": self.system.id,
                "kind": "status",
                "external_code": "BY-STAFF",
                "internal_value": "delivered",
            }
        )
        mapping.note = "fixed from the exception queue"
        with self.assertRaises(AccessError):
            mapping.unlink()
        self.shipped.with_user(self.integration_manager).unlink()

    def test_plain_user_cannot_read_but_resolution_works(self):
        with self.assertRaises(AccessError):
            self.Mapping.with_user(self.plain_user).search([])
        self.assertEqual(
            self.Mapping.with_user(self.plain_user).resolve(
                self.system, "status", "SHP"
            ),
            "shipped",
        )

    def test_system_counts_its_mappings(self):
        self.assertEqual(self.system.mapping_count, 1)
        action = self.system.action_view_mappings()
        self.assertEqual(action["domain"], [("system_id", "=", self.system.id)])

    def test_unmapped_exception_opens_a_prefilled_mapping(self):
        error = UnmappedCodeError("status", "NEW-42", pointer="/status")
        exception = self.env["integration.exception"].report(
            kind=error.kind,
            title=error.message,
            fingerprint=error.fingerprint(self.system),
            system=self.system,
        )
        self.assertEqual(
            (exception.mapping_kind, exception.mapping_code), ("status", "NEW-42")
        )
        action = exception.with_user(self.integration_user).action_create_mapping()
        self.assertEqual(action["res_model"], "integration.mapping")
        self.assertFalse(action["res_id"])
        mapping = (
            self.Mapping.with_user(self.integration_user)
            .with_context(**action["context"])
            .create({"internal_value": "returned"})
        )
        self.assertEqual(
            (mapping.system_id, mapping.kind, mapping.external_code),
            (self.system, "status", "NEW-42"),
        )
        self.assertEqual(
            self.Mapping.resolve(self.system, "status", "NEW-42"), "returned"
        )
        # a second click opens the mapping now there
        self.assertEqual(exception.action_create_mapping()["res_id"], mapping.id)

    def test_other_exceptions_have_no_mapping_hint(self):
        exception = self.env["integration.exception"].report(
            kind="business_rule", title="Credit limit", fingerprint="x:business:1"
        )
        self.assertFalse(exception.mapping_kind)
