"""Per-endpoint circuit breaker, as a pure state machine.

``closed``: deliveries flow. After ``threshold`` consecutive failures the
circuit opens: deliveries wait without spending attempts. When the cool-down
has passed it is ``half_open``: one delivery probes the endpoint; success
closes the circuit, failure opens it again for twice as long (capped).

>>> s = Circuit()
>>> for _ in range(3): s = after_result(s, False, now=100, threshold=3, cooldown=60)
>>> s.state, s.open_until
('open', 160)
>>> state_at(s, now=170)
'half_open'
>>> s = after_result(s, False, now=170, threshold=3, cooldown=60)
>>> s.state, s.open_until   # failed probe: open again, longer
('open', 290)
>>> after_result(s, True, now=300, threshold=3, cooldown=60).state
'closed'
"""

from dataclasses import dataclass, replace

MAX_COOLDOWN = 3600


@dataclass(frozen=True)
class Circuit:
    state: str = "closed"
    failures: int = 0
    open_until: float = 0
    cooldown: float = 0
    failing_since: float = 0


def state_at(circuit, now):
    """``open`` turns ``half_open`` once its cool-down has passed."""
    if circuit.state == "open" and now >= circuit.open_until:
        return "half_open"
    return circuit.state


def after_result(circuit, success, now, threshold, cooldown):
    """The circuit after one delivery attempt."""
    if success:
        return Circuit()
    failures = circuit.failures + 1
    failing_since = circuit.failing_since or now
    if state_at(circuit, now) == "half_open":
        wait = min(max(circuit.cooldown, cooldown) * 2, MAX_COOLDOWN)
        return Circuit("open", failures, now + wait, wait, failing_since)
    if failures >= threshold and circuit.state == "closed":
        return Circuit("open", failures, now + cooldown, cooldown, failing_since)
    return replace(circuit, failures=failures, failing_since=failing_since)


def after_results(circuit, successes, now, threshold, cooldown):
    """The circuit after several attempts, in order (``successes``: one
    bool each), as :func:`after_result` one by one: a success closes it, so
    only the failures after the last success count.

    >>> after_results(Circuit(), [False, True, False], 100, 3, 60).failures
    1
    >>> after_results(Circuit(), [False] * 3, 100, 3, 60).state
    'open'
    >>> after_results(Circuit("open", 3, 50), [], 100, 3, 60).state
    'open'
    """
    rest = list(successes)
    if True in rest:
        circuit = Circuit()
        rest = rest[len(rest) - rest[::-1].index(True) :]
    for _failure in rest:
        circuit = after_result(circuit, False, now, threshold, cooldown)
    return circuit


def allows(circuit, now):
    """How many deliveries may go now: all, one probe, or none."""
    current = state_at(circuit, now)
    if current == "closed":
        return None
    return 1 if current == "half_open" else 0
