"""The fuzz strategies draw from their choices alone: no example changes what the next
one draws. Hypothesis replays one example's choices as the prefix of another and
raises ``FlakyStrategyDefinition`` when the same choices draw differently, which is
how the campaign lost seeds 22 and 23: a container swapped in from ``SHAPES`` was the
pool's own object, a later mutation of the same case added a key to it, and the next
example's paths through it came out one more."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hypothesis import HealthCheck, given, settings

from .mutations import SEEDS, SHAPES, Case, cases, copies

_POOLED = {id(value) for value in SHAPES if isinstance(value, dict | list)}


def _containers(tree: Any) -> Iterator[Any]:
    """Every dict and list in ``tree``, each once (a Python caller's cycles included)."""
    stack, seen = [tree], set()
    while stack:
        node = stack.pop()
        if not isinstance(node, dict | list) or id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        stack.extend(node.values() if isinstance(node, dict) else node)


def test_a_pooled_container_is_drawn_as_a_copy() -> None:
    drawn: list[Any] = []

    @settings(max_examples=60, database=None, deadline=None)
    @given(copies(SHAPES))
    def draw(value: Any) -> None:
        drawn.append(value)

    draw()
    containers = [value for value in drawn if isinstance(value, dict | list)]
    assert containers, "no container drawn in 60 examples"
    assert not [value for value in containers if id(value) in _POOLED]
    assert [value for value in containers if value in SHAPES] == containers


@settings(
    max_examples=150,
    database=None,
    deadline=None,
    suppress_health_check=(HealthCheck.too_slow, HealthCheck.data_too_large),
)
@given(cases(("structure", "python")))
def test_a_case_shares_no_container_with_the_pools_or_the_seeds(case: Case) -> None:
    shared = _POOLED | {id(node) for docs in SEEDS.values() for node in _containers(docs)}
    assert not [node for node in _containers(case.docs) if id(node) in shared], case.ops
