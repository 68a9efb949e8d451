"""Argo Rollouts' Getting Started guide and example files, applied unchanged (issue 12).

Source: argoproj/argo-rollouts ``docs/getting-started.md`` (kept beside its files in
``tests/manifests/argo-rollouts/getting-started/``) with
``docs/getting-started/basic/rollout.yaml`` and ``service.yaml``, and
``examples/rollout-bluegreen.yaml``, ``examples/rollout-canary.yaml``, commit
9f8d111d8f8e3e88b6d7f8bbdf62fd3cd863ef9d. The guide's commands are typed as it
prints them, continuation lines included; where it says "watch the rollout
until ..." the user's watching is simulated time (``Terminal.wait``), then
``get rollout`` shows the state the guide's screenshot shows. Upstream runs the
same flow against a live cluster in test/e2e/functional_test.go
(``TestRolloutAbortRetryPromote``, ``TestCanaryPromoteFull``, ``TestBlueGreenPromoteFull``).

Pods start in 2 s.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import rollsim
from rollsim.cli import main

from .walkthrough import MANIFESTS, Terminal, table

BASIC = MANIFESTS / "argo-rollouts" / "getting-started" / "basic"
EXAMPLES = MANIFESTS / "argo-rollouts" / "examples"
RAW = "https://raw.githubusercontent.com/argoproj/argo-rollouts/master/docs/getting-started/basic"
URLS = {
    f"{RAW}/rollout.yaml": BASIC / "rollout.yaml",
    f"{RAW}/service.yaml": BASIC / "service.yaml",
}
IMAGE = "argoproj/rollouts-demo"
SESSIONS = Path(__file__).resolve().parent / "sessions"


def terminal() -> Terminal:
    return Terminal(rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=2.0)), URLS)


def field(summary: str, name: str) -> str:
    """One line of ``get rollout``'s summary (``Status:``, ``Step:``...), its value."""
    prefix = f"{name}:"
    line = next(x for x in summary.splitlines() if x.strip().startswith(prefix))
    return line.strip()[len(prefix) :].strip()


def images(summary: str) -> list[str]:
    """The ``Images:`` lines of ``get rollout``: ``image (role)``."""
    lines = summary.splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith("Images:"))
    found = [lines[start][len("Images:") :].strip()]
    found += [x.strip() for x in lines[start + 1 :] if x.startswith(" " * 17) and x.strip()]
    return found[: next((i for i, x in enumerate(found) if x.startswith("Replicas")), None)]


def replicas_by_image(t: Terminal) -> dict[str, int]:
    return {
        rs.spec.template.spec.containers[0].image: rs.spec.replicas
        for rs in t.cluster.list("replicaset")
    }


def deployed(t: Terminal) -> str:
    """ "1. Deploying a Rollout": both files, then the initial rollout watched."""
    assert t.type(f"kubectl apply -f {RAW}/rollout.yaml") == (
        "rollout.argoproj.io/rollouts-demo created\n"
    )
    assert t.type(f"kubectl apply -f {RAW}/service.yaml") == "service/rollouts-demo created\n"
    t.wait(30)
    return t.type("kubectl argo rollouts get rollout rollouts-demo")


def test_getting_started_deploy_update_promote_abort() -> None:
    t = terminal()
    summary = deployed(t)
    # Initial creation scales straight to 100%, skipping the steps.
    assert field(summary, "Status") == "✔ Healthy"
    assert images(summary) == [f"{IMAGE}:blue (stable)"]
    assert field(summary, "Available") == "5"

    # 2. Updating a Rollout: paused at the second step, 1 of 5 on yellow, 4 of 5 on blue.
    out = t.type(
        """kubectl argo rollouts set image rollouts-demo \\
  rollouts-demo=argoproj/rollouts-demo:yellow"""
    )
    assert out == 'rollout "rollouts-demo" image updated\n'
    t.wait(30)
    summary = t.type("kubectl argo rollouts get rollout rollouts-demo")
    assert field(summary, "Status") == "॥ Paused"
    assert field(summary, "Message") == "CanaryPauseStep"
    assert (field(summary, "Step"), field(summary, "SetWeight")) == ("1/8", "20")
    assert replicas_by_image(t) == {f"{IMAGE}:blue": 4, f"{IMAGE}:yellow": 1}

    # 3. Promoting: the remaining steps (three 10 s pauses) run by themselves.
    assert t.type("kubectl argo rollouts promote rollouts-demo") == (
        "rollout 'rollouts-demo' promoted\n"
    )
    t.wait(60)
    summary = t.type("kubectl argo rollouts get rollout rollouts-demo")
    assert field(summary, "Status") == "✔ Healthy"
    assert (field(summary, "Step"), field(summary, "ActualWeight")) == ("8/8", "100")
    assert images(summary) == [f"{IMAGE}:yellow (stable)"]
    assert replicas_by_image(t) == {f"{IMAGE}:blue": 0, f"{IMAGE}:yellow": 5}

    # 4. Aborting: red reaches the pause, abort falls back to the stable yellow, Degraded.
    t.type(
        """kubectl argo rollouts set image rollouts-demo \\
  rollouts-demo=argoproj/rollouts-demo:red"""
    )
    t.wait(30)
    summary = t.type("kubectl argo rollouts get rollout rollouts-demo")
    assert (field(summary, "Status"), field(summary, "Step")) == ("॥ Paused", "1/8")
    assert "# revision:3" in summary
    assert t.type("kubectl argo rollouts abort rollouts-demo") == (
        "rollout 'rollouts-demo' aborted\n"
    )
    t.wait(30)
    summary = t.type("kubectl argo rollouts get rollout rollouts-demo")
    assert field(summary, "Status") == "✖ Degraded"
    assert field(summary, "Message") == "RolloutAborted: Rollout aborted update to revision 3"
    assert field(summary, "Available") == "5"
    assert replicas_by_image(t)[f"{IMAGE}:yellow"] == 5
    assert replicas_by_image(t)[f"{IMAGE}:red"] == 0

    # Back to yellow: Healthy at once, revision 4, no new ReplicaSet.
    before = {rs.metadata.name for rs in t.cluster.list("replicaset")}
    t.type(
        """kubectl argo rollouts set image rollouts-demo \\
  rollouts-demo=argoproj/rollouts-demo:yellow"""
    )
    summary = t.type("kubectl argo rollouts get rollout rollouts-demo")
    assert field(summary, "Status") == "✔ Healthy"
    assert "# revision:4" in summary
    assert images(summary) == [f"{IMAGE}:yellow (stable)"]
    assert {rs.metadata.name for rs in t.cluster.list("replicaset")} <= before
    rows = table(t.type("kubectl get rollouts"))
    assert [(r["NAME"], r["DESIRED"], r["AVAILABLE"]) for r in rows] == [
        ("rollouts-demo", "5", "5")
    ]


def test_getting_started_typed_with_watch() -> None:
    """The guide's own ``get rollout --watch`` is what lets the update reach its pause."""
    t = terminal()
    t.type(f"kubectl apply -f {RAW}/rollout.yaml")
    t.type(f"kubectl apply -f {RAW}/service.yaml")
    t.type("kubectl argo rollouts get rollout rollouts-demo --watch --timeout-seconds 60")
    t.type(
        "kubectl argo rollouts set image rollouts-demo rollouts-demo=argoproj/rollouts-demo:yellow"
    )
    watched = t.type("kubectl argo rollouts get rollout rollouts-demo --watch --timeout-seconds 60")
    assert "Status:          ॥ Paused" in watched
    assert "ready:1/1" in watched


def test_bluegreen_example_promotes_on_request() -> None:
    """``examples/rollout-bluegreen.yaml``: the new stack waits on the preview Service
    (autoPromotionEnabled: false) until ``promote``, then the active Service switches."""
    t = terminal()
    out = t.type(f"kubectl apply -f {EXAMPLES / 'rollout-bluegreen.yaml'}")
    assert out == (
        "rollout.argoproj.io/rollout-bluegreen created\n"
        "service/rollout-bluegreen-active created\n"
        "service/rollout-bluegreen-preview created\n"
    )
    t.wait(30)
    t.type(
        "kubectl argo rollouts set image rollout-bluegreen "
        "rollouts-demo=argoproj/rollouts-demo:green"
    )
    t.wait(30)
    summary = t.type("kubectl argo rollouts get rollout rollout-bluegreen")
    assert field(summary, "Status") == "॥ Paused"
    assert field(summary, "Message") == "BlueGreenPause"
    assert images(summary) == [f"{IMAGE}:blue (stable, active)", f"{IMAGE}:green (preview)"]
    t.type("kubectl argo rollouts promote rollout-bluegreen")
    t.wait(60)
    summary = t.type("kubectl argo rollouts get rollout rollout-bluegreen")
    assert field(summary, "Status") == "✔ Healthy"
    assert images(summary) == [f"{IMAGE}:green (stable, active)"]
    rollout = t.cluster.get("rollout", "rollout-bluegreen")
    green = rollout.status.current_pod_hash
    for service in ("rollout-bluegreen-active", "rollout-bluegreen-preview"):
        selector = t.cluster.get("service", service).spec.selector
        assert selector["rollouts-pod-template-hash"] == green


def test_canary_example_pauses_then_steps_by_itself() -> None:
    """``examples/rollout-canary.yaml``: 20% then an indefinite pause; once promoted, the
    40/60/80 steps and their 40 s, 20 s, 20 s pauses run to 100% without the user."""
    t = terminal()
    t.type(f"kubectl apply -f {EXAMPLES / 'rollout-canary.yaml'}")
    t.wait(30)
    t.type(
        "kubectl argo rollouts set image rollout-canary rollouts-demo=argoproj/rollouts-demo:yellow"
    )
    t.wait(30)
    assert replicas_by_image(t) == {f"{IMAGE}:blue": 4, f"{IMAGE}:yellow": 1}
    t.type("kubectl argo rollouts promote rollout-canary")
    t.wait(30)
    # Inside the 40 s pause after setWeight 40: 2 of 5 on yellow.
    summary = t.type("kubectl argo rollouts get rollout rollout-canary")
    assert (field(summary, "Step"), field(summary, "SetWeight")) == ("3/8", "40")
    assert replicas_by_image(t) == {f"{IMAGE}:blue": 3, f"{IMAGE}:yellow": 2}
    t.wait(120)
    summary = t.type("kubectl argo rollouts get rollout rollout-canary")
    assert field(summary, "Status") == "✔ Healthy"
    assert replicas_by_image(t) == {f"{IMAGE}:blue": 0, f"{IMAGE}:yellow": 5}


def test_getting_started_replayed_from_a_session_file(capsys: pytest.CaptureFixture[str]) -> None:
    """``rollsim replay sessions/argo-getting-started.session``: the same guide from a file,
    status watches standing for the guide's watching; the transcript shows each state."""
    code = main(["replay", str(SESSIONS / "argo-getting-started.session")])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    expected = [
        "rollout.argoproj.io/rollouts-demo created",
        "service/rollouts-demo created",
        "Healthy",
        'rollout "rollouts-demo" image updated',
        "[t=32s] $ kubectl argo rollouts status rollouts-demo --watch=false",
        "Paused - CanaryPauseStep",
        "rollout 'rollouts-demo' promoted",
        "Healthy",
        "rollout 'rollouts-demo' aborted",
        "Degraded - RolloutAborted: Rollout aborted update to revision 3",
        "Error: The rollout is in a degraded state with message: "
        "RolloutAborted: Rollout aborted update to revision 3",
        'rollout "rollouts-demo" image updated',
        "Healthy",
    ]
    start = 0
    for line in expected:  # each in this order, after the one before it
        assert line in lines[start:], line
        start = lines.index(line, start) + 1
    assert lines[-1] == "Healthy"
