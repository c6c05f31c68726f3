"""The pure helpers of the code mappings, without a database."""

import doctest

from odoo.tests import BaseCase, tagged

from ..tools import mapping_codes


@tagged("-at_install", "post_install")
class TestMappingCodes(BaseCase):
    def test_doctests(self):
        result = doctest.testmod(mapping_codes)
        self.assertEqual(result.failed, 0)
        self.assertGreater(result.attempted, 0)

    def test_codes_are_case_sensitive(self):
        self.assertEqual(mapping_codes.unique_codes(["a", "A", " a "]), ["a", "A"])

    def test_pointer_template_uses_first_position(self):
        codes = ["X", "Y", "X"]
        self.assertEqual(
            mapping_codes.pointer_for(codes, "X", "/lines/{index}/sku"), "/lines/0/sku"
        )
        self.assertIsNone(mapping_codes.pointer_for(codes, "X", None))
