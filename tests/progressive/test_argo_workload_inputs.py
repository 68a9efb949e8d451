"""Rollout inputs real repositories use: workloadRef and replicaProgressThreshold.

workloadRef, from argoproj/argo-rollouts rollout/templateref.go (``Resolve``: the
Rollout runs the referenced Deployment's pod template and, having none of its own,
its selector; a change of the Deployment reaches the Rollout), rollout/sync.go and
replicaset.go (``scaleDown: onsuccess`` scales the Deployment to 0 once revision 1
is Healthy) and pkg/apis/rollouts/validation/validation.go (``ValidateRolloutSpec``
skips the selector and template checks, and refuses a template of the Rollout's
own). The example files are Argo's, unchanged (tests/manifests/argo-rollouts/).

replicaProgressThreshold, from utils/replicaset/canary.go
(``ReplicaProgressThresholdMet``, called by ``AtDesiredReplicaCountsForCanary``): a
setWeight step is done once the threshold of the canary's desired pods is
available, not all of them.
"""

from __future__ import annotations

import pytest

import rollsim

from .support import cluster, messages, rollout_yaml

WORKLOAD_REF = "tests/manifests/argo-rollouts/workload-ref.yaml"
TEMPLATE_REF = "tests/manifests/argo-rollouts/rollout-template-ref.yaml"
NAME = "rollout-ref-deployment"


def test_workload_ref_example_runs_the_deployments_template() -> None:
    c = cluster()
    c.apply(WORKLOAD_REF)
    c.run(until=10.0)
    r = c.get("rollout", NAME)
    assert (r.status.phase, r.status.available_replicas) == ("Healthy", 5)
    (rs,) = c.store.owned_replica_sets(r.metadata.uid)
    assert rs.spec.template.spec.containers[0].image == "argoproj/rollouts-demo:blue"
    assert rs.spec.selector.match_labels["app"] == NAME
    # The Rollout keeps no template of its own (the resolved one is never written back),
    # and its first ReplicaSet's name, taken by the Deployment's, raised collisionCount.
    assert c.get("rollout", NAME).spec.template.spec.containers == ()
    assert r.status.collision_count == 1


def test_workload_ref_follows_the_deployments_new_image() -> None:
    c = cluster()
    c.apply(TEMPLATE_REF)
    c.run(until=10.0)
    c.kubectl(f"set image deployment/{NAME} rollouts-demo=argoproj/rollouts-demo:yellow")
    c.run(until=14.0)
    r = c.get("rollout", NAME)
    assert r.status.phase == "Paused"
    assert [m for _, m in messages(c, "RolloutStepCompleted")] == [
        "Rollout step 1/2 completed (setWeight: 20)"
    ]
    c.run(until=60.0)
    r = c.get("rollout", NAME)
    assert (r.status.phase, r.status.current_step_index) == ("Healthy", 2)
    images = {
        rs.spec.template.spec.containers[0].image: rs.replicas
        for rs in c.store.owned_replica_sets(r.metadata.uid)
    }
    assert images == {"argoproj/rollouts-demo:blue": 0, "argoproj/rollouts-demo:yellow": 5}


def test_workload_ref_scale_down_on_success() -> None:
    deployment = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "web:1"}]}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  replicas: 3
  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: web, scaleDown: onsuccess}
  strategy: {canary: {steps: [{setWeight: 50}]}}
"""
    c = cluster()
    c.apply(deployment)
    c.run(until=1.0)
    assert c.get("deployment", "web").spec.replicas == 3
    c.run(until=10.0)
    assert c.get("rollout", "web").status.phase == "Healthy"
    assert c.get("deployment", "web").spec.replicas == 0


def test_workload_ref_to_a_missing_deployment_is_invalid_spec() -> None:
    manifest = """
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: gone}
  strategy: {canary: {steps: [{setWeight: 50}]}}
"""
    c = cluster()
    c.apply(manifest)
    c.run(until=1.0)
    r = c.get("rollout", "web")
    assert (r.status.phase, r.status.message) == (
        "Degraded",
        'InvalidSpec: The Rollout "web" is invalid: spec.workloadRef: Invalid value: '
        'v1alpha1.ObjectRef{APIVersion:"apps/v1", Kind:"Deployment", Name:"gone", '
        'ScaleDown:""}: deployments.apps "gone" not found',
    )


def test_workload_ref_with_a_template_of_its_own_is_refused() -> None:
    manifest = """
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "web:1"}]}
  strategy: {canary: {steps: [{setWeight: 50}]}}
"""
    with pytest.raises(rollsim.ValidationError) as caught:
        cluster().apply(manifest)
    assert str(caught.value) == (
        'The Rollout "web" is invalid: spec.template: Internal error: '
        "template must be empty for workload reference rollout"
    )


def _step_one_done(threshold: str) -> float:
    """When setWeight 50 of a 4-replica basic canary completes; the canary's pods
    start after 2 s or 40 s, drawn per pod from the seeded stream."""
    strategy = f"""\
    canary:
{threshold}      steps: [{{setWeight: 50}}, {{pause: {{}}}}]
"""
    slow = rollsim.PodBehavior(startup=rollsim.dist.Empirical([2.0, 40.0]))
    c = cluster(images={"web:2": slow}, seed=3)
    c.apply(rollout_yaml(replicas=4, strategy=strategy))
    c.run(until=5.0)
    c.kubectl("argo rollouts set image web web=web:2")
    c.run(until=100.0)
    (done,) = [t for t, m in messages(c, "RolloutStepCompleted") if "setWeight" in m]
    return done


def test_replica_progress_threshold_completes_the_step_with_one_pod() -> None:
    full = _step_one_done("")
    one = _step_one_done("      replicaProgressThreshold: {type: Pods, value: 1}\n")
    # Seed 3 draws one canary pod of 2 s and one of 40 s: the step waits for the
    # slow one without a threshold, and only for the first with Pods 1.
    assert (one, full) == (7.0, 45.0)


def test_replica_progress_threshold_needs_type_and_value() -> None:
    strategy = """\
    canary:
      replicaProgressThreshold: {value: 50}
      steps: [{setWeight: 50}]
"""
    with pytest.raises(rollsim.ValidationError) as caught:
        cluster().apply(rollout_yaml(replicas=4, strategy=strategy))
    assert str(caught.value) == (
        'The Rollout "web" is invalid: '
        "spec.strategy.canary.replicaProgressThreshold.type: Required value"
    )
