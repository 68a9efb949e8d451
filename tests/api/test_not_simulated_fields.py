"""Fields rollsim stores but does not simulate are named when applied, never accepted
silently: ``Applied.fields_not_simulated`` and kubectl's stderr warning."""

from __future__ import annotations

import rollsim

WEB = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      nodeSelector: {disk: ssd}
      containers:
      - name: web
        image: nginx:1.27
        env: [{name: MODE, value: fast}]
        resources: {requests: {cpu: 100m}}
        livenessProbe: {httpGet: {path: /, port: 80}}
        lifecycle:
          postStart: {exec: {command: [sh, -c, "echo hi"]}}
          preStop: {exec: {command: [sleep, "5"]}}
"""


def test_apply_names_each_field_that_is_stored_but_not_simulated() -> None:
    c = rollsim.Cluster()
    applied = c.apply(WEB)
    [(obj, paths)] = applied.fields_not_simulated
    assert obj.metadata.name == "web"
    assert paths == [
        "spec.template.spec.nodeSelector",
        "spec.template.spec.containers[0].resources",
        "spec.template.spec.containers[0].lifecycle.postStart",
    ]
    # Fields that cannot change a rollout (env) are stored without comment, and a
    # re-apply does not repeat what the object already had.
    assert c.apply(WEB).fields_not_simulated == []


def test_kubectl_apply_warns_on_stderr() -> None:
    c = rollsim.Cluster()
    notices: list[str] = []
    assert c.kubectl("apply -f -", stdin=WEB, stderr=notices.append) == (
        "deployment.apps/web created\n"
    )
    assert notices == [
        "Warning: deployment.apps/web: spec.template.spec.nodeSelector, "
        "spec.template.spec.containers[0].resources, "
        "spec.template.spec.containers[0].lifecycle.postStart: stored, not simulated\n"
    ]


def test_an_argo_experiment_step_is_named() -> None:
    c = rollsim.Cluster()
    applied = c.apply(
        """apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: ro}
spec:
  replicas: 2
  selector: {matchLabels: {app: ro}}
  template:
    metadata: {labels: {app: ro}}
    spec: {containers: [{name: ro, image: "nginx:1"}]}
  strategy:
    canary:
      steps:
      - setWeight: 20
      - experiment: {duration: 1h, templates: [{name: baseline, specRef: stable}]}
"""
    )
    assert applied.fields_not_simulated[0][1] == ["spec.strategy.canary.steps[1].experiment"]


def test_flagger_match_keys_the_router_does_not_read_are_named() -> None:
    # Flagger's router matches on headers, uri and method; an Istio match on source
    # labels or query parameters would route differently in a real mesh.
    c = rollsim.Cluster()
    applied = c.apply(
        """apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: podinfo}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
  service: {port: 9898}
  analysis:
    interval: 1m
    threshold: 5
    iterations: 10
    match:
    - headers: {x-canary: {exact: insider}}
    - sourceLabels: {app: web}
      queryParams: {beta: {exact: "1"}}
"""
    )
    [(_, paths)] = applied.fields_not_simulated
    assert paths == [
        "spec.analysis.match[1].sourceLabels",
        "spec.analysis.match[1].queryParams",
    ]
