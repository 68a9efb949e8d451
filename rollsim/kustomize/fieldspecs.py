"""kustomize's built-in field specs (api/internal/konfig/builtinpluginconsts): where
each transformer writes, which names refer to which kinds, and the legacy sort's kind order."""

from __future__ import annotations

__all__ = [
    "ANNOTATIONS",
    "METADATA_LABELS",
    "NAME_FIXED_KINDS",
    "NAME_REFERENCES",
    "ORDER_FIRST",
    "ORDER_LAST",
    "POD_SPEC_PATHS",
    "REPLICA_KINDS",
    "SELECTOR_LABELS",
    "FieldSpec",
]

#: A field spec (``types.FieldSpec``): the kind (None: any), the group (None: any), the
#: path, whether missing maps on the way are created.
FieldSpec = tuple[str | None, str | None, tuple[str, ...], bool]

_POD_TEMPLATE_KINDS = ("Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job")


def _specs(kinds: tuple[str, ...], group: str | None, path: str, create: bool) -> list[FieldSpec]:
    return [(kind, group, tuple(path.split("/")), create) for kind in kinds]


#: builtinpluginconsts ``metadataLabelsFieldSpecs`` (also ``templateLabels``).
METADATA_LABELS: list[FieldSpec] = [
    (None, None, ("metadata", "labels"), True),
    *_specs(
        ("ReplicationController", *_POD_TEMPLATE_KINDS), None, "spec/template/metadata/labels", True
    ),
    *_specs(("CronJob",), "batch", "spec/jobTemplate/metadata/labels", True),
    *_specs(("CronJob",), "batch", "spec/jobTemplate/spec/template/metadata/labels", True),
]
#: builtinpluginconsts ``commonLabelFieldSpecs``: the selectors (and, after them, the
#: metadata labels and StatefulSet volume claim templates).
SELECTOR_LABELS: list[FieldSpec] = [
    *_specs(("Service", "ReplicationController"), "", "spec/selector", True),
    *_specs(("Deployment", "ReplicaSet", "DaemonSet"), None, "spec/selector/matchLabels", True),
    *_specs(("StatefulSet",), "apps", "spec/selector/matchLabels", True),
    *_specs(("Job",), "batch", "spec/selector/matchLabels", False),
    *_specs(("CronJob",), "batch", "spec/jobTemplate/spec/selector/matchLabels", False),
    *_specs(("PodDisruptionBudget",), "policy", "spec/selector/matchLabels", False),
    *_specs(("NetworkPolicy",), "networking.k8s.io", "spec/podSelector/matchLabels", False),
    *_specs(
        ("NetworkPolicy",), "networking.k8s.io", "spec/ingress/from/podSelector/matchLabels", False
    ),
    *_specs(
        ("NetworkPolicy",), "networking.k8s.io", "spec/egress/to/podSelector/matchLabels", False
    ),
    *[
        spec
        for kind in ("Deployment", "StatefulSet")
        for affinity in (
            "podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm",
            "podAffinity/requiredDuringSchedulingIgnoredDuringExecution",
            "podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm",
            "podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution",
        )
        for spec in _specs(
            (kind,),
            "apps",
            f"spec/template/spec/affinity/{affinity}/labelSelector/matchLabels",
            False,
        )
    ],
    *_specs(
        ("Deployment", "StatefulSet"),
        "apps",
        "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
        False,
    ),
    *_specs(("StatefulSet",), "apps", "spec/volumeClaimTemplates/metadata/labels", True),
]
#: builtinpluginconsts ``commonAnnotationFieldSpecs``.
ANNOTATIONS: list[FieldSpec] = [
    (None, None, ("metadata", "annotations"), True),
    *_specs(
        ("ReplicationController", *_POD_TEMPLATE_KINDS),
        None,
        "spec/template/metadata/annotations",
        True,
    ),
    *_specs(("CronJob",), "batch", "spec/jobTemplate/metadata/annotations", True),
    *_specs(("CronJob",), "batch", "spec/jobTemplate/spec/template/metadata/annotations", True),
]
#: builtinpluginconsts ``replicasFieldSpecs``.
REPLICA_KINDS = ("Deployment", "ReplicationController", "ReplicaSet", "StatefulSet")
#: ``prefixFieldSpecsToSkip``: kinds whose names a prefix or suffix leaves alone.
NAME_FIXED_KINDS = ("CustomResourceDefinition", "APIService", "Namespace")
#: The pod spec of each kind kustomize's field specs reach (``spec/template/spec``...).
POD_SPEC_PATHS = {
    "Pod": ("spec",),
    **{
        kind: ("spec", "template", "spec")
        for kind in (*_POD_TEMPLATE_KINDS, "ReplicationController")
    },
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
#: builtinpluginconsts ``nameReferenceFieldSpecs`` (the references of built-in kinds):
#: the referenced kind, then where the name is, from the pod spec (``@pod``) or the top.
NAME_REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "ConfigMap": (
        ("@pod", "volumes/configMap/name"),
        ("@pod", "volumes/projected/sources/configMap/name"),
        ("@pod", "containers/env/valueFrom/configMapKeyRef/name"),
        ("@pod", "initContainers/env/valueFrom/configMapKeyRef/name"),
        ("@pod", "containers/envFrom/configMapRef/name"),
        ("@pod", "initContainers/envFrom/configMapRef/name"),
    ),
    "Secret": (
        ("@pod", "volumes/secret/secretName"),
        ("@pod", "volumes/projected/sources/secret/name"),
        ("@pod", "containers/env/valueFrom/secretKeyRef/name"),
        ("@pod", "initContainers/env/valueFrom/secretKeyRef/name"),
        ("@pod", "containers/envFrom/secretRef/name"),
        ("@pod", "initContainers/envFrom/secretRef/name"),
        ("@pod", "imagePullSecrets/name"),
        ("Ingress", "spec/tls/secretName"),
        ("ServiceAccount", "imagePullSecrets/name"),
    ),
    "ServiceAccount": (
        ("@pod", "serviceAccountName"),
        ("@pod", "serviceAccount"),
        ("RoleBinding", "subjects/name"),
        ("ClusterRoleBinding", "subjects/name"),
    ),
    "PersistentVolumeClaim": (("@pod", "volumes/persistentVolumeClaim/claimName"),),
    "Service": (
        ("Ingress", "spec/rules/http/paths/backend/service/name"),
        ("Ingress", "spec/defaultBackend/service/name"),
        ("StatefulSet", "spec/serviceName"),
    ),
    "Role": (("RoleBinding", "roleRef/name"),),
    "ClusterRole": (("RoleBinding", "roleRef/name"), ("ClusterRoleBinding", "roleRef/name")),
    **{
        kind: (("HorizontalPodAutoscaler", "spec/scaleTargetRef/name"),)
        for kind in ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController")
    },
}


#: ``defaultOrderFirst`` and ``defaultOrderLast`` of the legacy sort.
ORDER_FIRST = (
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
)
ORDER_LAST = ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")
