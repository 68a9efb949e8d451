"""`kubectl argo rollouts` text: get rollout (summary and tree), status, promote,
abort, retry.

Expected text is built by hand in upstream's layout, taken from argoproj/argo-rollouts
pkg/kubectl-argo-rollouts: cmd/get/get_rollout.go (tableFormat "%-17s%v\\n", the
tree through a tabwriter with padding 2, getPrefixes), info/rollout_info.go (Step,
SetWeight = GetCurrentSetWeight, ActualWeight: 100 past the steps, else canary
available*100/available for basic canary, else the router weight; Images of RSs with
status.replicas > 0, sorted, tags sorted and joined by ", "), info/replicaset_info.go
(stable, then canary / active / preview; Healthy / Progressing / ScaledDown; delay:
<HumanDuration> or delay:passed), info/pod_info.go (pods by creation then name),
cmd/get/get_test.go (whole expected outputs, used here with our names and ages),
cmd/status/status.go and status_test.go, cmd/promote, cmd/abort, cmd/retry.
Ages are k8s HumanDuration: under 120 s, "<n>s". Trailing spaces are stripped before
comparing, as upstream's assertStdout does.
"""

from __future__ import annotations

import pytest

import rollsim

from .support import (
    cluster,
    pod_hash,
    rollout_yaml,
    rs_of,
    service_yaml,
    success_rate_template,
)
from .test_argo_analysis import STEP_ANALYSIS
from .test_argo_basic_canary import STEPS
from .test_argo_blue_green import bg_strategy
from .test_argo_traffic_routed_canary import STRATEGY as ROUTED


def strip(text: str) -> str:
    return "\n".join(line.rstrip(" ") for line in text.split("\n"))


def summary(rows: list[tuple[str, object]]) -> str:
    return "".join(f"{label:<17}{value}\n" for label, value in rows)


def tabwrite(rows: list[tuple[str, str, str, str, str]]) -> str:
    """Go text/tabwriter with minwidth 0, padding 2: the first four cells of every
    row are padded to their column's widest cell + 2; the fifth is free text."""
    widths = [max(len(r[i]) for r in rows) + 2 for i in range(4)]
    return "".join("".join(r[i].ljust(widths[i]) for i in range(4)) + r[4] + "\n" for r in rows)


def pods_of(c: rollsim.Cluster, rs: object) -> list[tuple[str, float]]:
    hash_ = pod_hash(rs)
    pods = [
        p
        for p in c.list("pod")
        if p.metadata.labels.get("rollouts-pod-template-hash") == hash_
        and p.metadata.deletion_timestamp is None
    ]
    return sorted(
        ((p.metadata.name, p.metadata.creation_timestamp) for p in pods), key=lambda x: (x[1], x[0])
    )


def rs_rows(
    c: rollsim.Cluster,
    rs: object,
    sub: str,
    last: bool,
    status: str,
    age: str,
    info: str,
    now: float,
) -> list[tuple[str, str, str, str, str]]:
    prefix = sub + ("└──" if last else "├──")
    child = sub + ("   " if last else "│  ")
    rows = [(f"{prefix}⧉ {rs.metadata.name}", "ReplicaSet", status, age, info)]
    pods = pods_of(c, rs)
    for i, (name, created) in enumerate(pods):
        p = child + ("└──" if i == len(pods) - 1 else "├──")
        rows.append((f"{p}□ {name}", "Pod", "✔ Running", f"{int(now - created)}s", "ready:1/1"))
    return rows


HEADER = ("NAME", "KIND", "STATUS", "AGE", "INFO")


def revision(prefix: str, n: int) -> tuple[str, str, str, str, str]:
    return (f"{prefix}# revision:{n}", "", " ", "", "")


def basic_canary() -> rollsim.Cluster:
    c = cluster()
    c.apply(rollout_yaml(strategy=STEPS) + service_yaml("web"))
    c.add_traffic(rollsim.Traffic(rps=100, service="web"))
    c.run(until=10)
    c.set_image("rollout/web", web="web:2")
    return c


def test_get_rollout_basic_canary_paused() -> None:
    # t=20: paused at step 1/4 since 12 with canary 2 (rev 2, created at 10) and stable
    # 8 (rev 1, created at 0). ActualWeight = 2*100/10 = 20.
    c = basic_canary()
    c.run(until=20)
    rs1, rs2 = rs_of(c, "web:1"), rs_of(c, "web:2")
    head = (
        summary(
            [
                ("Name:", "web"),
                ("Namespace:", "default"),
                ("Status:", "॥ Paused"),
                ("Message:", "CanaryPauseStep"),
                ("Strategy:", "Canary"),
                ("  Step:", "1/4"),
                ("  SetWeight:", 20),
                ("  ActualWeight:", 20),
                ("Images:", "web:1 (stable)"),
                ("", "web:2 (canary)"),
            ]
        )
        + "Replicas:\n"
        + summary(
            [
                ("  Desired:", 10),
                ("  Current:", 10),
                ("  Updated:", 2),
                ("  Ready:", 10),
                ("  Available:", 10),
            ]
        )
    )
    rows = [HEADER, ("⟳ web", "Rollout", "॥ Paused", "20s", ""), revision("├──", 2)]
    rows += rs_rows(c, rs2, "│  ", True, "✔ Healthy", "10s", "canary", 20)
    rows.append(revision("└──", 1))
    rows += rs_rows(c, rs1, "   ", True, "✔ Healthy", "20s", "stable", 20)
    expected = head + "\n" + tabwrite(rows)
    assert strip(c.kubectl("argo rollouts get rollout web")) == strip(expected)


def test_get_rollout_degraded_after_abort() -> None:
    # Abort at 20 (as in test_argo_basic_canary): stable 8 -> 10 (2 pods created at 20),
    # canary 2 -> 0. At 25: Step 0/4, SetWeight 0 (aborted), ActualWeight 0 (the canary
    # RS has 0 available); only web:1 still has pods. The rev-2 RS keeps its "canary"
    # tag (hash == currentPodHash != stableRS) and is ScaledDown.
    c = basic_canary()
    c.run(until=20)
    c.abort("rollout/web")
    c.run(until=25)
    rs1, rs2 = rs_of(c, "web:1"), rs_of(c, "web:2")
    head = (
        summary(
            [
                ("Name:", "web"),
                ("Namespace:", "default"),
                ("Status:", "✖ Degraded"),
                ("Message:", "RolloutAborted: Rollout aborted update to revision 2"),
                ("Strategy:", "Canary"),
                ("  Step:", "0/4"),
                ("  SetWeight:", 0),
                ("  ActualWeight:", 0),
                ("Images:", "web:1 (stable)"),
            ]
        )
        + "Replicas:\n"
        + summary(
            [
                ("  Desired:", 10),
                ("  Current:", 10),
                ("  Updated:", 0),
                ("  Ready:", 10),
                ("  Available:", 10),
            ]
        )
    )
    rows = [HEADER, ("⟳ web", "Rollout", "✖ Degraded", "25s", ""), revision("├──", 2)]
    rows += rs_rows(c, rs2, "│  ", True, "• ScaledDown", "15s", "canary", 25)
    rows.append(revision("└──", 1))
    rows += rs_rows(c, rs1, "   ", True, "✔ Healthy", "25s", "stable", 25)
    expected = head + "\n" + tabwrite(rows)
    assert strip(c.kubectl("argo rollouts get rollout web")) == strip(expected)


def blue_green_paused() -> rollsim.Cluster:
    c = cluster()
    c.apply(
        rollout_yaml(replicas=3, strategy=bg_strategy("      autoPromotionEnabled: false\n"))
        + service_yaml("web-active")
        + service_yaml("web-preview")
    )
    c.run(until=10)
    c.set_image("rollout/web", web="web:2")
    c.run(until=20)
    return c


def test_get_rollout_blue_green_paused_tree() -> None:
    # Like upstream TestGetBlueGreenRollout: INFO "preview" for the new RS and
    # "stable,active" for the old one.
    c = blue_green_paused()
    rs1, rs2 = rs_of(c, "web:1"), rs_of(c, "web:2")
    rows = [HEADER, ("⟳ web", "Rollout", "॥ Paused", "20s", ""), revision("├──", 2)]
    rows += rs_rows(c, rs2, "│  ", True, "✔ Healthy", "10s", "preview", 20)
    rows.append(revision("└──", 1))
    rows += rs_rows(c, rs1, "   ", True, "✔ Healthy", "20s", "stable,active", 20)
    out = c.kubectl("argo rollouts get rollout web")
    assert strip(out.split("\n\n", 1)[1]) == strip(tabwrite(rows))
    assert out.split("\n")[:5] == [
        f"{'Name:':<17}web",
        f"{'Namespace:':<17}default",
        f"{'Status:':<17}॥ Paused",
        f"{'Message:':<17}BlueGreenPause",
        f"{'Strategy:':<17}BlueGreen",
    ]


def test_get_rollout_blue_green_paused_summary() -> None:
    # Images "stable, active" / "preview"; Current 6 (both RSs), Updated 3,
    # Ready/Available 3 (the active RS's, bluegreen.go).
    c = blue_green_paused()
    head = (
        summary(
            [
                ("Name:", "web"),
                ("Namespace:", "default"),
                ("Status:", "॥ Paused"),
                ("Message:", "BlueGreenPause"),
                ("Strategy:", "BlueGreen"),
                ("Images:", "web:1 (stable, active)"),
                ("", "web:2 (preview)"),
            ]
        )
        + "Replicas:\n"
        + summary(
            [
                ("  Desired:", 3),
                ("  Current:", 6),
                ("  Updated:", 3),
                ("  Ready:", 3),
                ("  Available:", 3),
            ]
        )
    )
    out = c.kubectl("argo rollouts get rollout web")
    assert out.split("\n\n", 1)[0] + "\n" == head


def test_get_rollout_routed_canary_with_scale_down_delay() -> None:
    # Routed canary (R=4, start at 0, web:2 at 10, paused at step 1 from 12), promote
    # --full at 20 -> canary 1 -> 4 (3 pods created at 20), promoted at 22; old stable
    # keeps 4 pods until 52. At 30: Healthy, Step 4/4, SetWeight 100, ActualWeight 100
    # (no current step); web:1 still has pods but no tag; rev-1 RS INFO
    # "delay:22s" (52 - 30).
    c = cluster()
    c.apply(
        rollout_yaml(replicas=4, strategy=ROUTED)
        + service_yaml("web-stable")
        + service_yaml("web-canary")
    )
    c.run(until=10)
    c.set_image("rollout/web", web="web:2")
    c.run(until=20)
    c.promote("rollout/web", full=True)
    c.run(until=30)
    rs1, rs2 = rs_of(c, "web:1"), rs_of(c, "web:2")
    head = (
        summary(
            [
                ("Name:", "web"),
                ("Namespace:", "default"),
                ("Status:", "✔ Healthy"),
                ("Strategy:", "Canary"),
                ("  Step:", "4/4"),
                ("  SetWeight:", 100),
                ("  ActualWeight:", 100),
                ("Images:", "web:1"),
                ("", "web:2 (stable)"),
            ]
        )
        + "Replicas:\n"
        + summary(
            [
                ("  Desired:", 4),
                ("  Current:", 8),
                ("  Updated:", 4),
                ("  Ready:", 8),
                ("  Available:", 8),
            ]
        )
    )
    rows = [HEADER, ("⟳ web", "Rollout", "✔ Healthy", "30s", ""), revision("├──", 2)]
    rows += rs_rows(c, rs2, "│  ", True, "✔ Healthy", "20s", "stable", 30)
    rows.append(revision("└──", 1))
    rows += rs_rows(c, rs1, "   ", True, "✔ Healthy", "30s", "delay:22s", 30)
    expected = head + "\n" + tabwrite(rows)
    assert strip(c.kubectl("argo rollouts get rollout web")) == strip(expected)


def test_get_rollout_routed_actual_weight_lags_set_weight() -> None:
    # After promote at 30 (step 2, setWeight 60) the canary is scaling 1 -> 3 and the
    # router stays at 20 until 32: SetWeight 60 but ActualWeight 20 (the router
    # weight, status.canary.weights).
    c = cluster()
    c.apply(
        rollout_yaml(replicas=4, strategy=ROUTED)
        + service_yaml("web-stable")
        + service_yaml("web-canary")
    )
    c.run(until=10)
    c.set_image("rollout/web", web="web:2")
    c.run(until=30)
    c.promote("rollout/web")
    c.run(until=31)
    out = c.kubectl("argo rollouts get rollout web").split("\n")
    assert f"{'  SetWeight:':<17}60" in out
    assert f"{'  ActualWeight:':<17}20" in out
    assert f"{'  Step:':<17}2/4" in out


def test_get_rollout_with_analysis_run() -> None:
    # Step analysis (R=5, test_argo_analysis): run created at 12, 3 successful
    # measurements; canary pods created at 10 (1), 37 (3), 39 (1); stable scaled to 0
    # at 39; promoted at 41. At 50, the revision-2 block lists the RS then the
    # AnalysisRun ("α", icon ✔ Successful, INFO "✔ 3").
    c = cluster()
    c.apply(
        rollout_yaml(replicas=5, strategy=STEP_ANALYSIS)
        + service_yaml("web")
        + success_rate_template(initial_delay="5s")
    )
    c.add_traffic(rollsim.Traffic(rps=100, service="web"))
    c.run(until=10)
    c.set_image("rollout/web", web="web:2")
    c.run(until=50)
    rs1, rs2 = rs_of(c, "web:1"), rs_of(c, "web:2")
    h2 = pod_hash(rs2)
    head = (
        summary(
            [
                ("Name:", "web"),
                ("Namespace:", "default"),
                ("Status:", "✔ Healthy"),
                ("Strategy:", "Canary"),
                ("  Step:", "2/2"),
                ("  SetWeight:", 100),
                ("  ActualWeight:", 100),
                ("Images:", "web:2 (stable)"),
            ]
        )
        + "Replicas:\n"
        + summary(
            [
                ("  Desired:", 5),
                ("  Current:", 5),
                ("  Updated:", 5),
                ("  Ready:", 5),
                ("  Available:", 5),
            ]
        )
    )
    rows = [HEADER, ("⟳ web", "Rollout", "✔ Healthy", "50s", ""), revision("├──", 2)]
    rows += rs_rows(c, rs2, "│  ", False, "✔ Healthy", "40s", "stable", 50)
    rows.append((f"│  └──α web-{h2}-2-1", "AnalysisRun", "✔ Successful", "38s", "✔ 3"))
    rows.append(revision("└──", 1))
    rows += rs_rows(c, rs1, "   ", True, "• ScaledDown", "50s", "", 50)
    expected = head + "\n" + tabwrite(rows)
    assert strip(c.kubectl("argo rollouts get rollout web")) == strip(expected)


def test_status_without_watch() -> None:
    # status.go: Healthy/Degraded print the status alone, anything else
    # "<status> - <message>".
    c = basic_canary()
    c2 = cluster()
    c2.apply(rollout_yaml(strategy=STEPS))
    c2.run(until=5)
    assert c2.kubectl("argo rollouts status web --watch=false") == "Healthy\n"
    c.run(until=20)
    assert c.kubectl("argo rollouts status web --watch=false") == "Paused - CanaryPauseStep\n"


def test_status_degraded_is_an_error() -> None:
    c = basic_canary()
    c.run(until=20)
    c.abort("rollout/web")
    c.run(until=21)
    message = "RolloutAborted: Rollout aborted update to revision 2"
    with pytest.raises(rollsim.KubectlError) as err:
        c.kubectl("argo rollouts status web --watch=false")
    assert err.value.output == "Degraded\n"
    assert err.value.message == f"Error: The rollout is in a degraded state with message: {message}"
    # Watching (status_test TestWatchAbortedRollout): the line carries the message.
    with pytest.raises(rollsim.KubectlError) as err:
        c.kubectl("argo rollouts status web")
    assert err.value.output == f"Degraded - {message}\n"
    assert err.value.message == f"Error: The rollout is in a degraded state with message: {message}"


def test_status_watch_follows_phases_until_healthy() -> None:
    # Steps setWeight 20, pause 30s, setWeight 50, pause 20s; web:2 at 10 (derivation
    # in test_argo_basic_canary): 10 Progressing (2 of 10 updated); 12 Paused; 42
    # Progressing (5 of 10 updated); 44 Paused; 64 index 4: canary 5 -> 10 (10
    # updated, 3 + 5 available) "updated replicas are still becoming available";
    # 66 promoted -> Healthy. One line per change.
    steps = STEPS.replace("      - pause: {}\n", "      - pause: {duration: 20}\n")
    c = cluster()
    c.apply(rollout_yaml(strategy=steps) + service_yaml("web"))
    c.run(until=10)
    c.set_image("rollout/web", web="web:2")
    out = c.kubectl("argo rollouts status web")
    assert out == (
        "Progressing - more replicas need to be updated\n"
        "Paused - CanaryPauseStep\n"
        "Progressing - more replicas need to be updated\n"
        "Paused - CanaryPauseStep\n"
        "Progressing - updated replicas are still becoming available\n"
        "Healthy\n"
    )
    assert c.now == 66.0


def test_status_watch_timeout() -> None:
    c = basic_canary()
    c.run(until=20)
    with pytest.raises(rollsim.KubectlError) as err:
        c.kubectl("argo rollouts status web --timeout 5s")
    assert err.value.output == "Paused - CanaryPauseStep\n"
    assert err.value.message == "Error: Rollout status watch exceeded timeout"


def test_promote_abort_retry_messages() -> None:
    c = basic_canary()
    c.run(until=20)
    assert c.kubectl("argo rollouts promote web") == "rollout 'web' promoted\n"
    c.run(until=30)
    assert c.kubectl("argo rollouts abort web") == "rollout 'web' aborted\n"
    c.run(until=40)
    assert c.kubectl("argo rollouts retry rollout web") == "rollout 'web' retried\n"
    c.run(until=50)
    assert c.kubectl("argo rollouts promote web --full") == "rollout 'web' fully promoted\n"
    assert c.run_until_complete("rollout/web", timeout=60)


def test_kubectl_promote_clears_the_pause() -> None:
    # Same effect as Cluster.promote: the 30 s pause of step 1 (from 12) ends at once.
    c = basic_canary()
    c.run(until=20)
    c.kubectl("argo rollouts promote web")
    c.run(until=20)
    assert [
        e.message for e in c.events if e.reason == "RolloutStepCompleted" and e.time == 20.0
    ] == ["Rollout step 2/4 completed (pause: 30)"]
