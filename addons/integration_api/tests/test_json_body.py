"""The strict body parser, without a database."""

import json
import math

from odoo.tests import BaseCase, tagged

from ..tools.json_body import (
    MAX_DEPTH,
    MAX_ERRORS,
    MAX_SAFE_INTEGER,
    JsonBodyError,
    json_pointer,
    parse_json_body,
)


@tagged("-at_install", "post_install")
class TestJsonBody(BaseCase):
    def refused(self, raw, **kwargs):
        with self.assertRaises(JsonBodyError) as caught:
            parse_json_body(raw, **kwargs)
        errors = caught.exception.errors
        self.assertTrue(errors)
        for error in errors:
            self.assertEqual(set(error), {"pointer", "detail"})
            json.dumps(error)  # always serialisable
        return errors

    def test_valid_json_is_parsed_as_json_loads_does(self):
        for raw in (
            b'{"a": [1, 2.5, -3e2, true, false, null, "x"]}',
            b"[]",
            b"{}",
            b"0",
            b'"\\ud83d\\ude00 paired surrogates are one character"',
            b' \n\t{"a":1}\r\n',
            json.dumps(
                {"k": "é€😀", "n": MAX_SAFE_INTEGER, "m": -MAX_SAFE_INTEGER}
            ).encode(),
        ):
            self.assertEqual(parse_json_body(raw), json.loads(raw), raw)

    def test_non_finite_numbers(self):
        for raw, pointer in (
            (b"NaN", ""),
            (b'{"a": Infinity}', "/a"),
            (b"[-Infinity]", "/0"),
            (b'{"q": 1e999}', "/q"),
            (b'{"q": -1.5e400}', "/q"),
        ):
            self.assertEqual(self.refused(raw)[0]["pointer"], pointer, raw)
        self.assertEqual(
            parse_json_body(b"1e-999"), 0.0
        )  # underflow is a finite number

    def test_big_integers(self):
        self.assertEqual(
            self.refused(str(MAX_SAFE_INTEGER + 1).encode())[0]["pointer"], ""
        )
        errors = self.refused(b'{"a": [' + b"9" * 100000 + b"]}")  # beyond int() limits
        self.assertEqual(errors[0]["pointer"], "/a/0")
        self.assertLess(len(errors[0]["detail"]), 200)

    def test_depth(self):
        self.assertEqual(
            parse_json_body(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH),
            json.loads(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH),
        )
        errors = self.refused(b'{"a": ' * 10000 + b"1" + b"}" * 10000)
        self.assertEqual(errors[0]["pointer"], "/a" * MAX_DEPTH)
        self.refused(b"[" * 10000)  # unbalanced and deep: refused, no RecursionError
        # brackets inside strings do not count
        self.assertEqual(
            parse_json_body(json.dumps(["[" * 1000]).encode()), ["[" * 1000]
        )
        self.assertEqual(
            self.refused(b'[[{"x": "]]]", "y": [[1]]}]]', max_depth=4)[0]["pointer"],
            "/0/0/y/0",
        )
        self.refused(
            b"[" * 10 + b"]" * 10, max_depth=0
        )  # at least one level, at most 500
        self.assertEqual(parse_json_body(b"[[]]", max_depth=10**9), [[]])

    def test_unstorable_strings_and_keys(self):
        self.assertEqual(
            self.refused(b'{"a": ["ok", "x\\u0000y"]}')[0]["pointer"], "/a/1"
        )
        self.assertEqual(
            self.refused(b'{"a": {"b\\u0000": 1}}')[0]["pointer"], "/a/b\x00"
        )
        self.assertEqual(self.refused(b'["\\udc00"]')[0]["pointer"], "/0")
        self.assertEqual(self.refused(b'{"\\ud800": 1}')[0]["pointer"], "/\ud800")
        self.refused(b'"\\ud83d"')  # a high surrogate alone
        self.refused(b'"\\ude00\\ud83d"')  # reversed pair

    def test_raw_control_characters_and_encodings(self):
        self.refused(b'"a\x00b"')
        self.refused(b'"a\nb"')
        self.refused(b'"\xed\xa0\x80"')  # a surrogate encoded as UTF-8 is not UTF-8
        self.refused(b"\xff\xfe{\x00}\x00")  # UTF-16
        self.refused(b"\xef\xbb\xbf[]")

    def test_duplicate_keys(self):
        errors = self.refused(b'{"lines": [{"sku": "A", "sku": "B"}], "x": 1, "x": 2}')
        self.assertEqual({error["pointer"] for error in errors}, {"/lines/0/sku", "/x"})

    def test_syntax_errors_point_at_the_body(self):
        for raw in (b"{", b"[1,]", b"{'a': 1}", b"01", b"tru", b'{"a" 1}', b"[1] [2]"):
            self.assertEqual(self.refused(raw)[0]["pointer"], "", raw)

    def test_errors_are_bounded_and_ordered(self):
        errors = self.refused(json.dumps([float("nan")] * 1000).encode())
        self.assertEqual(len(errors), MAX_ERRORS)
        self.assertEqual([error["pointer"] for error in errors[:3]], ["/0", "/1", "/2"])

    def test_huge_string_within_the_size_limit(self):
        text = "x" * (900 * 1024)
        self.assertEqual(
            parse_json_body(json.dumps({"note": text}).encode()), {"note": text}
        )

    def test_pointer_escaping(self):
        self.assertEqual(json_pointer(["a/b", "m~n", 3, ""]), "/a~1b/m~0n/3/")
        self.assertTrue(math.isfinite(parse_json_body(b"1.7976931348623157e308")))
