"""The kinds a real repository holds that rollsim stores but does not simulate.

What ``kubectl api-resources`` lists on a cluster with the usual add-ons:
the built-in kinds of Kubernetes 1.34 beside the workloads, and the custom
resources of the service meshes, ingress controllers and delivery tools that
Argo Rollouts and Flagger route through. Each entry gives the names
discovery reports (plural, short names, scope), so ``kubectl get cm`` or
``kubectl get vs -n test`` addresses them as on a real cluster.

A group listed in ``RESERVED_GROUPS`` is one whose kinds are all known: a
kind there that is not listed (``apps/v1 Deploymnet``) is refused as the
API server refuses it. A kind of any other group is a custom resource whose
CRD rollsim has not seen; it is stored too, under the names kubectl would
guess for it, unless a CustomResourceDefinition applied earlier names it.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["INERT_KINDS", "RESERVED_GROUPS", "KnownKind", "guess_plural", "reserved"]


class KnownKind(NamedTuple):
    """One kind as discovery lists it; ``versions`` are every apiVersion it is served at."""

    versions: tuple[str, ...]
    kind: str
    plural: str
    short_names: tuple[str, ...] = ()
    namespaced: bool = True
    #: Whether the registry strategy keeps ``metadata.generation`` (kinds with a spec).
    versioned: bool = True
    #: Whether the name must be a DNS-1123 label (Namespace) rather than a subdomain.
    name_is_label: bool = False


def _core(kind: str, plural: str, *short: str, namespaced: bool = True) -> KnownKind:
    return KnownKind(("v1",), kind, plural, short, namespaced, versioned=False)


INERT_KINDS: tuple[KnownKind, ...] = (
    _core("ConfigMap", "configmaps", "cm"),
    _core("Secret", "secrets"),
    _core("ServiceAccount", "serviceaccounts", "sa"),
    KnownKind(("v1",), "Namespace", "namespaces", ("ns",), False, False, True),
    _core("Endpoints", "endpoints", "ep"),
    _core("PersistentVolumeClaim", "persistentvolumeclaims", "pvc"),
    _core("PersistentVolume", "persistentvolumes", "pv", namespaced=False),
    _core("LimitRange", "limitranges", "limits"),
    _core("ResourceQuota", "resourcequotas", "quota"),
    _core("Node", "nodes", "no", namespaced=False),
    _core("PodTemplate", "podtemplates"),
    _core("ReplicationController", "replicationcontrollers", "rc"),
    KnownKind(("apps/v1",), "StatefulSet", "statefulsets", ("sts",)),
    KnownKind(("apps/v1",), "DaemonSet", "daemonsets", ("ds",)),
    KnownKind(("apps/v1",), "ControllerRevision", "controllerrevisions"),
    KnownKind(("batch/v1",), "Job", "jobs"),
    KnownKind(("batch/v1",), "CronJob", "cronjobs", ("cj",)),
    KnownKind(
        ("autoscaling/v2", "autoscaling/v1"),
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        ("hpa",),
    ),
    KnownKind(("policy/v1",), "PodDisruptionBudget", "poddisruptionbudgets", ("pdb",)),
    KnownKind(("networking.k8s.io/v1",), "Ingress", "ingresses", ("ing",)),
    KnownKind(("networking.k8s.io/v1",), "IngressClass", "ingressclasses", (), False),
    KnownKind(("networking.k8s.io/v1",), "NetworkPolicy", "networkpolicies", ("netpol",)),
    KnownKind(("discovery.k8s.io/v1",), "EndpointSlice", "endpointslices"),
    KnownKind(("rbac.authorization.k8s.io/v1",), "Role", "roles"),
    KnownKind(("rbac.authorization.k8s.io/v1",), "RoleBinding", "rolebindings"),
    KnownKind(("rbac.authorization.k8s.io/v1",), "ClusterRole", "clusterroles", (), False),
    KnownKind(
        ("rbac.authorization.k8s.io/v1",), "ClusterRoleBinding", "clusterrolebindings", (), False
    ),
    KnownKind(("storage.k8s.io/v1",), "StorageClass", "storageclasses", ("sc",), False),
    KnownKind(("scheduling.k8s.io/v1",), "PriorityClass", "priorityclasses", ("pc",), False),
    KnownKind(("coordination.k8s.io/v1",), "Lease", "leases"),
    KnownKind(
        ("admissionregistration.k8s.io/v1",),
        "MutatingWebhookConfiguration",
        "mutatingwebhookconfigurations",
        (),
        False,
    ),
    KnownKind(
        ("admissionregistration.k8s.io/v1",),
        "ValidatingWebhookConfiguration",
        "validatingwebhookconfigurations",
        (),
        False,
    ),
    KnownKind(
        ("apiextensions.k8s.io/v1",),
        "CustomResourceDefinition",
        "customresourcedefinitions",
        ("crd", "crds"),
        False,
    ),
    KnownKind(("apiregistration.k8s.io/v1",), "APIService", "apiservices", (), False),
    # Argo Rollouts' other kinds (argoproj/argo-rollouts manifests/crds).
    KnownKind(("argoproj.io/v1alpha1",), "AnalysisRun", "analysisruns", ("ar",)),
    KnownKind(("argoproj.io/v1alpha1",), "Experiment", "experiments", ("exp",)),
    # Flagger's other kinds (fluxcd/flagger artifacts/flagger/crd.yaml); its
    # MetricTemplate is simulated (api/kinds.py).
    KnownKind(("flagger.app/v1beta1",), "AlertProvider", "alertproviders"),
    # The routers they drive.
    KnownKind(
        ("networking.istio.io/v1", "networking.istio.io/v1beta1", "networking.istio.io/v1alpha3"),
        "VirtualService",
        "virtualservices",
        ("vs",),
    ),
    KnownKind(
        ("networking.istio.io/v1", "networking.istio.io/v1beta1", "networking.istio.io/v1alpha3"),
        "DestinationRule",
        "destinationrules",
        ("dr",),
    ),
    KnownKind(
        ("gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1beta1"),
        "Gateway",
        "gateways",
        ("gtw",),
    ),
    KnownKind(
        ("networking.istio.io/v1", "networking.istio.io/v1beta1", "networking.istio.io/v1alpha3"),
        "Gateway",
        "gateways",
        ("gw",),
    ),
    KnownKind(
        ("gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1beta1"),
        "HTTPRoute",
        "httproutes",
    ),
    KnownKind(("gateway.networking.k8s.io/v1",), "GRPCRoute", "grpcroutes"),
    KnownKind(("gateway.networking.k8s.io/v1",), "GatewayClass", "gatewayclasses", ("gc",), False),
    KnownKind(
        ("gateway.networking.k8s.io/v1beta1",), "ReferenceGrant", "referencegrants", ("refgrant",)
    ),
    KnownKind(
        ("split.smi-spec.io/v1alpha1", "split.smi-spec.io/v1alpha2", "split.smi-spec.io/v1alpha3"),
        "TrafficSplit",
        "trafficsplits",
        ("ts",),
    ),
    KnownKind(("projectcontour.io/v1",), "HTTPProxy", "httpproxies", ("proxy", "proxies")),
    KnownKind(
        ("traefik.io/v1alpha1", "traefik.containo.us/v1alpha1"), "TraefikService", "traefikservices"
    ),
    KnownKind(("monitoring.coreos.com/v1",), "ServiceMonitor", "servicemonitors", ("smon",)),
    KnownKind(("monitoring.coreos.com/v1",), "PodMonitor", "podmonitors", ("pmon",)),
    KnownKind(("monitoring.coreos.com/v1",), "PrometheusRule", "prometheusrules", ("promrule",)),
    KnownKind(("cert-manager.io/v1",), "Certificate", "certificates", ("cert", "certs")),
)

#: Groups whose every kind rollsim knows: the API server's own, and the two delivery
#: tools rollsim simulates. A kind in one of them that is not registered is a typo.
RESERVED_GROUPS = frozenset(
    {
        "",
        "apps",
        "batch",
        "autoscaling",
        "policy",
        "extensions",
        "argoproj.io",
        "flagger.app",
    }
)


def reserved(group: str) -> bool:
    """Whether every kind of ``group`` is known, so an unknown one there is refused."""
    return group in RESERVED_GROUPS or group == "k8s.io" or group.endswith(".k8s.io")


def guess_plural(kind: str) -> str:
    """The resource kubectl guesses for a kind with no discovery entry, as
    ``meta.UnsafeGuessKindToResource``: lower-cased, ``s`` added, ``es`` after an
    ``s``, and a final ``y`` becomes ``ies``."""
    lowered = kind.lower()
    if lowered.endswith("s"):
        return lowered + "es"
    if lowered.endswith("y"):
        return lowered[:-1] + "ies"
    return lowered + "s"
