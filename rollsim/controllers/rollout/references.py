"""What a Rollout names outside itself: its workload, its Services, its analysis templates.

Mirrors argo-rollouts rollout/templateref.go (``informerBasedTemplateResolver.Resolve``:
a ``workloadRef`` Rollout runs the referenced Deployment's or ReplicaSet's pod
template, and its selector when the Rollout has none) and the referenced-resource
half of rollout/controller.go (``getReferencedServices``,
``getReferencedAnalysisTemplatesFromRef``): every name is looked up in the
Rollout's own namespace, a ``clusterScope`` template among the
ClusterAnalysisTemplates. What is missing is a ``field.Error`` in Argo's words,
which the controller writes as the ``InvalidSpec`` condition
(``createInvalidRolloutCondition``) instead of reconciling.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from rollsim.api.argo import (
    AnalysisMetric,
    AnalysisTemplate,
    ClusterAnalysisTemplate,
    Rollout,
    RolloutAnalysis,
    WorkloadRef,
)
from rollsim.api.errors import FieldError, GoText
from rollsim.world.store import Store

__all__ = ["referenced_resources_error", "resolve_workload_ref", "template_metrics"]

#: The workload kinds ``Resolve`` reads a template from (``infoByGroupKind``), by
#: (group, kind), with the resource name their lister's NotFound error carries.
_WORKLOAD_KINDS = {
    ("apps", "Deployment"): "deployments.apps",
    ("apps", "ReplicaSet"): "replicasets.apps",
}


def resolve_workload_ref(store: Store, r: Rollout) -> tuple[Rollout, FieldError | None]:
    """``Resolve``: the Rollout with the referenced workload's template (and selector,
    if it has none), or the Rollout as it is and ``InvalidWorkloadRef``'s error."""
    ref = r.spec.workload_ref
    if ref is None:
        return r, None
    group = ref.api_version.rpartition("/")[0]
    resource = _WORKLOAD_KINDS.get((group, ref.kind))
    if resource is None:
        return r, _invalid_workload_ref(
            ref, f"workload of type {group}/{ref.kind} is not supported"
        )
    workload = store.get(ref.kind, r.metadata.namespace, ref.name)
    if workload is None:
        return r, _invalid_workload_ref(ref, f'{resource} "{ref.name}" not found')
    spec = replace(
        r.spec,
        template=workload.spec.template,
        selector=r.spec.selector if r.spec.selector is not None else workload.spec.selector,
    )
    return replace(r, spec=spec), None


def _invalid_workload_ref(ref: WorkloadRef, detail: str) -> FieldError:
    """``InvalidWorkloadRef``: the reference printed as Go's ``%#v`` prints an ObjectRef."""
    shown = GoText(
        f'v1alpha1.ObjectRef{{APIVersion:"{ref.api_version}", Kind:"{ref.kind}", '
        f'Name:"{ref.name}", ScaleDown:"{ref.scale_down}"}}'
    )
    return FieldError("Invalid value", "spec.workloadRef", detail, shown)


def referenced_resources_error(store: Store, r: Rollout) -> FieldError | None:
    """``getRolloutReferencedResources``: the first Service or analysis template the
    Rollout names that does not exist, as the ``field.Invalid`` Argo returns."""
    namespace = r.metadata.namespace
    for path, name in _services(r):
        if name and store.get("Service", namespace, name) is None:
            return FieldError("Invalid value", path, f'service "{name}" not found', name)
    for path, analysis in _analyses(r):
        for ref in analysis.templates:
            if _template(store, namespace, ref.template_name, ref.cluster_scope) is None:
                kind = "ClusterAnalysisTemplate" if ref.cluster_scope else "AnalysisTemplate"
                detail = f"{kind} '{ref.template_name}' not found"
                return FieldError("Invalid value", path, detail, ref.template_name)
    return None


def template_metrics(store: Store, r: Rollout, analysis: RolloutAnalysis) -> list[AnalysisMetric]:
    """The metrics of every template an analysis names, in order (``clusterScope``
    ones from the ClusterAnalysisTemplates)."""
    metrics: list[AnalysisMetric] = []
    for ref in analysis.templates:
        template = _template(store, r.metadata.namespace, ref.template_name, ref.cluster_scope)
        if template is not None:
            metrics.extend(template.spec.metrics)
    return metrics


def _template(
    store: Store, namespace: str, name: str, cluster_scope: bool
) -> AnalysisTemplate | ClusterAnalysisTemplate | None:
    """An AnalysisTemplate in ``namespace``, or the ClusterAnalysisTemplate ``name``
    (whatever namespace field a cluster-scoped object was stored under)."""
    if not cluster_scope:
        return store.get(AnalysisTemplate, namespace, name)
    templates = store.list(ClusterAnalysisTemplate)
    return next((t for t in templates if t.metadata.name == name), None)


def _services(r: Rollout) -> Iterator[tuple[str, str]]:
    """``getReferencedServices``, each with ``GetServiceWithTypeFieldPath``'s path."""
    blue_green, canary = r.spec.strategy.blue_green, r.spec.strategy.canary
    if blue_green is not None:
        yield "spec.strategy.blueGreen.activeService", blue_green.active_service
        yield "spec.strategy.blueGreen.previewService", blue_green.preview_service
    elif canary is not None:
        yield "spec.strategy.canary.stableService", canary.stable_service
        yield "spec.strategy.canary.canaryService", canary.canary_service


def _analyses(r: Rollout) -> Iterator[tuple[str, RolloutAnalysis]]:
    """``getReferencedRolloutAnalyses``, each with
    ``GetAnalysisTemplateWithTypeFieldPath``'s path."""
    blue_green, canary = r.spec.strategy.blue_green, r.spec.strategy.canary
    if blue_green is not None:
        for wire, analysis in (
            ("prePromotionAnalysis", blue_green.pre_promotion_analysis),
            ("postPromotionAnalysis", blue_green.post_promotion_analysis),
        ):
            if analysis is not None:
                yield f"spec.strategy.blueGreen.{wire}.templates", analysis
    elif canary is not None:
        for i, step in enumerate(canary.steps):
            if step.analysis is not None:
                yield f"spec.strategy.canary.steps[{i}].analysis.templates", step.analysis
        if canary.analysis is not None:
            yield "spec.strategy.canary.analysis.templates", canary.analysis
