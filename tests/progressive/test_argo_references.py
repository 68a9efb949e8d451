"""What a Rollout names outside itself, resolved in its own namespace as Argo does.

From argoproj/argo-rollouts rollout/controller.go: ``getReferencedServices`` and
``getReferencedAnalysisTemplatesFromRef`` look every name up in the Rollout's
namespace (a ``clusterScope`` template among the ClusterAnalysisTemplates); a
missing one is ``field.Invalid(<path>, <name>, "AnalysisTemplate '<name>' not
found")`` (or the Service lister's ``service "<name>" not found``), which
``createInvalidRolloutCondition`` writes as the InvalidSpec condition ``The Rollout
"<name>" is invalid: <error>``; the phase is then Degraded with the message
``InvalidSpec: <condition message>`` (CalculateRolloutPhase), nothing is scaled, and
``syncHandler`` looks again 20 s later.
"""

from __future__ import annotations

import rollsim
from rollsim.api.argo import Rollout

from .support import cluster, phase, rollout_yaml, service_yaml, success_rate_template

STEP_ANALYSIS = """\
    canary:
      steps:
      - setWeight: 20
      - analysis:
          templates:
          - templateName: success-rate
"""

CLUSTER_SCOPED = """\
    canary:
      steps:
      - setWeight: 20
      - analysis:
          templates:
          - templateName: always-pass
            clusterScope: true
"""


def in_namespace(manifest: str, namespace: str) -> str:
    """The Namespace, then every document of ``manifest`` placed in it."""
    placed = manifest.replace("metadata: {name:", f"metadata: {{namespace: {namespace}, name:")
    return f"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {namespace}}}\n---\n{placed}"


def invalid(path: str, detail: str, value: str) -> tuple[str, str]:
    message = f'The Rollout "web" is invalid: {path}: Invalid value: "{value}": {detail}'
    return "Degraded", f"InvalidSpec: {message}"


def test_missing_analysis_template_is_invalid_spec_until_it_is_applied() -> None:
    c = cluster()
    c.apply(rollout_yaml(replicas=5, strategy=STEP_ANALYSIS) + service_yaml("web"))
    c.run(until=5.0)
    r = c.get("rollout", "web")
    assert phase(c) == invalid(
        "spec.strategy.canary.steps[1].analysis.templates",
        "AnalysisTemplate 'success-rate' not found",
        "success-rate",
    )
    condition = [(x.type, x.status, x.reason) for x in r.status.conditions]
    assert condition == [("InvalidSpec", "True", "InvalidSpec")]
    assert c.store.owned_replica_sets(r.metadata.uid) == []
    c.apply(success_rate_template())
    # The next look is 20 s after the first sync at t=0.
    c.run(until=19.0)
    assert phase(c)[0] == "Degraded"
    c.run(until=40.0)
    assert phase(c) == ("Healthy", "")
    assert [x.type for x in c.get("rollout", "web").status.conditions] == [
        "Progressing",
        "Available",
    ]


def test_template_in_the_rollouts_namespace_is_used() -> None:
    c = cluster()
    manifest = rollout_yaml(replicas=5, strategy=STEP_ANALYSIS) + success_rate_template()
    c.apply(in_namespace(manifest, "test"))
    c.run(until=10.0)
    assert c.get("rollout", "web", namespace="test").status.phase == "Healthy"


def test_template_only_in_default_does_not_serve_a_rollout_in_test() -> None:
    c = cluster()
    c.apply(in_namespace(rollout_yaml(replicas=5, strategy=STEP_ANALYSIS), "test"))
    c.apply(success_rate_template())
    c.run(until=10.0)
    r = c.get("rollout", "web", namespace="test")
    assert (r.status.phase, r.status.message) == invalid(
        "spec.strategy.canary.steps[1].analysis.templates",
        "AnalysisTemplate 'success-rate' not found",
        "success-rate",
    )


def test_missing_cluster_analysis_template() -> None:
    c = cluster()
    c.apply(rollout_yaml(replicas=5, strategy=CLUSTER_SCOPED))
    c.run(until=5.0)
    assert phase(c) == invalid(
        "spec.strategy.canary.steps[1].analysis.templates",
        "ClusterAnalysisTemplate 'always-pass' not found",
        "always-pass",
    )


def test_cluster_scoped_template_serves_every_namespace() -> None:
    """argo-rollouts examples/cluster-analysis-templates.yaml, applied unchanged."""
    c = cluster()
    c.apply("tests/manifests/argo-rollouts/cluster-analysis-templates.yaml")
    manifest = rollout_yaml(replicas=5, strategy=CLUSTER_SCOPED) + service_yaml("web")
    c.apply(in_namespace(manifest, "test"))
    # The job provider is not simulated: rollsim measures the metric as a success rate.
    c.add_traffic(rollsim.Traffic(rps=100, service="web", namespace="test"))
    c.run(until=10.0)
    r = c.get("rollout", "web", namespace="test")
    assert r.status.phase == "Healthy"
    image = {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "web:2"}]}}}}
    c.patch("rollout/web", image, namespace="test")
    c.run(until=60.0)
    r = c.get("rollout", "web", namespace="test")
    runs = c.controllers["rollouts"].analysis_runs[("test", "web")]
    assert [(run.kind, run.phase, [m.metric.name for m in run.metrics]) for run in runs] == [
        ("step", "Successful", ["pass"])
    ]
    assert r.status.phase == "Healthy"


def test_missing_stable_service_is_invalid_spec() -> None:
    strategy = """\
    canary:
      stableService: web-stable
      canaryService: web-canary
      trafficRouting: {nginx: {stableIngress: web}}
      steps: [{setWeight: 20}]
"""
    c = cluster()
    c.apply(rollout_yaml(replicas=5, strategy=strategy) + service_yaml("web-canary"))
    c.run(until=5.0)
    assert phase(c) == invalid(
        "spec.strategy.canary.stableService", 'service "web-stable" not found', "web-stable"
    )


def test_invalid_spec_is_a_condition_not_an_exception() -> None:
    """The argo plugin shows Argo's phase and message; the object reads back typed."""
    c = cluster()
    c.apply(rollout_yaml(replicas=5, strategy=STEP_ANALYSIS))
    c.run(until=1.0)
    lines = c.kubectl("argo rollouts get rollout web").splitlines()
    assert lines[2:4] == [
        "Status:          ✖ Degraded",
        'Message:         InvalidSpec: The Rollout "web" is invalid: '
        "spec.strategy.canary.steps[1].analysis.templates: Invalid value: "
        "\"success-rate\": AnalysisTemplate 'success-rate' not found",
    ]
    assert isinstance(c.get("rollout", "web"), Rollout)
