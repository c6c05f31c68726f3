"""Rank the Odoo records a partner code may mean: pure, no ORM.

A clerk mapping an unknown code picks from a short list, best first: an
exact internal reference or barcode beats a name that merely looks alike.

>>> rows = [
...     (1, "DESK-01", "5400000000011", "Office desk"),
...     (2, "CHAIR-1", "5400000000028", "Desk chair"),
...     (3, "LAMP", False, "Lamp"),
... ]
>>> [(c.res_id, c.reason) for c in rank_candidates("desk-01", rows)]
[(1, 'code'), (2, 'name')]
>>> rank_candidates("5400000000028", rows)[0]
Candidate(res_id=2, score=100, reason='barcode')
>>> [c.res_id for c in rank_candidates("Office desk 120", rows)]
[1, 2]
>>> rank_candidates("", rows)
[]
>>> similarity("SKU-123", "sku 123")
100
"""

import difflib
import re
from typing import NamedTuple

__all__ = ["Candidate", "rank_candidates", "similarity"]

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


class Candidate(NamedTuple):
    """One record proposed for a code: its id, a score 0-100 and why."""

    res_id: int
    score: int
    reason: str


def _squash(text):
    return _NOT_ALNUM.sub("", str(text or "").lower())


def similarity(left, right):
    """0-100: how alike two codes or names are, ignoring case and punctuation."""
    left, right = _squash(left), _squash(right)
    if not left or not right:
        return 0
    if left == right:
        return 100
    return round(100 * difflib.SequenceMatcher(None, left, right).ratio())


def _words(text):
    return {word for word in _NOT_ALNUM.split(str(text or "").lower()) if word}


def rank_candidates(code, rows, limit=5, threshold=40):
    """The best matches of ``code`` among ``rows``, best first.

    :param rows: ``(res_id, internal code, barcode, name)`` tuples
    :param threshold: the least score worth showing
    :return: a list of :class:`Candidate` (at most ``limit``)
    """
    if not _squash(code):
        return []
    code_words = _words(code)
    ranked = []
    for res_id, internal, barcode, name in rows:
        scores = [
            (similarity(code, internal), "code"),
            (
                100 if barcode and str(barcode).strip() == str(code).strip() else 0,
                "barcode",
            ),
            (similarity(code, name), "name"),
        ]
        shared = code_words & _words(name)
        if shared:
            # a word in common ("desk") is a hint even when the strings differ
            scores.append((min(90, 50 + 10 * len(shared)), "name"))
        score, reason = max(scores, key=lambda item: item[0])
        if score >= threshold:
            ranked.append(Candidate(res_id, score, reason))
    ranked.sort(key=lambda c: (-c.score, c.res_id))
    return ranked[:limit]
