"""The core resolver with the models of sales and stock installed."""

from odoo.tests import tagged

from odoo.addons.integration_core.exceptions import UnmappedCodeError

from .common import DistributionCase


@tagged("post_install", "-at_install")
class TestMappingFallbacks(DistributionCase):
    def test_product_by_mapping_then_default_code_then_barcode(self):
        self.map("product", "SHOP-DESK", self.desk)
        found = self.Mapping.resolve_many(
            self.system, "product", ["SHOP-DESK", "CHAIR-1", "5400000000017"]
        )
        self.assertEqual(found["SHOP-DESK"], self.desk)
        self.assertEqual(found["CHAIR-1"], self.chair)
        self.assertEqual(found["5400000000017"], self.desk)

    def test_product_fallbacks_can_be_switched_off(self):
        self.system.mapping_fallback_product_code = False
        with self.assertRaises(UnmappedCodeError) as caught:
            self.Mapping.resolve(
                self.system, "product", "CHAIR-1", pointer="/lines/0/sku"
            )
        self.assertEqual(caught.exception.pointer, "/lines/0/sku")
        # the barcode fallback still works
        self.assertEqual(
            self.Mapping.resolve(self.system, "product", "5400000000017"), self.desk
        )
        self.system.mapping_fallback_product_barcode = False
        with self.assertRaises(UnmappedCodeError):
            self.Mapping.resolve(self.system, "product", "5400000000017")

    def test_product_of_another_company_is_not_found(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        self.env["product.product"].create(
            {"name": "Foreign", "default_code": "FOREIGN-1", "company_id": other.id}
        )
        with self.assertRaises(UnmappedCodeError):
            self.Mapping.resolve(self.system, "product", "FOREIGN-1")

    def test_uom_by_name_any_case_and_by_mapping(self):
        self.assertEqual(
            self.Mapping.resolve(self.system, "uom", "units"), self.uom_unit
        )
        self.map("uom", "EA", self.uom_unit)
        self.assertEqual(self.Mapping.resolve(self.system, "uom", "EA"), self.uom_unit)
        self.system.mapping_fallback_uom_name = False
        with self.assertRaises(UnmappedCodeError):
            self.Mapping.resolve(self.system, "uom", "units")

    def test_warehouse_by_short_name(self):
        self.assertEqual(
            self.Mapping.resolve(self.system, "warehouse", self.warehouse.code),
            self.warehouse,
        )

    def test_record_name_accepts_internal_reference_and_barcode(self):
        by_code = self.map("product", "S1", record_name="DESK-1")
        by_barcode = self.map("product", "S2", record_name="5400000000017")
        by_name = self.map("product", "S3", record_name="Test chair")
        self.assertEqual(by_code.res_id, self.desk.id)
        self.assertEqual(by_barcode.res_id, self.desk.id)
        self.assertEqual(by_name.res_id, self.chair.id)
        self.assertEqual(by_code.record_name, "[DESK-1] Test desk")

    def test_outbound_product_code(self):
        self.assertEqual(self.Mapping.code_for(self.system, self.desk), "DESK-1")
        self.map("product", "SHOP-DESK", self.desk)
        self.assertEqual(self.Mapping.code_for(self.system, self.desk), "SHOP-DESK")
        codes = self.Mapping.codes_for(
            self.system, self.desk | self.chair, "product", fallback=False
        )
        self.assertEqual(codes, {self.desk.id: "SHOP-DESK"})
