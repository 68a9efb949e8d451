"""Mutated kubectl lines of every supported verb, against a cluster holding one object of
each kind: each succeeds or raises a rollsim error, and a failure changes nothing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .isolation import DEFECTS
from .known import marks
from .lines import VERB_GROUPS, lines
from .profiles import budget
from .runner import kubectl_outcome


@pytest.mark.parametrize(
    "group", [pytest.param(g, marks=marks(f"kubectl:{g}")) for g in VERB_GROUPS]
)
@budget("kubectl")
@given(data=st.data())
def test_mutated_kubectl_line_succeeds_or_is_refused(group: str, data: st.DataObject) -> None:
    line = data.draw(lines((group,)), label="line")
    outcome = kubectl_outcome(line.text, line.stdin)
    assert outcome.kind not in DEFECTS, f"{outcome.describe()}\nline: {line.text!r}"
