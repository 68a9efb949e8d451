"""Mutated manifests, applied as text and as dicts, then run and read back through
kubectl: each is accepted or rejected with a rollsim error, never anything else."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .isolation import DEFECTS
from .known import marks
from .mutations import FAMILIES, cases
from .profiles import budget
from .runner import manifest_outcome


@pytest.mark.parametrize(
    "family", [pytest.param(f, marks=marks(f"manifests:{f}")) for f in FAMILIES]
)
@budget("manifests")
@given(data=st.data())
def test_mutated_manifest_is_accepted_or_refused(family: str, data: st.DataObject) -> None:
    case = data.draw(cases((family,)), label="case")
    outcome = manifest_outcome(case.payload())
    assert outcome.kind not in DEFECTS, f"{outcome.describe()}\nmutations: {case.ops}"
