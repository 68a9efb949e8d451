"""Replays every minimal reproducer in ``corpus/``: each is rejected with a rollsim
error and leaves nothing behind (or is accepted where its file says so), fast."""

from __future__ import annotations

import pytest

from .corpus import Reproducer, reproducers
from .isolation import ACCEPTED, REJECTED, Outcome
from .known import marks
from .runner import kubectl_outcome, manifest_outcome

#: Where upstream leaves the choice (an IntOrString Argo resolves at run time): either
#: outcome will do, so long as it is not a defect.
HANDLED = "handled"
#: Seconds a reproducer may take: limits are refused in well under a second.
FAST = 2.0


def _outcome(reproducer: Reproducer) -> Outcome:
    if reproducer.via == "kubectl":
        return kubectl_outcome(reproducer.headers["line"], reproducer.stdin(), timeout=FAST)
    return manifest_outcome(reproducer.payload(), timeout=FAST)


@pytest.mark.parametrize(
    "reproducer",
    [pytest.param(r, id=r.name, marks=marks(f"corpus:{r.name}")) for r in reproducers()],
)
def test_reproducer_is_refused_or_accepted_as_its_file_says(reproducer: Reproducer) -> None:
    assert reproducer.expect in (ACCEPTED, REJECTED, HANDLED)
    outcome = _outcome(reproducer)
    wanted = (ACCEPTED, REJECTED) if reproducer.expect == HANDLED else (reproducer.expect,)
    assert outcome.kind in wanted, outcome.describe()
    if outcome.kind == REJECTED:
        assert outcome.error in (
            "ValidationError",
            "ApplyError",
            "KubectlError",
            "NotFoundError",
            "InvalidOperation",
            "RollsimError",
        )
