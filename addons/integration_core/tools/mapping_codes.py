"""Pure helpers for partner code mappings: no ORM.

>>> normalize_code("  SKU-1 \\n")
'SKU-1'
>>> normalize_code(42)
'42'
>>> normalize_code(None) is None
True
>>> unique_codes([" A", "B", "A", "", None, "b"])
['A', 'B', 'b']
>>> pointer_for(["A", "B"], "B", "/lines/{index}/sku")
'/lines/1/sku'
>>> pointer_for(["A"], "A", {"A": "/customer/code"})
'/customer/code'
>>> pointer_for(["A"], "Z", "/lines/{index}/sku") is None
True
"""

__all__ = [
    "normalize_code",
    "pointer_for",
    "unique_codes",
    "unmapped_from_fingerprint",
]


def normalize_code(code):
    """The code as stored and compared: a string without surrounding blanks.

    Partner codes are case-sensitive (``sku-1`` and ``SKU-1`` may be two
    articles), so nothing but whitespace is touched.

    :return: the stripped string, or ``None`` for ``None`` / blank input
    """
    if code is None or code is False:
        return None
    code = str(code).strip()
    return code or None


def unique_codes(codes):
    """Normalized, non-blank codes in their first-seen order, each once."""
    seen = {}
    for code in codes:
        code = normalize_code(code)
        if code is not None:
            seen.setdefault(code, None)
    return list(seen)


def pointer_for(codes, code, pointers):
    """The JSON pointer to report for ``code``.

    :param codes: the codes as the caller passed them (list order is the
        document order)
    :param pointers: ``None``, a dict ``{code: pointer}``, or a template with
        ``{index}`` (the position of the code in ``codes``), e.g.
        ``"/lines/{index}/sku"``
    """
    if not pointers:
        return None
    if isinstance(pointers, dict):
        return pointers.get(code)
    for index, candidate in enumerate(codes):
        if normalize_code(candidate) == code:
            return pointers.format(index=index)
    return None


def unmapped_from_fingerprint(fingerprint):
    """``(kind, code)`` of an unmapped-code exception, from its fingerprint.

    ``UnmappedCodeError.fingerprint()`` writes ``[<system>:]unmapped:<kind>:<code>``.

    >>> unmapped_from_fingerprint("shop:unmapped:product:SKU-1")
    ('product', 'SKU-1')
    >>> unmapped_from_fingerprint("unmapped:uom:a:b")
    ('uom', 'a:b')
    >>> unmapped_from_fingerprint("invalid-event:order.accepted:/x") is None
    True
    """
    if not fingerprint:
        return None
    if fingerprint.startswith("unmapped:"):
        rest = fingerprint[len("unmapped:") :]
    elif ":unmapped:" in fingerprint:
        rest = fingerprint.split(":unmapped:", 1)[1]
    else:
        return None
    kind, _sep, code = rest.partition(":")
    if not kind or not code:
        return None
    return kind, code
