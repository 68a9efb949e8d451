"""Every kind a real repository holds is stored: the kinds rollsim does not simulate are
kept inert, listed, and reported as not simulated (issue 12, item 1); documents apply
one by one as ``kubectl apply -f`` applies them (``ApplyOptions.Run``)."""

from __future__ import annotations

import pytest

import rollsim
from rollsim.api.kinds import lookup

MIXED = """apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, namespace: shop}
data: {LOG_LEVEL: debug}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  rules:
  - http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: web, namespace: shop}
spec: {hosts: [web], http: [{route: [{destination: {host: web}}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "nginx:1.27"}]}
"""


def test_a_file_of_many_kinds_stores_every_object_and_says_what_is_not_simulated() -> None:
    c = rollsim.Cluster()
    applied = c.apply(MIXED)
    assert [o.kind for o in applied] == [
        "Namespace",
        "ConfigMap",
        "ServiceAccount",
        "Ingress",
        "VirtualService",
        "Deployment",
    ]
    assert [(o.kind, o.metadata.name) for o in applied.not_simulated] == [
        ("ConfigMap", "web-config"),
        ("ServiceAccount", "web"),
        ("Ingress", "web"),
        ("VirtualService", "web"),
    ]
    assert [(e.type, e.reason, e.kind, e.namespace) for e in c.events[:4]] == [
        ("Warning", "NotSimulated", "ConfigMap", "shop"),
        ("Warning", "NotSimulated", "ServiceAccount", "shop"),
        ("Warning", "NotSimulated", "Ingress", "shop"),
        ("Warning", "NotSimulated", "VirtualService", "shop"),
    ]
    assert c.events[0].message == "ConfigMap stored, not simulated: nothing in rollsim acts on it"
    c.run(until=30)
    assert c.get("deployment", "web", namespace="shop").status.available_replicas == 2
    assert c.get("cm", "web-config", namespace="shop").content == {"data": {"LOG_LEVEL": "debug"}}
    # Re-applying reports nothing new: each object is reported once, when created.
    again = c.apply(MIXED)
    assert again.not_simulated == []
    assert again.outcomes == ["unchanged"] * 6


def test_an_inert_object_round_trips_to_its_wire_form() -> None:
    c = rollsim.Cluster()
    c.apply(MIXED)
    wire = rollsim.to_dict(c.get("virtualservice", "web", namespace="shop"))
    assert wire["apiVersion"] == "networking.istio.io/v1beta1"
    assert wire["kind"] == "VirtualService"
    assert wire["spec"] == {
        "hosts": ["web"],
        "http": [{"route": [{"destination": {"host": "web"}}]}],
    }
    assert wire["metadata"]["namespace"] == "shop"


def test_a_missing_namespace_is_refused_in_the_api_servers_words() -> None:
    c = rollsim.Cluster()
    with pytest.raises(rollsim.NotFoundError) as raised:
        c.apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: shop}\n")
    assert str(raised.value) == 'namespaces "shop" not found'
    assert c.list("configmap", namespace=None) == []


def test_documents_before_and_after_a_refused_one_are_applied() -> None:
    c = rollsim.Cluster()
    text = MIXED.replace("replicas: 2", "replicas: -2")
    with pytest.raises(rollsim.ApplyError) as raised:
        c.apply(text)
    assert str(raised.value) == (
        'The Deployment "web" is invalid: spec.replicas: Invalid value: -2: '
        "must be greater than or equal to 0"
    )
    assert len(raised.value.applied) == 5
    assert c.list("deployment", namespace=None) == []
    assert [o.metadata.name for o in c.list("ingress", namespace="shop")] == ["web"]


def test_a_typo_in_a_kubernetes_group_is_refused_but_a_custom_resource_is_kept() -> None:
    c = rollsim.Cluster()
    with pytest.raises(rollsim.ValidationError) as raised:
        c.apply("apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: x}\n")
    assert 'no matches for kind "Deploymnet" in version "apps/v1"' in str(raised.value)
    [widget] = c.apply(
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {a: 1}\n"
    )
    assert widget.kind == "Widget"
    # kubectl's guess for a kind no CRD named (meta.UnsafeGuessKindToResource).
    assert c.get("widgets", "w").content == {"spec": {"a": 1}}
    assert lookup("widgets") is None  # learned by this cluster only


CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: crontabs.stable.example.com}
spec:
  group: stable.example.com
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object}}
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
---
apiVersion: stable.example.com/v1
kind: CronTab
metadata: {name: my-new-cron-object}
spec: {cronSpec: "* * * * */5", image: my-awesome-cron-image}
"""


def test_a_crd_teaches_the_cluster_its_kinds_names() -> None:
    """The Kubernetes docs' CronTab example (tasks/extend-kubernetes/custom-resources)."""
    c = rollsim.Cluster()
    crd, crontab = c.apply(CRD)
    assert (crd.metadata.namespace, crontab.kind) == ("", "CronTab")
    assert c.kubectl("get ct") == "NAME                 AGE\nmy-new-cron-object   0s\n"
    assert c.kubectl("get crontabs.stable.example.com -o name") == (
        "crontab.stable.example.com/my-new-cron-object\n"
    )
    assert [o.metadata.name for o in c.apply(CRD).not_simulated] == []


def test_two_groups_sharing_a_kind_are_kept_apart() -> None:
    c = rollsim.Cluster()
    istio, gateway_api = c.apply(
        "apiVersion: networking.istio.io/v1beta1\nkind: Gateway\nmetadata: {name: gw}\n"
        "spec: {selector: {istio: ingressgateway}}\n---\n"
        "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw}\n"
        "spec: {gatewayClassName: istio}\n"
    )
    assert rollsim.to_dict(istio)["kind"] == rollsim.to_dict(gateway_api)["kind"] == "Gateway"
    assert c.get("gateways.networking.istio.io", "gw").content["spec"] == {
        "selector": {"istio": "ingressgateway"}
    }
    assert c.get("gateways.gateway.networking.k8s.io", "gw").content["spec"] == {
        "gatewayClassName": "istio"
    }


def test_a_cluster_scoped_object_has_no_namespace() -> None:
    c = rollsim.Cluster()
    [role] = c.apply(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
        "metadata: {name: reader, namespace: shop}\nrules: []\n"
    )
    assert role.metadata.namespace == ""
    assert c.get("clusterrole", "reader", namespace="anything") == role


def test_an_inert_objects_metadata_is_validated() -> None:
    c = rollsim.Cluster()
    with pytest.raises(rollsim.ValidationError) as raised:
        c.apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop.v2}\n")
    # IsDNS1123Label: a valid subdomain that is not a label "must not contain dots".
    assert str(raised.value) == (
        'The Namespace "shop.v2" is invalid: metadata.name: Invalid value: "shop.v2": '
        "must not contain dots"
    )


def test_a_namespace_is_defaulted_as_the_api_server_does() -> None:
    c = rollsim.Cluster()
    [ns] = c.apply(
        "apiVersion: v1\nkind: Namespace\n"
        "metadata: {name: test, labels: {istio-injection: enabled}}\n"
    )
    wire = rollsim.to_dict(ns)
    assert wire["metadata"]["labels"] == {
        "istio-injection": "enabled",
        "kubernetes.io/metadata.name": "test",
    }
    assert (wire["spec"], wire["status"]) == ({"finalizers": ["kubernetes"]}, {"phase": "Active"})
    assert c.events == []  # a Namespace is acted on (it admits writes): no NotSimulated


def test_argo_kinds_answer_to_their_crds_short_names() -> None:
    """argo-rollouts manifests/install.yaml: ro, at, cat, ar, exp."""
    for short, kind in [
        ("ro", "Rollout"),
        ("at", "AnalysisTemplate"),
        ("cat", "ClusterAnalysisTemplate"),
        ("ar", "AnalysisRun"),
        ("exp", "Experiment"),
    ]:
        found = lookup(short)
        assert found is not None and found.kind == kind
