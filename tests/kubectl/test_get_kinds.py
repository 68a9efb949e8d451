"""``kubectl get`` over several kinds and the kinds rollsim stores (issue 12, item 4).

Upstream's words: get.go ``Run`` (one table per kind, ``kind/name`` when the
objects are of several kinds, a blank line between tables), discovery's
``all`` category, and printers.go's columns. The inputs are upstream files
kept under tests/manifests: ingress-nginx's rendered Helm chart
(``ingress-nginx/cloud/deploy.yaml``) and Flagger's podinfo HPA
(``flagger/kustomize/podinfo/hpa.yaml``), both unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import rollsim

MANIFESTS = Path(__file__).parent.parent / "manifests"
INGRESS_NGINX = MANIFESTS / "ingress-nginx" / "cloud" / "deploy.yaml"
PODINFO = MANIFESTS / "flagger" / "kustomize" / "podinfo"


@pytest.fixture(scope="module")
def cluster() -> rollsim.Cluster:
    c = rollsim.Cluster(seed=0)
    c.apply(str(INGRESS_NGINX))
    c.apply(str(PODINFO / "hpa.yaml"))
    c.apply(str(PODINFO / "deployment.yaml"))
    c.run(until=90)
    return c


def test_get_all_lists_the_category_with_kind_prefixes(cluster: rollsim.Cluster) -> None:
    """Jobs are in ``all``; ConfigMaps and ServiceAccounts are not."""
    lb = cluster.get("service", "ingress-nginx-controller", namespace="ingress-nginx")
    http, https = (p.node_port for p in lb.spec.ports)
    assert cluster.kubectl("get all -n ingress-nginx") == (
        "NAME                                            READY   STATUS    RESTARTS   AGE\n"
        "pod/ingress-nginx-controller-76bf5c58c9-2nl7k   1/1     Running   0          90s\n"
        "\n"
        "NAME                                         TYPE           CLUSTER-IP   EXTERNAL-IP"
        "   PORT(S)                      AGE\n"
        "service/ingress-nginx-controller             LoadBalancer   10.96.0.2    <pending>  "
        f"   80:{http}/TCP,443:{https}/TCP   90s\n"
        "service/ingress-nginx-controller-admission   ClusterIP      10.96.0.3    <none>     "
        "   443/TCP                      90s\n"
        "\n"
        "NAME                                       READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "deployment.apps/ingress-nginx-controller   1/1     1            1           90s\n"
        "\n"
        "NAME                                                  DESIRED   CURRENT   READY   AGE\n"
        "replicaset.apps/ingress-nginx-controller-76bf5c58c9   1         1         1       90s\n"
        "\n"
        "NAME                                       STATUS    COMPLETIONS   DURATION   AGE\n"
        "job.batch/ingress-nginx-admission-create   Running   0/1                      90s\n"
        "job.batch/ingress-nginx-admission-patch    Running   0/1                      90s\n"
    )


def test_several_kinds_by_comma(cluster: rollsim.Cluster) -> None:
    assert cluster.kubectl("get cm,sa -n ingress-nginx") == (
        "NAME                                 DATA   AGE\n"
        "configmap/ingress-nginx-controller   0      90s\n"
        "\n"
        "NAME                                     SECRETS   AGE\n"
        "serviceaccount/ingress-nginx             0         90s\n"
        "serviceaccount/ingress-nginx-admission   0         90s\n"
    )


def test_one_kind_found_of_two_asked_has_no_prefix(cluster: rollsim.Cluster) -> None:
    """multipleGVKsRequested reads the objects found, not the kinds asked."""
    assert cluster.kubectl("get deploy,cm") == (
        "NAME      READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "podinfo   1/1     1            1           90s\n"
    )


def test_type_slash_name_pairs(cluster: rollsim.Cluster) -> None:
    out = cluster.kubectl("get deploy/podinfo hpa/podinfo")
    assert out == (
        "NAME                      READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "deployment.apps/podinfo   1/1     1            1           90s\n"
        "\n"
        "NAME                                          REFERENCE            TARGETS           "
        "   MINPODS   MAXPODS   REPLICAS   AGE\n"
        "horizontalpodautoscaler.autoscaling/podinfo   Deployment/podinfo   cpu: <unknown>/99%"
        "   2         4         0          90s\n"
    )


def test_a_type_beside_type_slash_name_is_refused(cluster: rollsim.Cluster) -> None:
    with pytest.raises(rollsim.KubectlError) as raised:
        cluster.kubectl("get deploy deploy/podinfo")
    assert raised.value.message.startswith(
        "error: there is no need to specify a resource type as a separate argument"
    )


def test_a_missing_name_among_found_ones_prints_both(cluster: rollsim.Cluster) -> None:
    with pytest.raises(rollsim.KubectlError) as raised:
        cluster.kubectl("get deploy podinfo nope")
    assert raised.value.output == (
        "NAME      READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "podinfo   1/1     1            1           90s\n"
    )
    assert raised.value.message == 'Error from server (NotFound): deployments.apps "nope" not found'


def test_namespaces_have_a_status(cluster: rollsim.Cluster) -> None:
    assert cluster.kubectl("get ns ingress-nginx default") == (
        "NAME            STATUS   AGE\ningress-nginx   Active   90s\ndefault         Active   90s\n"
    )


def test_endpoints_list_the_ready_pods_behind_each_service(cluster: rollsim.Cluster) -> None:
    assert cluster.kubectl("get ep -A") == (
        "NAMESPACE       NAME                                 ENDPOINTS                      AGE\n"
        "ingress-nginx   ingress-nginx-controller             10.244.0.3:80,10.244.0.3:443   90s\n"
        "ingress-nginx   ingress-nginx-controller-admission   10.244.0.3:8443                90s\n"
    )


def test_a_pod_not_ready_yet_is_a_not_ready_address() -> None:
    """formatEndpoints prints the ready addresses only: a subset holding only
    notReadyAddresses is an empty cell, as upstream."""
    c = rollsim.Cluster(seed=0)
    c.apply(str(INGRESS_NGINX))
    assert c.kubectl("get endpoints ingress-nginx-controller -n ingress-nginx") == (
        "NAME                       ENDPOINTS   AGE\ningress-nginx-controller               0s\n"
    )
    path = "{.subsets[0].notReadyAddresses[*].targetRef.name}"
    pod = c.kubectl("get pods -n ingress-nginx -o name").removeprefix("pod/").strip()
    assert c.kubectl(f"get ep ingress-nginx-controller -n ingress-nginx -o jsonpath='{path}'") == (
        pod
    )


def test_cluster_scoped_kinds_have_no_namespace_column(cluster: rollsim.Cluster) -> None:
    assert cluster.kubectl("get ingressclass,validatingwebhookconfiguration,clusterrole -A") == (
        "NAME                                   CONTROLLER             PARAMETERS   AGE\n"
        "ingressclass.networking.k8s.io/nginx   k8s.io/ingress-nginx   <none>       90s\n"
        "\n"
        "NAME                                                                                  "
        "WEBHOOKS   AGE\n"
        "validatingwebhookconfiguration.admissionregistration.k8s.io/ingress-nginx-admission   "
        "1          90s\n"
        "\n"
        "NAME                                                            CREATED AT\n"
        "clusterrole.rbac.authorization.k8s.io/ingress-nginx             2025-01-01T00:00:00Z\n"
        "clusterrole.rbac.authorization.k8s.io/ingress-nginx-admission   2025-01-01T00:00:00Z\n"
    )


def test_role_bindings_name_their_role_and_wide_their_subjects(cluster: rollsim.Cluster) -> None:
    assert cluster.kubectl("get rolebinding ingress-nginx -n ingress-nginx -o wide") == (
        "NAME            ROLE                 AGE   USERS   GROUPS   SERVICEACCOUNTS\n"
        "ingress-nginx   Role/ingress-nginx   90s                    ingress-nginx/ingress-nginx\n"
    )


JOBS_AND_FRIENDS = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: report, image: "busybox:1.36"}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: web}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  ingressClassName: nginx
  tls: [{hosts: [a.example.com]}]
  rules:
  - host: a.example.com
  - host: b.example.com
  - host: c.example.com
  - host: d.example.com
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny}
spec: {podSelector: {}}
---
apiVersion: v1
kind: Secret
metadata: {name: token}
stringData: {a: b}
data: {c: ZA==}
"""


def test_upstream_columns_of_the_stored_kinds() -> None:
    """printCronJob (suspend defaulted false), printPodDisruptionBudget (N/A),
    formatHosts (three, then "+ N more..."), formatPorts with TLS, an empty
    podSelector as <none>, a Secret's stringData folded into its data."""
    c = rollsim.Cluster(seed=0)
    c.apply(JOBS_AND_FRIENDS)
    c.run(until=5)
    assert c.kubectl("get cronjob,pdb,ing,netpol,secret") == (
        "NAME                   SCHEDULE      TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE\n"
        "cronjob.batch/report   */5 * * * *   <none>     False     0        <none>          5s\n"
        "\n"
        "NAME                             MIN AVAILABLE   MAX UNAVAILABLE   ALLOWED DISRUPTIONS"
        "   AGE\n"
        "poddisruptionbudget.policy/web   2               N/A               0                  "
        "   5s\n"
        "\n"
        "NAME                            CLASS   HOSTS                                          "
        "         ADDRESS   PORTS     AGE\n"
        "ingress.networking.k8s.io/web   nginx   a.example.com,b.example.com,c.example.com + 1 "
        "more...             80, 443   5s\n"
        "\n"
        "NAME                                   POD-SELECTOR   AGE\n"
        "networkpolicy.networking.k8s.io/deny   <none>         5s\n"
        "\n"
        "NAME           TYPE     DATA   AGE\n"
        "secret/token   Opaque   2      5s\n"
    )


RESOURCE_CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets, shortNames: [wd], categories: [all]}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Color, type: string, jsonPath: .spec.color, priority: 1}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w1}
spec: {size: 3, color: blue}
"""


def test_custom_resources_use_their_crds_printer_columns() -> None:
    c = rollsim.Cluster(seed=0)
    c.apply(RESOURCE_CRD)
    c.run(until=7)
    assert c.kubectl("get wd") == "NAME   SIZE   AGE\nw1     3      7s\n"
    assert (
        c.kubectl("get widgets -o wide") == "NAME   SIZE   COLOR   AGE\nw1     3      blue    7s\n"
    )
    assert (
        c.kubectl("get crd")
        == "NAME                  CREATED AT\nwidgets.example.com   2025-01-01T00:00:00Z\n"
    )
    # The CRD lists the ``all`` category; the only kind found prints without a prefix.
    assert c.kubectl("get all") == "NAME   SIZE   AGE\nw1     3      7s\n"


def test_a_custom_resource_without_its_crd_is_name_and_age() -> None:
    c = rollsim.Cluster(seed=0)
    c.apply(RESOURCE_CRD.split("---\n")[1])
    c.run(until=4)
    assert c.kubectl("get widgets") == "NAME   AGE\nw1     4s\n"
