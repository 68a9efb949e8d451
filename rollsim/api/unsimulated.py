"""The fields rollsim stores but whose behaviour it does not simulate.

A real manifest sets many fields that change what a rollout does in a real
cluster: resource requests and affinity decide where (and whether) pods
schedule, a postStart hook delays their start, a Flagger webhook gates
promotion. rollsim keeps each one (``get -o
yaml`` shows it) but nothing acts on it yet, so ``apply`` names every one a
manifest sets: a result that silently ignored them would read as a
prediction it is not.

Fields that cannot change a rollout's course (``env``, ``volumes``, a
container's ``ports``, ``securityContext``...) are stored without comment.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from rollsim.api.analysis_validation import AnalysisTemplateSpec
from rollsim.api.argo import (
    BlueGreenStrategy,
    CanaryStep,
    CanaryStrategy,
    RolloutAnalysis,
    RolloutSpec,
)
from rollsim.api.core import Container, PodSpec
from rollsim.api.flagger import CanaryAnalysis, CanarySpec, MetricTemplateProvider
from rollsim.api.wire import wire_name

__all__ = ["NOT_SIMULATED", "not_simulated_fields"]

#: By the class that holds them, the wire fields rollsim keeps without acting on them.
NOT_SIMULATED: Mapping[type, frozenset[str]] = {
    # The scheduler and node capacity.
    PodSpec: frozenset(
        {
            "nodeSelector",
            "affinity",
            "tolerations",
            "topologySpreadConstraints",
            "priorityClassName",
            "priority",
            "preemptionPolicy",
            "schedulingGates",
            "resources",
            "overhead",
            "runtimeClassName",
            "initContainers",
            "activeDeadlineSeconds",
        }
    ),
    # The kubelet: requests and limits, sidecars (its probes and preStop hook are
    # simulated; the rest of ``lifecycle`` is in ``NOT_SIMULATED_WITHIN``).
    Container: frozenset({"resources", "restartPolicy"}),
    # Argo Rollouts.
    RolloutSpec: frozenset({"analysis", "rollbackWindow"}),
    CanaryStrategy: frozenset({"canaryMetadata", "stableMetadata", "antiAffinity", "pingPong"}),
    BlueGreenStrategy: frozenset({"previewMetadata", "activeMetadata", "antiAffinity"}),
    CanaryStep: frozenset({"experiment", "plugin"}),
    RolloutAnalysis: frozenset({"dryRun", "measurementRetention"}),
    AnalysisTemplateSpec: frozenset({"dryRun", "measurementRetention"}),
    # Flagger.
    CanarySpec: frozenset({"autoscalerRef", "revertOnDeletion"}),
    CanaryAnalysis: frozenset(
        {"webhooks", "alerts", "sessionAffinity", "primaryReadyThreshold", "canaryReadyThreshold"}
    ),
    # No request leaves the simulation: a provider's connection settings are kept only.
    MetricTemplateProvider: frozenset({"address", "insecureSkipVerify", "headers", "region"}),
}


#: Opaque fields simulated in part: by class and field, the members that are not.
NOT_SIMULATED_WITHIN: Mapping[type, Mapping[str, frozenset[str]]] = {
    Container: {"lifecycle": frozenset({"postStart", "stopSignal"})},
    # Flagger's router matches requests on headers, uri and method only.
    CanaryAnalysis: {
        "match": frozenset(
            {
                "scheme",
                "authority",
                "port",
                "sourceLabels",
                "sourceNamespace",
                "gateways",
                "queryParams",
                "ignoreUriCase",
                "withoutHeaders",
            }
        )
    },
}


def not_simulated_fields(obj: Any) -> list[str]:
    """The field paths ``obj`` sets that rollsim stores but does not simulate, in the
    order they appear (``spec.template.spec.containers[0].livenessProbe``)."""
    found: list[str] = []
    pending: list[tuple[Any, str]] = [(obj, "")]
    while pending:
        node, path = pending.pop()
        if isinstance(node, tuple):
            pending.extend(
                (item, f"{path}[{index}]") for index, item in reversed(list(enumerate(node)))
            )
            continue
        if not dataclasses.is_dataclass(node) or isinstance(node, type):
            continue
        ignored = NOT_SIMULATED.get(type(node), frozenset())
        extra = getattr(node, "extra", None)
        if isinstance(extra, Mapping):
            within = NOT_SIMULATED_WITHIN.get(type(node), {})
            for key, value in extra.items():
                if key in ignored:
                    found.append(_join(path, key))
                elif key in within:
                    found += _within(_join(path, key), value, within[key])
        children = [
            (getattr(node, f.name), _join(path, wire_name(f)))
            for f in dataclasses.fields(node)
            if not f.metadata.get("extra") and f.name not in ("metadata", "status")
        ]
        pending.extend(reversed(children))
    return found


def _within(path: str, value: Any, members: frozenset[str]) -> list[str]:
    """The members of an opaque object (or of each object of a list) not simulated."""
    if isinstance(value, Mapping):
        return [f"{path}.{k}" for k in value if k in members]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _within(f"{path}[{i}]", item, members)]
    return []


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
