"""How many queued messages a drain takes in its next batch.

Guided self-scheduling: each drain takes its share of the free messages
(queued, and held by no other drain), ``ceil(free / drains)``, capped by the
batch size. With a fixed batch of 50, a drain that claimed the last 50 of a
burst finished alone while the other drain sat idle, one core of two working
for seconds. Shares shrink as the queue empties, so the drains finish
together; a floor keeps the last batches large enough for bulk processing to
pay.

>>> [claim_size(free, 2, 50) for free in (0, 1, 7, 40, 60, 100, 500)]
[5, 5, 5, 20, 30, 50, 50]
>>> claim_size(60, 1, 50)
50
>>> claim_size(3, 2, 4)
2
"""

__all__ = ["claim_size"]


def claim_size(free, drains, batch_size):
    """Messages to claim: this drain's share of ``free`` among ``drains``.

    :param free: queued messages no other drain holds
    :param drains: drains of the system at work now, this one included
    :param batch_size: the most one transaction takes
    :return: between ``max(1, batch_size // 10)`` and ``batch_size``
    """
    floor = max(1, batch_size // 10)
    share = -(-free // max(1, drains))
    return min(batch_size, max(floor, share))
