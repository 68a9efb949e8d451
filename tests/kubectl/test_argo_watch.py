"""``kubectl argo rollouts get rollout NAME --watch`` (get_rollout.go ``WatchRollout``).

Input: Argo's Getting Started ``basic/rollout.yaml``, unchanged (see
``tests/manifests/argo-rollouts/``). Pods start in 2 s.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import rollsim

ROLLOUT = (
    Path(__file__).resolve().parents[1]
    / "manifests"
    / "argo-rollouts"
    / "getting-started"
    / "basic"
    / "rollout.yaml"
)
CLEAR = "\033[H\033[2J\033[0;0H"


def cluster() -> rollsim.Cluster:
    c = rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=2.0))
    c.kubectl(f"apply -f {ROLLOUT}")
    return c


def screens(out: str) -> list[str]:
    assert out.startswith(CLEAR)
    return out.split(CLEAR)[1:]


def status(screen: str) -> str:
    return next(line for line in screen.splitlines() if line.startswith("Status:"))


def test_without_watch_one_render_and_no_time_passes() -> None:
    c = cluster()
    out = c.kubectl("argo rollouts get rollout rollouts-demo")
    assert CLEAR not in out
    assert c.now == 0.0
    assert "ContainerCreating" in out


def test_watch_renders_each_change_until_healthy() -> None:
    """No timeout: the watch ends once the rollout is Healthy (upstream: Ctrl-C)."""
    c = cluster()
    shown = screens(c.kubectl("argo rollouts get rollout rollouts-demo -w"))
    assert c.now == 2.0
    assert [status(s) for s in shown] == [
        "Status:          ◌ Progressing",
        "Status:          ✔ Healthy",
    ]
    assert shown[0].count("◌ ContainerCreating") == 5
    assert shown[-1].count("✔ Running  2s   ready:1/1") == 5


def test_watch_runs_to_the_timeout_and_shows_the_ages_then() -> None:
    """--timeout-seconds: the clock runs the whole 60 s (exit 0, as upstream); the update
    reaches its pause and the last screen is the one at the timeout."""
    c = cluster()
    c.kubectl("argo rollouts get rollout rollouts-demo --watch")
    c.kubectl("argo rollouts set image rollouts-demo rollouts-demo=argoproj/rollouts-demo:yellow")
    shown = screens(
        c.kubectl("argo rollouts get rollout rollouts-demo --watch --timeout-seconds 60")
    )
    assert c.now == 62.0
    assert status(shown[-1]) == "Status:          ॥ Paused"
    assert "Message:         CanaryPauseStep" in shown[-1]
    assert "⟳ rollouts-demo                            Rollout     ॥ Paused   62s" in shown[-1]
    assert "Paused" not in status(shown[0])
    assert len(shown) == len(set(shown))


def test_watch_flag_spellings() -> None:
    """``-w`` and ``--watch=false`` (pflag's boolean) and a bad ``--timeout-seconds``."""
    c = cluster()
    assert CLEAR not in c.kubectl("argo rollouts get rollout rollouts-demo --watch=false")
    with pytest.raises(rollsim.KubectlError) as refused:
        c.kubectl("argo rollouts get rollout rollouts-demo -w --timeout-seconds 1m")
    assert refused.value.message == (
        'error: invalid argument "1m" for "--timeout-seconds" flag: strconv.ParseInt: '
        'parsing "1m": invalid syntax'
    )
