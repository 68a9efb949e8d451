"""Flagger MetricTemplates: decoded, validated by the CRD's schema, and their queries run.

From fluxcd/flagger pkg/controller/scheduler_metrics.go (``runMetricChecks``: the
template from its namespace, its provider's secret, ``RenderQuery``, the value
against ``thresholdRange``, the events it records) and artifacts/flagger/crd.yaml
(the MetricTemplate schema). The inputs are the docs' own blocks, unchanged
(tests/manifests/flagger/metrics/README.md names each one's section).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import rollsim
from rollsim.api.flagger import Canary, CanaryMetric, CanarySpec, CrossNamespaceObjectReference
from rollsim.api.meta import ObjectMeta
from rollsim.controllers.canary_metrics import Served, answer_query, render_query

from .support import behavior, cluster

DOCS = Path(__file__).parent.parent / "manifests/flagger/metrics"

WORKLOAD = """
apiVersion: v1
kind: Namespace
metadata: {name: test}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: podinfo, namespace: test}
spec:
  replicas: 2
  selector: {matchLabels: {app: podinfo}}
  template:
    metadata: {labels: {app: podinfo}}
    spec: {containers: [{name: podinfo, image: "podinfo:1"}]}
---
apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: podinfo, namespace: test}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
  service: {port: 9898}
"""

#: Keys the docs' analysis fragments leave out, added after them at the same depth.
SCHEDULE = """\
    interval: 10s
    threshold: 2
    stepWeight: 20
    maxWeight: 40
"""


def namespace(name: str) -> str:
    return f"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {name}}}\n"


def run_new_revision(
    c: rollsim.Cluster, analysis: str, until: float = 80.0
) -> list[tuple[float, str, str]]:
    """The Canary with the docs' ``analysis`` block, podinfo:2 rolled out at 25 s;
    (time, type, message) of the Canary's events from then on."""
    c.apply(WORKLOAD + analysis + SCHEDULE)
    c.run(until=5)
    c.add_traffic(rollsim.Traffic(rps=100, service="test/podinfo"))
    c.run(until=25)
    c.set_image("deploy/podinfo", podinfo="podinfo:2", namespace="test")
    c.run(until=until)
    return [(e.time, e.type, e.message) for e in c.events if e.kind == "Canary" and e.time > 25]


def linkerd_cluster(new_latency: float) -> rollsim.Cluster:
    """The docs' Linkerd ``my-metric`` template applied into ``flagger``, as the docs'
    analysis names it (the template's own metadata has no namespace)."""
    c = cluster({"podinfo:1": behavior(latency=0.05), "podinfo:2": behavior(latency=new_latency)})
    c.apply(namespace("flagger"))
    applied = c.apply(DOCS / "usage-metrics-my-metric.yaml", namespace="flagger")
    assert applied.not_simulated == []
    return c


def test_docs_p99_template_with_variables_halts_a_slow_canary() -> None:
    c = linkerd_cluster(new_latency=2.0)
    events = run_new_revision(c, (DOCS / "usage-metrics-my-metric-analysis.yaml").read_text())
    halt = "Halt podinfo.test advancement my metric 2000.00 > 1000"
    assert events == [
        (30.0, "Normal", "New revision detected! Scaling up podinfo.test"),
        (40.0, "Normal", "Starting canary analysis for podinfo.test"),
        (40.0, "Normal", "Advance podinfo.test canary weight 20"),
        (50.0, "Warning", halt),
        (60.0, "Warning", halt),
        (70.0, "Warning", "Rolling back podinfo.test failed checks threshold reached 2"),
        (70.0, "Warning", "Canary failed! Scaling down podinfo.test"),
    ]
    assert c.get("canary", "podinfo", namespace="test").status.phase == "Failed"


def test_docs_p99_template_within_range_promotes() -> None:
    c = linkerd_cluster(new_latency=0.2)
    events = run_new_revision(
        c, (DOCS / "usage-metrics-my-metric-analysis.yaml").read_text(), until=120.0
    )
    assert [m for _, kind, m in events if kind == "Warning"] == []
    assert (50.0, "Normal", "Advance podinfo.test canary weight 40") in events
    assert c.get("canary", "podinfo", namespace="test").status.phase == "Succeeded"


def test_docs_not_found_percentage_is_not_simulated_and_fails_its_check() -> None:
    """rollsim's requests succeed or fail with a 5xx: a 404 share has no answer here,
    so the check fails and says why, naming the template, instead of passing."""
    c = cluster()
    c.apply(namespace("istio-system"))
    c.apply(DOCS / "usage-metrics-not-found-percentage.yaml")
    events = run_new_revision(
        c, (DOCS / "usage-metrics-not-found-percentage-analysis.yaml").read_text()
    )
    why = (
        "Metric query failed for 404s percentage: rollsim does not simulate the query of "
        'metric template not-found-percentage.istio-system: its response_code!="404" filter '
        "splits requests other than into 5xx and the rest, and rollsim's requests succeed "
        "or fail with a 5xx"
    )
    assert [(t, m) for t, kind, m in events if kind == "Warning"] == [
        (50.0, why),
        (60.0, why),
        (70.0, "Rolling back podinfo.test failed checks threshold reached 2"),
        (70.0, "Canary failed! Scaling down podinfo.test"),
    ]


def _error_percentage_template() -> str:
    """The FAQ's Istio Gateway API error percentage query, as a template's query."""
    query = (DOCS / "faq-istio-gateway-api-error-percentage.promql").read_text()
    return yaml.safe_dump(
        {
            "apiVersion": "flagger.app/v1beta1",
            "kind": "MetricTemplate",
            "metadata": {"name": "error-percentage", "namespace": "test"},
            "spec": {"provider": {"type": "prometheus"}, "query": query},
        }
    )


ERROR_PERCENTAGE = """\
  analysis:
    metrics:
    - name: error-percentage
      templateRef: {name: error-percentage}
      thresholdRange: {max: 1}
      interval: 30s
"""


def test_error_percentage_query_reads_the_canary_pods_failures() -> None:
    c = cluster({"podinfo:2": behavior(error_rate=0.1)})
    c.apply(namespace("test"))
    c.apply(_error_percentage_template())
    events = run_new_revision(c, ERROR_PERCENTAGE)
    warnings = [(t, m) for t, kind, m in events if kind == "Warning"]
    assert warnings[0] == (50.0, "Halt podinfo.test advancement error-percentage 10.00 > 1")
    assert c.get("canary", "podinfo", namespace="test").status.phase == "Failed"


def test_no_traffic_is_no_values_found() -> None:
    c = cluster()
    c.apply(namespace("test"))
    c.apply(_error_percentage_template())
    c.apply(WORKLOAD + ERROR_PERCENTAGE + SCHEDULE)
    c.run(until=25)
    c.set_image("deploy/podinfo", podinfo="podinfo:2", namespace="test")
    c.run(until=55)
    warnings = [e.message for e in c.events if e.kind == "Canary" and e.type == "Warning"]
    assert warnings == [
        "Halt advancement no values found for custom metric: error-percentage: no values found"
    ]


def test_missing_provider_secret_is_flaggers_error() -> None:
    c = cluster()
    c.apply(namespace("test"))
    template = yaml.safe_load(_error_percentage_template())
    template["spec"]["provider"]["secretRef"] = {"name": "prom-auth"}
    c.apply(template)
    events = run_new_revision(c, ERROR_PERCENTAGE, until=55.0)
    assert [m for _, kind, m in events if kind == "Warning"] == [
        'Metric template error-percentage.test secret prom-auth error: secrets "prom-auth" '
        "not found"
    ]


# The query shapes, one by one, on the docs' queries.

PODINFO = Canary(
    metadata=ObjectMeta(name="podinfo", namespace="test"),
    spec=CanarySpec(target_ref=CrossNamespaceObjectReference(name="podinfo")),
)
SERVED = Served(lambda seconds: (1000.0, 20.0), behavior(latency=0.25).latency)


def _answer(query: str, **variables: str) -> tuple[float | None, str]:
    metric = CanaryMetric(name="m", interval="1m", extra={"templateVariables": variables})
    rendered, error = render_query(query, PODINFO, metric)
    assert error == ""
    answer = answer_query(rendered, "podinfo", SERVED)
    return answer.value, answer.problem


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("faq-istio-request-success-rate.promql", 0.98),
        ("faq-istio-gateway-api-error-percentage.promql", 2.0),
        ("faq-istio-request-duration.promql", 250.0),
        ("faq-envoy-request-duration.promql", 250.0),
    ],
)
def test_faq_queries_are_answered(source: str, value: float) -> None:
    assert _answer((DOCS / source).read_text()) == (pytest.approx(value), "")


def test_docs_grpc_template_counts_two_counters_and_is_not_answered() -> None:
    template = yaml.safe_load((DOCS / "usage-metrics-grpc-error-rate-percentage.yaml").read_text())
    assert _answer(template["spec"]["query"]) == (
        None,
        "its two sums are not the same counter over the same range",
    )


def test_rendering_errors_are_go_templates() -> None:
    metric = CanaryMetric(name="m", interval="1m")
    assert render_query('up{job="{{ job }}"}', PODINFO, metric) == (
        "",
        'template parsing failed: template: tmpl:1: function "job" not defined',
    )
    assert render_query('x{\n d="{{ variables.direction }}"}', PODINFO, metric) == (
        "",
        'template excution failed: template: tmpl:2:16: executing "tmpl" at '
        '<variables.direction>: map has no entry for key "direction"',
    )


# Decoding and the CRD's schema.


def test_template_is_simulated_and_listed() -> None:
    c = rollsim.Cluster()
    c.apply(namespace("istio-system"))
    applied = c.apply(DOCS / "usage-metrics-not-found-percentage.yaml")
    assert applied.not_simulated == []
    template = c.get("metrictemplate", "not-found-percentage", namespace="istio-system")
    assert template.spec.provider.type == "prometheus"
    assert template.spec.provider.extra == {"address": "http://prometheus.istio-system:9090"}
    assert template.spec.query.startswith("100 - sum(\n")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            {"provider": {"type": "prom"}, "query": "up"},
            'The MetricTemplate "m" is invalid: spec.provider.type: Unsupported value: '
            '"prom": supported values: "prometheus", "influxdb", "datadog", "externalmetrics", '
            '"stackdriver", "cloudwatch", "newrelic", "graphite", "dynatrace", "keptn", "splunk"',
        ),
        (
            {"provider": {"type": "prometheus"}},
            'The MetricTemplate "m" is invalid: spec.query: Required value',
        ),
        (
            {"query": "up"},
            'The MetricTemplate "m" is invalid: spec.provider: Required value',
        ),
        (
            {"provider": {"type": "prometheus", "secretRef": {}}, "query": "up"},
            'The MetricTemplate "m" is invalid: spec.provider.secretRef.name: Required value',
        ),
        (
            {"provider": {"type": "prometheus", "insecureSkipVerify": "yes"}, "query": "up"},
            'MetricTemplate in version "v1beta1" cannot be handled as a MetricTemplate: json: '
            "cannot unmarshal string into Go struct field "
            "MetricTemplateProvider.spec.provider.insecureSkipVerify of type bool",
        ),
    ],
)
def test_schema_refusals(spec: dict[str, object], message: str) -> None:
    body = {"apiVersion": "flagger.app/v1beta1", "kind": "MetricTemplate"}
    with pytest.raises(rollsim.ValidationError) as raised:
        rollsim.Cluster().apply({**body, "metadata": {"name": "m"}, "spec": spec})
    assert str(raised.value) == message
