"""The classifier itself: each defect class is detected, so a green fuzz run means
something. Each case here is a hand-made callable run through the same isolation
and checks as a fuzzed input."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import rollsim

from .isolation import (
    ABSURD_SIZE,
    ACCEPTED,
    EXCEPTION,
    HANG,
    PARTIAL_WRITE,
    REJECTED,
    Outcome,
    isolated,
)
from .oracle import PROBE, attempt
from .runner import MAX_PODS, empty_world, kubectl_outcome, manifest_outcome


def _raising(error: BaseException) -> None:
    raise error


def test_a_foreign_exception_is_a_defect_located_in_its_frame() -> None:
    cluster, baseline = empty_world()
    outcome = isolated(
        lambda: attempt(cluster, lambda: _raising(TypeError("boom")), baseline, "apply")[0]
    )
    assert (outcome.kind, outcome.error, outcome.message) == (EXCEPTION, "TypeError", "boom")


def test_a_rollsim_error_that_changed_nothing_is_a_rejection() -> None:
    cluster, baseline = empty_world()
    outcome = isolated(
        lambda: attempt(cluster, lambda: cluster.apply("kind: 5"), baseline, "apply")[0]
    )
    assert outcome.kind == REJECTED
    assert outcome.error in {"ValidationError", "RollsimError"}


def test_a_rejection_after_a_write_is_a_partial_write() -> None:
    cluster, baseline = empty_world()

    def write_then_refuse() -> None:
        cluster.apply({**PROBE, "metadata": {"name": "half"}})
        raise rollsim.RollsimError("refused late")

    outcome = isolated(lambda: attempt(cluster, write_then_refuse, baseline, "apply")[0])
    assert (outcome.kind, outcome.notes) == (
        PARTIAL_WRITE,
        ["the store, clock or event log changed"],
    )


def test_a_rejection_that_consumed_an_allocation_is_a_partial_write() -> None:
    cluster, baseline = empty_world()

    def allocate_then_undo() -> None:
        cluster.apply({**PROBE, "metadata": {"name": "x"}})
        cluster.delete("service/x")
        raise rollsim.RollsimError("refused after allocating")

    outcome = isolated(lambda: attempt(cluster, allocate_then_undo, baseline, "apply")[0])
    assert outcome.kind == PARTIAL_WRITE
    assert outcome.notes[0].startswith("hidden state moved: probe got ('10.96.0.3', ")


_BIG = {
    "apiVersion": "apps/v1",
    "kind": "ReplicaSet",
    "metadata": {"name": "big"},
    "spec": {
        "replicas": 3,
        "selector": {"matchLabels": {"a": "b"}},
        "template": {
            "metadata": {"labels": {"a": "b"}},
            "spec": {"containers": [{"name": "c", "image": "i"}]},
        },
    },
}


def _inflated(replicas: int, copies: int = 1) -> Outcome:
    """Apply ``copies`` ReplicaSets of 3, then set each one's replicas behind the budget's
        back, as an unchecked apply would have stored them; classify what is left (accepted
    when ``attempt`` finds nothing to report)."""
    cluster, baseline = empty_world()

    def accept_then_inflate() -> None:
        for index in range(copies):
            (rs,) = cluster.apply({**_BIG, "metadata": {"name": f"big-{index}"}})
            rs.spec.__dict__["replicas"] = replicas

    return isolated(
        lambda: (
            attempt(cluster, accept_then_inflate, baseline, "apply")[0]
            or Outcome(ACCEPTED, "apply")
        )
    )


def test_absurd_replicas_accepted_are_found_before_running() -> None:
    outcome = _inflated(10**9)
    assert outcome.kind == ABSURD_SIZE
    assert outcome.message == "ReplicaSet/big-0 has spec.replicas 1000000000"


def test_the_oracle_judges_sizes_by_the_budget_of_the_cluster_it_runs_on() -> None:
    assert empty_world()[0].max_pods == MAX_PODS == 10_000
    assert _inflated(MAX_PODS).kind == ACCEPTED
    outcome = _inflated(MAX_PODS + 1)
    assert (outcome.kind, outcome.message) == (
        ABSURD_SIZE,
        "ReplicaSet/big-0 has spec.replicas 10001",
    )
    outcome = _inflated(MAX_PODS // 2 + 1, copies=2)
    assert (outcome.kind, outcome.message) == (
        ABSURD_SIZE,
        "the workloads ask for 10002 replicas, over the budget of 10000",
    )


def _deployment(replicas: int) -> str:
    text = (Path(__file__).resolve().parents[2] / "examples" / "ngx-dep-v2.yaml").read_text()
    assert "replicas: 4\n" in text
    return text.replace("replicas: 4\n", f"replicas: {replicas}\n")


def test_a_size_past_the_budget_is_refused_in_under_a_second() -> None:
    outcome = manifest_outcome(_deployment(MAX_PODS + 1))
    assert (outcome.kind, outcome.error, outcome.where) == (
        REJECTED,
        "ValidationError",
        "rollsim/verbs/budget.py:_refuse",
    )
    assert outcome.message.startswith(
        'The Deployment "ngx-dep" is invalid: spec.replicas: Invalid value: 10001: exceeds '
        "the simulation budget of 10000 pods"
    )
    assert outcome.seconds < 1.0
    outcome = kubectl_outcome(f"scale deploy/ngx-dep --replicas={MAX_PODS + 1}")
    assert (outcome.kind, outcome.error) == (REJECTED, "KubectlError")
    assert outcome.seconds < 1.0


def test_a_size_within_the_budget_is_run_and_not_called_absurd() -> None:
    # 6,000 replicas and their 25% surge (1,500) fit in 10,000 pods.
    outcome = manifest_outcome(_deployment(6_000))
    assert (outcome.kind, outcome.phase, outcome.message) == (ACCEPTED, "run", "")


def _sleep_forever() -> Outcome:
    while True:
        time.sleep(1)


def _sleep_deaf() -> Outcome:
    """A hang the alarm cannot interrupt, as in C code: SIGALRM is blocked."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    return _sleep_forever()


def _segfault() -> Outcome:
    os.kill(os.getpid(), signal.SIGSEGV)
    raise AssertionError("unreachable")


def test_a_loop_in_python_is_a_hang_stopped_where_it_loops() -> None:
    outcome = isolated(
        lambda: attempt(empty_world()[0], _sleep_forever, empty_world()[1], "run")[0],
        timeout=0.5,
    )
    assert (outcome.kind, outcome.error) == (HANG, "CaseTimeout")


def test_a_hang_deaf_to_the_alarm_is_killed_at_the_limit() -> None:
    start = time.monotonic()
    outcome = isolated(_sleep_deaf, timeout=0.5)
    assert (outcome.kind, outcome.message) == (HANG, "no answer in 0.5 s")
    assert time.monotonic() - start < 3


def test_a_child_that_dies_is_a_defect() -> None:
    outcome = isolated(_segfault)
    assert (outcome.kind, outcome.error, outcome.message) == (EXCEPTION, "ChildDied", "signal 11")
