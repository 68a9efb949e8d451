"""The classifier itself: each defect class is detected, so a green fuzz run means
something. Each case here is a hand-made callable run through the same isolation
and checks as a fuzzed input."""

from __future__ import annotations

import os
import signal
import time

import rollsim

from .isolation import ABSURD_SIZE, EXCEPTION, HANG, PARTIAL_WRITE, REJECTED, Outcome, isolated
from .oracle import PROBE, attempt
from .runner import empty_world


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


def test_absurd_replicas_accepted_are_found_before_running() -> None:
    cluster, baseline = empty_world()
    big = {
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

    def accept_then_inflate() -> None:
        (rs,) = cluster.apply(big)
        rs.spec.__dict__["replicas"] = 10**9  # what an unchecked apply would have stored

    outcome = isolated(lambda: attempt(cluster, accept_then_inflate, baseline, "apply")[0])
    assert outcome.kind == ABSURD_SIZE
    assert outcome.message == "ReplicaSet/big has spec.replicas 1000000000"


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
