"""Real install manifests applied unchanged, every object listed after (issue 12, "Done when").

- ingress-nginx's ``deploy/static/provider/cloud/deploy.yaml``, which its docs say
  "was generated with ``helm template``": 19 objects of 12 kinds, applied as
  ``docs/deploy/index.md`` types it, then its "Pre-flight check".
- Argo Rollouts' ``manifests/install.yaml`` (3 MB, five CRDs), applied as the
  installation guide types it: ``kubectl create namespace argo-rollouts`` then
  ``kubectl apply -n argo-rollouts -f .../install.yaml``.

Sources and commits: ``tests/manifests/ingress-nginx/README.md`` and
``tests/manifests/argo-rollouts/install/README.md``. Pods start in 2 s.
"""

from __future__ import annotations

import re

import rollsim

from .walkthrough import MANIFESTS, Terminal, names

INGRESS_URL = (
    "https://raw.githubusercontent.com/kubernetes/ingress-nginx/controller-v1.15.1"
    "/deploy/static/provider/cloud/deploy.yaml"
)
INGRESS = MANIFESTS / "ingress-nginx" / "cloud" / "deploy.yaml"
ARGO_URL = "https://github.com/argoproj/argo-rollouts/releases/latest/download/install.yaml"
ARGO = MANIFESTS / "argo-rollouts" / "install" / "install.yaml"
BASIC = MANIFESTS / "argo-rollouts" / "getting-started" / "basic"

INGRESS_APPLIED = """\
namespace/ingress-nginx created
serviceaccount/ingress-nginx created
serviceaccount/ingress-nginx-admission created
role.rbac.authorization.k8s.io/ingress-nginx created
role.rbac.authorization.k8s.io/ingress-nginx-admission created
clusterrole.rbac.authorization.k8s.io/ingress-nginx created
clusterrole.rbac.authorization.k8s.io/ingress-nginx-admission created
rolebinding.rbac.authorization.k8s.io/ingress-nginx created
rolebinding.rbac.authorization.k8s.io/ingress-nginx-admission created
clusterrolebinding.rbac.authorization.k8s.io/ingress-nginx created
clusterrolebinding.rbac.authorization.k8s.io/ingress-nginx-admission created
configmap/ingress-nginx-controller created
service/ingress-nginx-controller created
service/ingress-nginx-controller-admission created
deployment.apps/ingress-nginx-controller created
job.batch/ingress-nginx-admission-create created
job.batch/ingress-nginx-admission-patch created
ingressclass.networking.k8s.io/nginx created
validatingwebhookconfiguration.admissionregistration.k8s.io/ingress-nginx-admission created
"""

#: Each kind of the chart, as ``kubectl get`` names it, with the objects it lists.
INGRESS_OBJECTS = {
    "-n ingress-nginx serviceaccounts": ["ingress-nginx", "ingress-nginx-admission"],
    "-n ingress-nginx roles": ["ingress-nginx", "ingress-nginx-admission"],
    "-n ingress-nginx rolebindings": ["ingress-nginx", "ingress-nginx-admission"],
    "clusterroles": ["ingress-nginx", "ingress-nginx-admission"],
    "clusterrolebindings": ["ingress-nginx", "ingress-nginx-admission"],
    "-n ingress-nginx configmaps": ["ingress-nginx-controller"],
    "-n ingress-nginx services": ["ingress-nginx-controller", "ingress-nginx-controller-admission"],
    "-n ingress-nginx deployments": ["ingress-nginx-controller"],
    "-n ingress-nginx jobs": ["ingress-nginx-admission-create", "ingress-nginx-admission-patch"],
    "ingressclasses": ["nginx"],
    "validatingwebhookconfigurations": ["ingress-nginx-admission"],
}

ARGO_APPLIED = """\
customresourcedefinition.apiextensions.k8s.io/analysisruns.argoproj.io created
customresourcedefinition.apiextensions.k8s.io/analysistemplates.argoproj.io created
customresourcedefinition.apiextensions.k8s.io/clusteranalysistemplates.argoproj.io created
customresourcedefinition.apiextensions.k8s.io/experiments.argoproj.io created
customresourcedefinition.apiextensions.k8s.io/rollouts.argoproj.io created
serviceaccount/argo-rollouts created
clusterrole.rbac.authorization.k8s.io/argo-rollouts created
clusterrole.rbac.authorization.k8s.io/argo-rollouts-aggregate-to-admin created
clusterrole.rbac.authorization.k8s.io/argo-rollouts-aggregate-to-edit created
clusterrole.rbac.authorization.k8s.io/argo-rollouts-aggregate-to-view created
clusterrolebinding.rbac.authorization.k8s.io/argo-rollouts created
configmap/argo-rollouts-config created
secret/argo-rollouts-notification-secret created
service/argo-rollouts-metrics created
deployment.apps/argo-rollouts created
"""


def terminal() -> Terminal:
    cluster = rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=2.0))
    return Terminal(cluster, {INGRESS_URL: INGRESS, ARGO_URL: ARGO})


def test_ingress_nginx_chart_applies_every_object() -> None:
    t = terminal()
    assert t.type(f"kubectl apply -f {INGRESS_URL}") == INGRESS_APPLIED
    # Each kind rollsim only stores is said so once, on stderr.
    assert "Warning: job.batch/ingress-nginx-admission-create is stored, not simulated\n" in (
        t.stderr
    )
    assert "ingress-nginx" in names(t.type("kubectl get namespaces"))
    for what, expected in INGRESS_OBJECTS.items():
        assert names(t.type(f"kubectl get {what}")) == expected, what
    # Pre-flight check: the controller pod runs and turns ready (readiness probe 10 s in).
    t.wait(60)
    (pod,) = names(t.type("kubectl get pods --namespace=ingress-nginx"))
    assert pod.startswith("ingress-nginx-controller-")
    ready = t.cluster.get("pod", pod, namespace="ingress-nginx")
    assert any(c.type == "Ready" and c.status == "True" for c in ready.status.conditions)


def test_ingress_nginx_preflight_wait() -> None:
    t = terminal()
    t.type(f"kubectl apply -f {INGRESS_URL}")
    out = t.type(
        """kubectl wait --namespace ingress-nginx \\
  --for=condition=ready pod \\
  --selector=app.kubernetes.io/component=controller \\
  --timeout=120s"""
    )
    assert out.startswith("pod/ingress-nginx-controller-")
    assert out.endswith(" condition met\n")


def test_ingress_nginx_get_all_namespaces() -> None:
    t = terminal()
    t.type(f"kubectl apply -f {INGRESS_URL}")
    listed = t.type("kubectl get all -A")
    for line in (
        "service/ingress-nginx-controller",
        "service/ingress-nginx-controller-admission",
        "deployment.apps/ingress-nginx-controller",
        "job.batch/ingress-nginx-admission-create",
        "job.batch/ingress-nginx-admission-patch",
    ):
        assert f"ingress-nginx   {line} " in listed, line


def test_ingress_nginx_kinds_print_the_api_servers_columns() -> None:
    t = terminal()
    t.type(f"kubectl apply -f {INGRESS_URL}")
    headers = {
        "namespaces": ["NAME", "STATUS", "AGE"],
        "-n ingress-nginx serviceaccounts": ["NAME", "SECRETS", "AGE"],
        "-n ingress-nginx configmaps": ["NAME", "DATA", "AGE"],
        "-n ingress-nginx roles": ["NAME", "CREATED AT"],
        "-n ingress-nginx rolebindings": ["NAME", "ROLE", "AGE"],
        "clusterroles": ["NAME", "CREATED AT"],
        "clusterrolebindings": ["NAME", "ROLE", "AGE"],
        "-n ingress-nginx jobs": ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"],
        "ingressclasses": ["NAME", "CONTROLLER", "PARAMETERS", "AGE"],
        "validatingwebhookconfigurations": ["NAME", "WEBHOOKS", "AGE"],
    }
    for what, header in headers.items():
        first = t.type(f"kubectl get {what}").splitlines()[0]
        # Columns are separated by at least two spaces; "CREATED AT" holds one.
        assert re.split(r"\s{2,}", first.strip()) == header, what


def argo_installed(t: Terminal) -> None:
    """The install with its namespace made by a Namespace document (see the xfail below)."""
    t.type(
        "kubectl apply -f -",
        stdin="apiVersion: v1\nkind: Namespace\nmetadata:\n  name: argo-rollouts\n",
    )
    assert t.type(f"kubectl apply -n argo-rollouts -f {ARGO_URL}") == ARGO_APPLIED


def test_argo_rollouts_install_applies_every_object() -> None:
    t = terminal()
    argo_installed(t)
    assert names(t.type("kubectl get crds")) == [
        "analysisruns.argoproj.io",
        "analysistemplates.argoproj.io",
        "clusteranalysistemplates.argoproj.io",
        "experiments.argoproj.io",
        "rollouts.argoproj.io",
    ]
    listed = {
        "serviceaccounts": ["argo-rollouts"],
        "configmaps": ["argo-rollouts-config"],
        "secrets": ["argo-rollouts-notification-secret"],
        "services": ["argo-rollouts-metrics"],
        "deployments": ["argo-rollouts"],
    }
    for what, expected in listed.items():
        assert names(t.type(f"kubectl -n argo-rollouts get {what}")) == expected, what
    assert names(t.type("kubectl get clusterrolebindings")) == ["argo-rollouts"]
    t.wait(30)
    deployment = t.cluster.get("deployment", "argo-rollouts", namespace="argo-rollouts")
    assert deployment.status.available_replicas == 1
    # Nothing in the default namespace, where the guide goes next.
    assert t.cluster.list("deployment", namespace="default") == []


def test_argo_rollouts_install_then_the_getting_started_rollout() -> None:
    """The CRDs the install registers do not stand in the way of the simulated Rollout."""
    t = terminal()
    argo_installed(t)
    t.type(f"kubectl apply -f {BASIC / 'rollout.yaml'}")
    t.wait(30)
    rollout = t.cluster.get("rollout", "rollouts-demo")
    assert (rollout.status.phase, rollout.status.available_replicas) == ("Healthy", 5)


def test_argo_rollouts_install_as_typed() -> None:
    t = terminal()
    assert t.type("kubectl create namespace argo-rollouts") == "namespace/argo-rollouts created\n"
    assert t.type(f"kubectl apply -n argo-rollouts -f {ARGO_URL}") == ARGO_APPLIED
