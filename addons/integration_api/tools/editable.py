"""The fields of a kept message a person may correct: pure, no ORM.

A route declares JSON pointer patterns (``*`` for every array index); the
exception dashboard lists the values they point at, and a correction
writes the new value where it was, with the type the old one had.

>>> body = {"external_ref": "A-1", "lines": [{"sku": "X", "qty": 2}, {"sku": "Y"}]}
>>> expand_pointers(body, ["/lines/*/sku", "/lines/*/qty", "/ship_to/city"])
[('/lines/0/sku', 'X'), ('/lines/1/sku', 'Y'), ('/lines/0/qty', 2)]
>>> set_pointer(body, "/lines/1/sku", "Y-2")
'Y'
>>> set_pointer(body, "/lines/0/qty", "3")
2
>>> body["lines"]
[{'sku': 'X', 'qty': 3}, {'sku': 'Y-2'}]
>>> set_pointer(body, "/lines/0/qty", "2.5"), body["lines"][0]["qty"]
(3, 2.5)
>>> set_pointer(body, "/lines/0/qty", "lots")
Traceback (most recent call last):
...
ValueError: /lines/0/qty: a number is expected, not 'lots'
>>> set_pointer(body, "/lines/5/sku", "Z")
Traceback (most recent call last):
...
KeyError: '/lines/5/sku'
>>> pointer_label("/lines/0/sku"), pointer_label("/ship_to/zip")
('Line 1 sku', 'Ship to zip')
"""

__all__ = ["expand_pointers", "pointer_label", "set_pointer"]


def _unescape(token):
    return token.replace("~1", "/").replace("~0", "~")


def _tokens(pointer):
    return [_unescape(token) for token in pointer.split("/")[1:]]


def expand_pointers(document, patterns):
    """``[(pointer, value)]`` of every value ``patterns`` reach in
    ``document``, pattern by pattern, in document order; absent ones are
    left out (a correction cannot add a member the partner did not send)."""
    found = []
    for pattern in patterns:
        found.extend(_expand(document, _tokens(pattern), ""))
    return found


def _expand(node, tokens, prefix):
    if not tokens:
        return [(prefix, node)]
    head, rest = tokens[0], tokens[1:]
    if isinstance(node, list):
        if head == "*":
            indexes = range(len(node))
        elif head.isdigit() and int(head) < len(node):
            indexes = [int(head)]
        else:
            return []
        return [
            item
            for index in indexes
            for item in _expand(node[index], rest, f"{prefix}/{index}")
        ]
    if isinstance(node, dict) and head in node:
        escaped = head.replace("~", "~0").replace("/", "~1")
        return _expand(node[head], rest, f"{prefix}/{escaped}")
    return []


def _coerce(pointer, text, old):
    """``text`` (what the form gives) as the type of ``old``."""
    if isinstance(old, bool):
        return str(text).strip().lower() in ("1", "true", "yes")
    if isinstance(old, (int, float)):
        try:
            number = float(text)
        except (TypeError, ValueError):
            raise ValueError(f"{pointer}: a number is expected, not {text!r}") from None
        return int(number) if number.is_integer() else number
    return text


def set_pointer(document, pointer, text):
    """Write ``text`` at ``pointer`` (which must exist) as the old value's type.

    :return: the old value
    :raise KeyError: when the pointer reaches nothing
    :raise ValueError: when ``text`` does not fit the old value's type
    """
    tokens = _tokens(pointer)
    node = document
    for token in tokens[:-1]:
        node = _step(node, token, pointer)
    last = tokens[-1] if tokens else None
    if (
        isinstance(node, list)
        and last is not None
        and last.isdigit()
        and int(last) < len(node)
    ):
        key = int(last)
    elif isinstance(node, dict) and last in node:
        key = last
    else:
        raise KeyError(pointer)
    old = node[key]
    node[key] = _coerce(pointer, text, old)
    return old


def _step(node, token, pointer):
    if isinstance(node, list) and token.isdigit() and int(token) < len(node):
        return node[int(token)]
    if isinstance(node, dict) and token in node:
        return node[token]
    raise KeyError(pointer)


def pointer_label(pointer):
    """A label a clerk reads: array indexes counted from 1, underscores as spaces."""
    words = []
    tokens = _tokens(pointer)
    for token in tokens:
        if token.isdigit():
            if words:
                words[-1] = words[-1].rstrip("s")
            words.append(str(int(token) + 1))
        else:
            words.append(token.replace("_", " "))
    text = " ".join(words)
    return text[:1].upper() + text[1:]
