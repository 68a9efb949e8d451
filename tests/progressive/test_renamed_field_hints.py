"""An unknown field that upstream renamed gets a hint after the API server's own words.

The strict-decoding error is upstream's, unchanged (``strict decoding error:
unknown field "..."``); rollsim appends what the field is called now
(rollsim/api/hints.py). The Rollout case is argoproj/rollouts-demo's own
examples/analysis, kept unchanged under tests/manifests/argo-rollouts/rollouts-demo/:
applied with a current Argo Rollouts it fails exactly so (argoproj/rollouts-demo#51).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import rollsim
from rollsim.api.hints import renamed_field_hints

DEMO = Path(__file__).parent.parent / "manifests/argo-rollouts/rollouts-demo/examples/analysis"


def test_rollouts_demo_analysis_example_names_the_templates_list() -> None:
    c = rollsim.Cluster()
    with pytest.raises(rollsim.ValidationError) as raised:
        c.apply((DEMO / "rollout-with-analysis.yaml").read_text())
    assert str(raised.value) == (
        'Rollout in version "v1alpha1" cannot be handled as a Rollout: strict decoding error: '
        'unknown field "spec.strategy.canary.analysis.templateName", did you mean '
        '"spec.strategy.canary.analysis.templates[0].templateName"? '
        "(Argo Rollouts replaced templateName with a templates list in v1.0)"
    )


def test_kubectl_apply_of_the_demo_directory_keeps_the_template_and_says_why() -> None:
    """Files in name order, each document on its own: the AnalysisTemplate is created,
    the Rollout refused with the hint after kubectl's words."""
    c = rollsim.Cluster()
    with pytest.raises(rollsim.RollsimError) as raised:
        c.kubectl(f"apply -f {DEMO}")
    text = str(raised.value)
    assert text.startswith("Error from server (BadRequest): error when creating ")
    assert text.endswith(
        'strict decoding error: unknown field "spec.strategy.canary.analysis.templateName", '
        'did you mean "spec.strategy.canary.analysis.templates[0].templateName"? '
        "(Argo Rollouts replaced templateName with a templates list in v1.0)"
    )
    assert [t.metadata.name for t in c.list("analysistemplate")] == ["success-rate"]
    assert c.list("rollout") == []


CANARY_V1ALPHA3_BODY = """
apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: podinfo}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
  service: {port: 9898}
  canaryAnalysis: {interval: 1m, threshold: 5, maxWeight: 50, stepWeight: 10}
"""


def test_flagger_canary_analysis_of_v1alpha3_names_analysis() -> None:
    """The upgrade guide's first step done (apiVersion v1beta1), the second forgotten."""
    with pytest.raises(rollsim.ValidationError) as raised:
        rollsim.Cluster().apply(CANARY_V1ALPHA3_BODY)
    assert str(raised.value) == (
        'Canary in version "v1beta1" cannot be handled as a Canary: strict decoding error: '
        'unknown field "spec.canaryAnalysis", did you mean "spec.analysis"? '
        "(Flagger v1beta1 renamed it)"
    )


def test_old_argo_metric_limits_each_get_their_new_name() -> None:
    template = """
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: success-rate}
spec:
  metrics:
  - name: success-rate
    interval: 10s
    maxFailures: 3
    maxConsecutiveErrors: 2
    successCondition: result[0] > 0.9
    provider: {prometheus: {address: "http://prometheus:9090", query: up}}
"""
    with pytest.raises(rollsim.ValidationError) as raised:
        rollsim.Cluster().apply(template)
    assert str(raised.value) == (
        'AnalysisTemplate in version "v1alpha1" cannot be handled as a AnalysisTemplate: '
        'strict decoding error: unknown field "spec.metrics[0].maxFailures", '
        'unknown field "spec.metrics[0].maxConsecutiveErrors"; '
        '"spec.metrics[0].maxFailures": did you mean "spec.metrics[0].failureLimit"? '
        "(Argo Rollouts renamed the max* limits in v0.6); "
        '"spec.metrics[0].maxConsecutiveErrors": did you mean '
        '"spec.metrics[0].consecutiveErrorLimit"? (Argo Rollouts renamed the max* limits in v0.6)'
    )


@pytest.mark.parametrize(
    ("kind", "path", "appended"),
    [
        (
            "Rollout",
            "spec.strategy.canary.steps[2].weight",
            ', did you mean "spec.strategy.canary.steps[2].setWeight"? '
            "(a canary step's weight is setWeight)",
        ),
        (
            "Rollout",
            "spec.strategy.blueGreen.prePromotionAnalysis.templateName",
            ', did you mean "spec.strategy.blueGreen.prePromotionAnalysis.templates[0].'
            'templateName"? (Argo Rollouts replaced templateName with a templates list in v1.0)',
        ),
        (
            "Rollout",
            "spec.strategy.canary.steps[1].analysis.templateName",
            ', did you mean "spec.strategy.canary.steps[1].analysis.templates[0].templateName"? '
            "(Argo Rollouts replaced templateName with a templates list in v1.0)",
        ),
        (
            "ClusterAnalysisTemplate",
            "spec.metrics[1].maxInconclusive",
            ', did you mean "spec.metrics[1].inconclusiveLimit"? '
            "(Argo Rollouts renamed the max* limits in v0.6)",
        ),
        # A rename is tied to its kind and place: elsewhere the field is just unknown.
        ("Deployment", "spec.canaryAnalysis", ""),
        ("Rollout", "spec.strategy.canary.steps[0].setCanaryScale.weightt", ""),
        ("Rollout", "spec.templateName", ""),
    ],
)
def test_hint_table(kind: str, path: str, appended: str) -> None:
    assert renamed_field_hints(kind, [path]) == appended


def test_an_unknown_field_without_a_rename_keeps_upstream_words_alone() -> None:
    deployment = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replica: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "nginx:1.27"}]}
"""
    with pytest.raises(rollsim.ValidationError) as raised:
        rollsim.Cluster().apply(deployment)
    assert str(raised.value) == (
        'Deployment in version "v1" cannot be handled as a Deployment: '
        'strict decoding error: unknown field "spec.replica"'
    )
