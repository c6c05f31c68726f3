"""Property-based: generated and adversarial JSON to every registered route.

Whatever a partner sends to whichever route, over real HTTP, with a key that
has every scope: never a server error, and every error is a problem document.
"""

import json
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import tagged

from ..tools.routes import SAFE_METHODS
from .common import ApiHttpCase

PROBLEM = "application/problem+json"
#: Test routes whose handler fails on purpose (tests of the 500 answer)
CRASHING_ON_PURPOSE = {"POST /test/fail"}

#: Bodies the parsers of the world disagree on, and what crashed the API before.
ADVERSARIAL = [
    b"NaN",
    b"[Infinity]",
    b'{"a": -Infinity}',
    b'{"qty": 1e999}',
    b"-1e400",
    b"123456789012345678901234567890",
    b"9" * 5000,
    b'{"n": -9007199254740993}',
    b"[" * 10000 + b"]" * 10000,
    b'{"a":' * 5000 + b"1" + b"}" * 5000,
    b"[" * 100000,
    b'"\\u0000"',
    b'{"\\u0000": 1}',
    b'{"k": "a\\u0000b"}',
    b'["\\ud800"]',
    b'{"\\udfff": 2}',
    b'"\\ud83d\\ude00"',
    b'{"a": 1, "a": 2}',
    b'{"lines": [{"sku": "A", "sku": "B"}]}',
    b"\xef\xbb\xbf{}",
    b"\xff\xfe{\x00}\x00",
    b'"\xed\xa0\x80"',
    b"\x00",
    b'{"a": "\x01"}',
    b"",
    b" ",
    b"null",
    b"true",
    b"0",
    b'""',
    b"[]",
    b"{}",
    b"{",
    b"}",
    b"[1,]",
    b"{'a': 1}",
    b'{"external_ref": "' + b"x" * 200000 + b'"}',
    b'{"name": "' + b"\\u00e9" * 50000 + b'"}',
    b'{"external_ref": "E", "customer": {"code": "C"}, "lines": [{"sku": "S", "qty": 1e308}]}',
    b'{"external_ref": "E", "customer": {"code": "C"}, "lines": [{"sku": "S", "qty": 5e-324}]}',
    b'{"external_ref": "\\u0000", "customer": {"code": "\\ud800"}, "lines": []}',
]

_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=40)
)
_json_values = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)
# json.dumps writes NaN/Infinity and every code point as an escape (ensure_ascii):
# lone surrogates and U+0000 included
_bodies = st.one_of(
    _json_values.map(lambda value: json.dumps(value).encode()),
    st.sampled_from(ADVERSARIAL),
    st.binary(max_size=64),
    st.tuples(st.integers(1, 3000), st.sampled_from([b"[", b'{"a":'])).map(
        lambda pair: pair[1] * pair[0]
    ),
)
_segment = st.text(max_size=20).map(lambda text: quote(text, safe=""))


@tagged("-at_install", "post_install")
class TestFuzzEveryRoute(ApiHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        scopes = cls.env["integration.api.scope"].search([]).mapped("code")
        cls.key, cls.token = cls.make_key(scopes, rate_limit_per_minute=0)
        cls.routes = [
            route
            for route in cls.env["integration.api.router"]._api_route_table().routes
            if route.key not in CRASHING_ON_PURPOSE
        ]

    def send(self, route, body, segment="1", content_type="application/json"):
        path = "/api/v1" + route.path
        for name in route.path_params:
            path = path.replace("{" + name + "}", segment or "x")
        response = self.opener.request(
            route.method,
            self.base_url() + path,
            data=body,
            timeout=60,
            allow_redirects=False,
            headers={"X-Api-Key": self.token, "Content-Type": content_type},
        )
        context = f"{route.key} {path[:120]!r} {body[:120]!r}"
        self.assertLess(response.status_code, 500, f"{context}: {response.text[:500]}")
        if response.status_code >= 400:
            self.assertEqual(response.headers.get("Content-Type"), PROBLEM, context)
            problem = response.json()
            self.assertEqual(problem["status"], response.status_code, context)
            for error in problem.get("errors") or ():
                self.assertIsInstance(error["pointer"], str, context)
        return response

    def test_every_route_takes_the_adversarial_bodies(self):
        """Routes that take a body get every adversarial body; the others
        (GET) read a body the same way, so a third of them each (a
        different third per route) keeps the run short."""
        self.assertGreater(len(self.routes), 5)
        for index, route in enumerate(self.routes):
            takes_body = route.method not in SAFE_METHODS
            for number, body in enumerate(ADVERSARIAL):
                if takes_body or (number + index) % 3 == 0:
                    self.send(route, body)

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data(), body=_bodies, segment=_segment)
    def test_generated_bodies_and_paths(self, data, body, segment):
        route = data.draw(st.sampled_from(self.routes))
        content_type = data.draw(
            st.sampled_from(
                [
                    "application/json",
                    "application/json; charset=utf-8",
                    "application/merge-patch+json",
                    "text/plain",
                ]
            )
        )
        self.send(route, body, segment, content_type)
