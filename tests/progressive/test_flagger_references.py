"""What a Flagger Canary names, resolved in its own namespace as Flagger does.

From fluxcd/flagger pkg/controller/scheduler.go (``advanceCanary`` records
``GetMetadata``'s error as a warning and stops the tick: ``deployment <name>.<ns>
get query error: deployments.apps "<name>" not found``, pkg/canary/
deployment_controller.go) and pkg/controller/scheduler_metrics.go
(``runMetricChecks``: a ``templateRef`` is read from its namespace, the Canary's
when none is given; a missing one is ``Metric template <name>.<ns> error:
<lister NotFound>``, a failed check; a metric with neither template nor query is
``Metric query failed for no usable metrics template and query were configured``).
"""

from __future__ import annotations

import rollsim

from .support import cluster

CANARY = """
apiVersion: v1
kind: Namespace
metadata: {{name: test}}
---
apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {{name: podinfo, namespace: test}}
spec:
  targetRef: {{apiVersion: apps/v1, kind: Deployment, name: podinfo}}
  service: {{port: 9898}}
  analysis:
    interval: 10s
    threshold: 2
    iterations: 2
    metrics:
{metrics}
"""

DEPLOYMENT = """
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: podinfo{namespace}}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: podinfo}}}}
  template:
    metadata: {{labels: {{app: podinfo}}}}
    spec: {{containers: [{{name: podinfo, image: "podinfo:1"}}]}}
"""

TEMPLATE_REF = """\
    - name: not-found-percentage
      templateRef: {name: not-found-percentage}
      thresholdRange: {max: 5}
      interval: 1m
"""


def warnings(c: rollsim.Cluster) -> list[tuple[float, str]]:
    """(time, message) of the Canary's Warning events."""
    return [(e.time, e.message) for e in c.events if e.kind == "Canary" and e.type == "Warning"]


def test_target_without_namespace_is_reported_not_silently_ignored() -> None:
    """The user's report: a Canary in ``test`` whose Deployment has no namespace."""
    c = cluster()
    c.apply(CANARY.format(metrics=TEMPLATE_REF) + DEPLOYMENT.format(namespace=""))
    c.run(until=25.0)
    missing = 'deployment podinfo.test get query error: deployments.apps "podinfo" not found'
    assert warnings(c) == [(0.0, missing), (10.0, missing), (20.0, missing)]
    assert c.get("canary", "podinfo", namespace="test").status.phase == ""


def test_missing_metric_template_is_a_failed_check() -> None:
    c = cluster()
    c.apply(CANARY.format(metrics=TEMPLATE_REF) + DEPLOYMENT.format(namespace=", namespace: test"))
    c.run(until=15.0)
    assert c.get("canary", "podinfo", namespace="test").status.phase == "Initialized"
    image = {
        "spec": {"template": {"spec": {"containers": [{"name": "podinfo", "image": "podinfo:2"}]}}}
    }
    c.patch("deployment/podinfo", image, namespace="test")
    c.run(until=80.0)
    canary = c.get("canary", "podinfo", namespace="test")
    missing = (
        "Metric template not-found-percentage.test error: "
        'metrictemplate.flagger.app "not-found-percentage" not found'
    )
    # Ticks every 10 s: the run starts at 20 and 30, the checks fail at 40 and 50,
    # and the threshold of 2 rolls back on the next tick.
    assert warnings(c) == [
        (40.0, missing),
        (50.0, missing),
        (60.0, "Rolling back podinfo.test failed checks threshold reached 2"),
        (60.0, "Canary failed! Scaling down podinfo.test"),
    ]
    assert canary.status.phase == "Failed"
