"""Strict parsing of request bodies: RFC 8259 JSON that Odoo can store.

Python's :func:`json.loads` accepts more than RFC 8259 and more than
PostgreSQL can hold: ``NaN`` and ``Infinity``, numbers that overflow to
``inf``, strings with U+0000 or unpaired surrogates (``"\\ud800"``), and it
raises ``RecursionError`` on deep nesting. :func:`parse_json_body` refuses
all of them with a :class:`JsonBodyError` that names the offending value by
its JSON pointer (RFC 6901), so the API answers 400 before anything is
written.

The rules (the I-JSON profile, RFC 7493, plus a depth limit):

* UTF-8 only, no byte order mark;
* no ``NaN``, ``Infinity``, ``-Infinity``, and no number whose magnitude
  overflows a double (``1e999``); integers within +-(2**53 - 1), the range
  every JSON implementation represents exactly;
* no U+0000 and no unpaired surrogate in a string or a member name;
* no member name twice in one object (RFC 8259 leaves the outcome to the
  implementation; a partner must not depend on which one wins);
* at most :data:`MAX_DEPTH` nested arrays and objects (checked before the
  parser recurses, so ``RecursionError`` cannot happen).

>>> parse_json_body(b'{"lines": [{"sku": "A", "qty": 2.5}]}')
{'lines': [{'sku': 'A', 'qty': 2.5}]}
>>> def refused(raw, **kw):
...     try:
...         parse_json_body(raw, **kw)
...     except JsonBodyError as exc:
...         return [(e["pointer"], e["detail"]) for e in exc.errors]
...     return "accepted"
>>> refused(b'')
[('', 'The body is not valid JSON: Expecting value at line 1 column 1')]
>>> refused(b'{"lines": [{"qty": NaN}]}')
[('/lines/0/qty', 'NaN is not a JSON number (RFC 8259).')]
>>> refused(b'[1, -Infinity, 1e999]')
[('/1', '-Infinity is not a JSON number (RFC 8259).'), ('/2', 'The number 1e999 is out of range.')]
>>> refused(b'{"x": "\\\\\\\\u0000"}')  # an escaped backslash, then "u0000"
'accepted'
>>> refused(b'{"a~b/c": {"x": "nul\\\\u0000"}}')
[('/a~0b~1c/x', 'Strings must not contain U+0000.')]
>>> refused(b'{"k\\\\u0000": 1}')
[('/k\\x00', 'Member names must not contain U+0000.')]
>>> refused(b'["\\\\ud800", "\\\\ud83d\\\\ude00"]')
[('/0', 'Strings must not contain an unpaired surrogate (U+D800).')]
>>> refused(b'{"a": 1, "a": 2}')
[('/a', 'The member name "a" appears more than once.')]
>>> refused(b'{"n": 12345678901234567890}')
[('/n', 'The integer 12345678901234567890 is out of range (at most 2**53 - 1 in magnitude).')]
>>> refused(b'[[[1]]]', max_depth=2)
[('/0/0', 'The body nests arrays and objects deeper than 2 levels.')]
>>> refused(b'[' * 100000 + b']' * 100000)[0][1]
'The body nests arrays and objects deeper than 64 levels.'
>>> refused('"caf\\xe9"'.encode("latin-1"))
[('', "The body is not UTF-8: 'utf-8' codec can't decode byte 0xe9 in position 4: invalid continuation byte")]
>>> refused(b'\\xef\\xbb\\xbf{}')
[('', 'The body starts with a byte order mark; send UTF-8 without it.')]
"""

import json
import re

__all__ = [
    "MAX_DEPTH",
    "MAX_SAFE_INTEGER",
    "JsonBodyError",
    "json_pointer",
    "parse_json_body",
]

#: Arrays and objects nested deeper than this are refused (a system parameter,
#: ``integration_api.max_json_depth``, may lower or raise it up to 500).
MAX_DEPTH = 64
#: The hard ceiling of the depth: below Python's recursion limit with room to spare.
DEPTH_CEILING = 500
#: The largest integer every JSON implementation holds exactly (RFC 7493 2.2).
MAX_SAFE_INTEGER = 2**53 - 1
#: At most this many errors are reported for one body.
MAX_ERRORS = 20

_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_STRING_OR_BRACKET = re.compile(_STRING + r"|[\[\]{}]", re.DOTALL)
_TOKEN = re.compile(_STRING + r'|[\[\]{}:,]|[^\s\[\]{}:,"]+', re.DOTALL)
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_BOM = b"\xef\xbb\xbf"


class JsonBodyError(ValueError):
    """A body that is not acceptable JSON.

    :param errors: ``[{"pointer": "/lines/0/qty", "detail": "..."}]``
    """

    def __init__(self, detail, errors):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


class _Refused:
    """Placeholder left in the parsed tree where a value was refused."""

    __slots__ = ("detail",)

    def __init__(self, detail):
        self.detail = detail


def json_pointer(parts):
    """The RFC 6901 pointer of a path.

    >>> json_pointer(["lines", 0, "a/b~c"])
    '/lines/0/a~1b~0c'
    >>> json_pointer([])
    ''
    """
    return "".join(
        "/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts
    )


class _Hooks:
    """The parser's hooks for one body: they leave :class:`_Refused` where a
    value is refused and note the objects with a repeated member name."""

    def __init__(self):
        self.refused = False
        self.repeated = {}  # id(object) -> repeated member names

    def constant(self, name):
        self.refused = True
        return _Refused(f"{name} is not a JSON number (RFC 8259).")

    def float(self, text):
        value = float(text)
        if value in (float("inf"), float("-inf")):
            self.refused = True
            return _Refused(f"The number {text} is out of range.")
        return value

    def int(self, text):
        # Python refuses to convert more than 4300 digits (and it costs time
        # before that): look at the length first.
        digits = len(text) - (text[0] == "-")
        if digits > 16 or abs(int(text)) > MAX_SAFE_INTEGER:
            self.refused = True
            shown = text if len(text) <= 40 else f"{text[:20]}...({digits} digits)"
            return _Refused(
                f"The integer {shown} is out of range (at most 2**53 - 1 in magnitude)."
            )
        return int(text)

    def object(self, pairs):
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen = set()
            self.repeated[id(obj)] = [
                key for key, _value in pairs if key in seen or seen.add(key)
            ]
        return obj


def _depth_exceeded(text, max_depth):
    """The position of the first bracket beyond ``max_depth``, or None.

    Linear, without recursion; strings are skipped so that brackets inside
    them do not count.
    """
    if text.count("[") + text.count("{") <= max_depth:
        return None  # the common case: not even that many brackets in all
    depth = 0
    for found in _STRING_OR_BRACKET.finditer(text):
        char = found.group()
        if char in "[{":
            depth += 1
            if depth > max_depth:
                return found.start()
        elif char in "]}":
            depth -= 1
    return None


def _path_at(text, position):
    """The path of the value that starts at ``position`` (a pointer for errors).

    Scans tokens up to ``position`` keeping a stack of open containers; only
    used to name the offending place of a body refused for its depth.
    """
    stack = []  # [is_object, key or index, expecting_key]
    for found in _TOKEN.finditer(text, 0, position):
        token = found.group()
        top = stack[-1] if stack else None
        if token in "[{":
            stack.append([token == "{", 0 if token == "[" else None, token == "{"])
        elif token in "]}":
            if stack:
                stack.pop()
        elif token == ",":
            if top and top[0]:
                top[2] = True
            elif top:
                top[1] += 1
        elif token == ":":
            pass
        elif top and top[0] and top[2]:
            try:
                top[1] = json.loads(token)
            except ValueError:
                top[1] = token
            top[2] = False
    return [entry[1] for entry in stack]


def _check(tree, repeated, errors):
    """Walk the parsed tree (no recursion) and collect what cannot be kept."""
    pending = [(tree, [])]
    while pending and len(errors) < MAX_ERRORS:
        value, path = pending.pop()
        if isinstance(value, _Refused):
            errors.append({"pointer": json_pointer(path), "detail": value.detail})
        elif isinstance(value, str):
            found = _UNSTORABLE.search(value)
            if found:
                errors.append(
                    {
                        "pointer": json_pointer(path),
                        "detail": _unstorable(found.group(), "Strings"),
                    }
                )
        elif isinstance(value, dict):
            for key in repeated.get(id(value), ()):
                errors.append(
                    {
                        "pointer": json_pointer([*path, key]),
                        "detail": f"The member name {json.dumps(key)} appears more than once.",
                    }
                )
            children = []
            for key, child in value.items():
                found = _UNSTORABLE.search(key)
                if found:
                    errors.append(
                        {
                            "pointer": json_pointer([*path, key]),
                            "detail": _unstorable(found.group(), "Member names"),
                        }
                    )
                children.append((child, [*path, key]))
            pending.extend(reversed(children))
        elif isinstance(value, list):
            pending.extend(
                reversed([(child, [*path, index]) for index, child in enumerate(value)])
            )
    return errors[:MAX_ERRORS]


def _unstorable(char, what):
    if char == "\x00":
        return f"{what} must not contain U+0000."
    return f"{what} must not contain an unpaired surrogate (U+{ord(char):04X})."


def parse_json_body(raw, max_depth=MAX_DEPTH):
    """The value of a JSON body, or :class:`JsonBodyError`.

    :param raw: the body bytes as received
    :param max_depth: the deepest nesting of arrays and objects accepted
    :raise JsonBodyError: with ``errors`` (pointer and detail of each value
        refused, at most :data:`MAX_ERRORS`)
    """
    max_depth = max(1, min(int(max_depth), DEPTH_CEILING))
    if raw.startswith(_BOM):
        raise _error("The body starts with a byte order mark; send UTF-8 without it.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _error(f"The body is not UTF-8: {exc}") from None
    position = _depth_exceeded(text, max_depth)
    if position is not None:
        detail = f"The body nests arrays and objects deeper than {max_depth} levels."
        raise JsonBodyError(
            detail,
            [{"pointer": json_pointer(_path_at(text, position)), "detail": detail}],
        )
    hooks = _Hooks()
    try:
        tree = json.loads(
            text,
            parse_constant=hooks.constant,
            parse_float=hooks.float,
            parse_int=hooks.int,
            object_pairs_hook=hooks.object,
        )
    except json.JSONDecodeError as exc:
        raise _error(
            f"The body is not valid JSON: {exc.msg} at line {exc.lineno} "
            f"column {exc.colno}"
        ) from None
    except RecursionError:  # cannot happen below DEPTH_CEILING; never a 500
        raise _error(
            f"The body nests arrays and objects deeper than {max_depth} levels."
        ) from None
    # U+0000 and surrogates can only come from escapes: valid UTF-8 holds no
    # surrogate and the parser refuses control characters in strings.
    if hooks.refused or hooks.repeated or "\\u" in text:
        errors = _check(tree, hooks.repeated, [])
        if errors:
            raise JsonBodyError(
                f"The body holds {len(errors)} value(s) that cannot be "
                "accepted; see errors.",
                errors,
            )
    return tree


def _error(detail):
    return JsonBodyError(detail, [{"pointer": "", "detail": detail}])
