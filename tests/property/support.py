"""Shared helpers of the property suite: budgets, and the documented exceptions.

One finding is accepted here, pinned by a test of its own in
test_known_issues.py so it hides nothing: upstream Kubernetes behaviour that
rollsim reproduces on purpose. A ``min-available`` violation marked with
``RANKING_NOTE`` is the ReplicaSet controller deleting an available pod instead
of a Ready one still inside minReadySeconds (``getPodsToDelete``); it is
accepted, never anything else.
"""

from __future__ import annotations

from hypothesis import settings

from rollsim.testing import Violation
from rollsim.testing.invariants import RANKING_NOTE


def budget(factor: float) -> int:
    """``factor`` times the loaded profile's ``max_examples`` (at least 1)."""
    return max(1, int(factor * settings.default.max_examples))


def unexpected(violations: list[Violation]) -> list[Violation]:
    """The violations that are not documented upstream behaviour."""
    return [
        v for v in violations if not (v.invariant == "min-available" and RANKING_NOTE in v.actual)
    ]


def report(violations: list[Violation]) -> str:
    return "\n".join(str(v) for v in violations)
