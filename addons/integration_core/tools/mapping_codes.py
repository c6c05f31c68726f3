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

from typing import NamedTuple

__all__ = [
    "CodeTable",
    "FallbackRule",
    "normalize_code",
    "pointer_for",
    "unique_codes",
    "unmapped_from_fingerprint",
]


class FallbackRule(NamedTuple):
    """One lookup tried for partner codes that have no mapping row.

    A module that adds a mapping kind declares its fallbacks as a list of
    these in ``integration.mapping._fallback_rules()``; they are tried in
    order on the codes still unresolved.

    :param switch: boolean field of ``integration.system`` that turns the
        lookup on per system (``None``: always on)
    :param model: the Odoo model searched
    :param field: the field of ``model`` compared with the code
    :param ilike: compare in any case instead of exactly

    >>> FallbackRule("mapping_fallback_uom_name", "uom.uom", "name", ilike=True)
    FallbackRule(switch='mapping_fallback_uom_name', model='uom.uom', field='name', ilike=True)
    """

    switch: str | None
    model: str
    field: str
    ilike: bool = False


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


class CodeTable:
    """The partner codes of many records, read once for a whole payload batch.

    Built from mapping rows ``(res_model, res_id, kind, external_code)`` in
    the mappings' order, it answers as ``integration.mapping.code_for`` does
    without fallback: the first code of the record for ``kind``, or of any
    kind when ``kind`` is not given. Building events for fifty orders asked
    the database about seven times per order before; now once in all.

    >>> from types import SimpleNamespace
    >>> def Rec(model, res_id):
    ...     return SimpleNamespace(_name=model, id=res_id)
    >>> table = CodeTable([
    ...     ("res.partner", 7, "customer", "C-7"),
    ...     ("res.partner", 7, "ship_to", "S-7"),
    ...     ("res.partner", 7, "ship_to", "S-7b"),
    ... ])
    >>> table.get(Rec("res.partner", 7), "ship_to"), table.get(Rec("res.partner", 7))
    ('S-7', 'C-7')
    >>> table.get(Rec("res.partner", 8)), table.get(Rec("product.product", 7)), table.get(None)
    (None, None, None)
    """

    def __init__(self, rows=()):
        self._by_kind = {}
        self._any_kind = {}
        for res_model, res_id, kind, code in rows:
            self._by_kind.setdefault((res_model, res_id, kind), code)
            self._any_kind.setdefault((res_model, res_id), code)

    def get(self, record, kind=None):
        """The code of ``record`` (one record, or empty), or ``None``."""
        if not record:
            return None
        if kind is None:
            return self._any_kind.get((record._name, record.id))
        return self._by_kind.get((record._name, record.id, kind))
