"""Answers that cannot change while one batch of work runs, computed once.

Creating and confirming fifty orders asks Odoo the same questions hundreds of
times: the analytic distribution of a product for a customer, the stock rule
of a product, whether a product has a replenishment trigger. A
:class:`BatchMemo` in the context (:data:`BATCH_MEMO`) lets the models that
ask answer each question once per batch. It lives as long as the batch's
call: nothing is kept across transactions, so no answer goes stale.

>>> memo = BatchMemo()
>>> calls = []
>>> memo.get(("rule", 7), lambda: calls.append(7) or "R7")
'R7'
>>> memo.get(("rule", 7), lambda: calls.append(7) or "other")
'R7'
>>> calls
[7]
>>> memo.clear()
>>> memo.get(("rule", 7), lambda: calls.append(7) or "R7 again")
'R7 again'
>>> len(memo)
1
>>> freeze({"product_id": 3, "partner_category_id": [2, 1], "company_id": False})
(('company_id', False), ('partner_category_id', (2, 1)), ('product_id', 3))
>>> freeze({"related_root_plan_ids": object()}) is None
True
"""

__all__ = ["BATCH_MEMO", "BatchMemo", "asked_by", "freeze", "memo_of"]

BATCH_MEMO = "integration_batch_memo"
_SCALARS = (int, float, str, bool, type(None))


class BatchMemo:
    """What one batch already asked, by question."""

    __slots__ = ("_answers",)

    def __init__(self):
        self._answers = {}

    def get(self, key, compute):
        """The answer to ``key``: ``compute()`` the first time only."""
        try:
            return self._answers[key]
        except KeyError:
            answer = self._answers[key] = compute()
            return answer

    def clear(self):
        """Forget every answer: for a memo whose answers hold only until
        the batch changes what they were computed from."""
        self._answers.clear()

    def __len__(self):
        return len(self._answers)


def memo_of(env):
    """The batch's memo in an Odoo environment's context, or ``None``
    outside a batch."""
    return env.context.get(BATCH_MEMO)


def asked_by(env):
    """What an answer depends on besides the question: the user, superuser
    mode and the allowed companies (they decide which record rules apply).
    Part of every key."""
    return env.uid, env.su, tuple(env.companies.ids)


def freeze(values):
    """A hashable, order-independent key for a dict of plain values (and
    lists of them), or ``None`` when a value is anything else: such a
    question is not memoized."""
    frozen = []
    for name, value in sorted(values.items()):
        if isinstance(value, (list, tuple)):
            if not all(isinstance(item, _SCALARS) for item in value):
                return None
            value = tuple(value)
        elif not isinstance(value, _SCALARS):
            return None
        frozen.append((name, value))
    return tuple(frozen)
