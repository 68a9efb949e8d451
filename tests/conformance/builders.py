"""Builders turning the transcribed upstream table rows into rollsim API objects.

Everything here builds real ``rollsim.api`` frozen dataclasses; nothing of
rollsim is replaced or mocked.

Time values (see ``kubernetes/_about.json``):

* an RFC 3339 string is float seconds since ``T0 = 2017-02-15T18:49:00Z``,
  computed from exact nanoseconds so sub-second offsets survive
  (``2017-02-15T18:49:59.000000001Z`` is ``59.000000001``);
* ``"T0"`` is ``0.0``;
* ``"now"`` is ``NOW`` (a fixed instant far past every table's T0, standing in
  for the wall clock of the upstream tests), ``"now-1m"``, ``"now+2m"``,
  ``"now-5h"``, ``"now-1month"`` (30 days) are offsets from it;
* ``"zero"`` and ``"0001-01-01T00:00:00Z"`` (Go's zero ``metav1.Time``) are
  ``None``, which rollsim uses for the zero time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rollsim.api import (
    Container,
    Deployment,
    DeploymentCondition,
    DeploymentSpec,
    DeploymentStatus,
    DeploymentStrategy,
    LabelSelector,
    ObjectMeta,
    PodSpec,
    PodTemplateSpec,
    ReplicaSet,
    ReplicaSetSpec,
    ReplicaSetStatus,
    RollingUpdateDeployment,
)

DATA = Path(__file__).parent / "kubernetes"

T0_TEXT = "2017-02-15T18:49:00Z"
_T0 = datetime(2017, 2, 15, 18, 49, tzinfo=UTC)
NOW = 1_000_000.0
GO_ZERO_TIME = "0001-01-01T00:00:00Z"

_RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?Z$")
_RELATIVE = re.compile(r"^now(?:([+-])(\d+)(s|m|h|month))?$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "month": 30 * 24 * 3600}


def load_table(filename: str) -> dict[str, Any]:
    """A transcribed table file of ``tests/conformance/kubernetes``."""
    with (DATA / filename).open(encoding="utf-8") as fh:
        doc: dict[str, Any] = json.load(fh)
    return doc


def ts(value: str | float | None) -> float | None:
    """A table time value as rollsim float seconds (``None`` for Go's zero time)."""
    if value is None or isinstance(value, float | int):
        return None if value is None else float(value)
    if value in ("zero", GO_ZERO_TIME):
        return None
    if value == "T0":
        return 0.0
    rel = _RELATIVE.match(value)
    if rel:
        sign, amount, unit = rel.groups()
        if sign is None:
            return NOW
        offset = int(amount) * _UNIT_SECONDS[unit]
        return NOW + offset if sign == "+" else NOW - offset
    m = _RFC3339.match(value)
    if not m:
        raise ValueError(f"unrecognised time value {value!r}")
    year, month, day, hour, minute, second, fraction = m.groups()
    instant = datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=UTC
    )
    whole = instant - _T0
    seconds = whole.days * 86_400 + whole.seconds
    nanos = int((fraction or "").ljust(9, "0"))
    return (seconds * 1_000_000_000 + nanos) / 1_000_000_000


def expand(expr: str) -> str:
    """Expand the tables' ``'x*N'`` shorthand: ``"a*242 + '-abcde12345'"``."""
    parts = []
    for term in expr.split(" + "):
        term = term.strip()
        repeat = re.fullmatch(r"(.)\*(\d+)", term)
        if repeat:
            parts.append(repeat.group(1) * int(repeat.group(2)))
        elif len(term) >= 2 and term[0] == term[-1] == "'":
            parts.append(term[1:-1])
        else:
            parts.append(term)
    return "".join(parts)


def template(
    *,
    labels: Mapping[str, str] | None = None,
    annotations: Mapping[str, str] | None = None,
    name: str = "",
    node_name: str = "",
    container_name: str = "nginx",
    image: str = "nginx",
) -> PodTemplateSpec:
    return PodTemplateSpec(
        metadata=ObjectMeta(
            name=name, labels=dict(labels or {}), annotations=dict(annotations or {})
        ),
        spec=PodSpec(
            containers=(Container(name=container_name, image=image),), node_name=node_name
        ),
    )


def condition(row: Mapping[str, Any]) -> DeploymentCondition:
    """A DeploymentCondition from a table dict (type/status/reason/lastUpdateTime/...)."""
    return DeploymentCondition(
        type=row.get("type", ""),
        status=row.get("status", ""),
        reason=row.get("reason", ""),
        message=row.get("message", ""),
        last_update_time=ts(row.get("lastUpdateTime")),
        last_transition_time=ts(row.get("lastTransitionTime")),
    )


def deployment_status(
    row: Mapping[str, Any] | None = None, conditions: Any = None
) -> DeploymentStatus:
    """A DeploymentStatus from a table dict of counts (``updated``/``updatedReplicas``...)."""
    row = row or {}

    def pick(*keys: str) -> int:
        for key in keys:
            if row.get(key) is not None:
                return int(row[key])
        return 0

    return DeploymentStatus(
        observed_generation=pick("observedGeneration"),
        replicas=pick("replicas"),
        updated_replicas=pick("updatedReplicas", "updated"),
        ready_replicas=pick("readyReplicas", "ready"),
        available_replicas=pick("availableReplicas", "available"),
        unavailable_replicas=pick("unavailableReplicas"),
        conditions=tuple(condition(c) for c in (conditions or ())),
    )


def deployment(
    replicas: int | None = 1,
    *,
    strategy: str = "RollingUpdate",
    max_surge: int | str | None = 0,
    max_unavailable: int | str | None = 0,
    name: str = "foo",
    status: DeploymentStatus | None = None,
    progress_deadline_seconds: int | None = None,
    revision_history_limit: int | None = None,
    pod_template: PodTemplateSpec | None = None,
    annotations: Mapping[str, str] | None = None,
    generation: int = 0,
    uid: str = "",
) -> Deployment:
    """Upstream's ``newDeployment`` helper: RollingUpdate with maxSurge/maxUnavailable
    both int 0 unless given (pass ``None`` for a nil field)."""
    rolling = (
        RollingUpdateDeployment(max_unavailable=max_unavailable, max_surge=max_surge)
        if strategy == "RollingUpdate"
        else None
    )
    pod_template = pod_template or template(labels={"foo": "bar"})
    return Deployment(
        metadata=ObjectMeta(
            name=name,
            namespace="default",
            annotations=dict(annotations or {}),
            generation=generation,
            uid=uid,
        ),
        spec=DeploymentSpec(
            replicas=replicas,
            selector=LabelSelector(match_labels=dict(pod_template.metadata.labels)),
            template=pod_template,
            strategy=DeploymentStrategy(type=strategy, rolling_update=rolling),
            progress_deadline_seconds=progress_deadline_seconds,
            revision_history_limit=revision_history_limit,
        ),
        status=status or DeploymentStatus(),
    )


def replica_set(
    name: str,
    replicas: int | None = 0,
    *,
    status_replicas: int = 0,
    available: int = 0,
    ready: int = 0,
    observed_generation: int = 0,
    created: str | float | None = None,
    annotations: Mapping[str, str] | None = None,
    uid: str | None = None,
    pod_template: PodTemplateSpec | None = None,
    deletion_timestamp: str | float | None = None,
) -> ReplicaSet:
    """Upstream's ``rs``/``newRSWithStatus`` helpers (status zero unless given)."""
    pod_template = pod_template or template(labels={"foo": "bar"})
    return ReplicaSet(
        metadata=ObjectMeta(
            name=name,
            namespace="default",
            uid=uid if uid is not None else f"uid-{name}",
            annotations=dict(annotations or {}),
            creation_timestamp=ts(created),
            deletion_timestamp=ts(deletion_timestamp),
        ),
        spec=ReplicaSetSpec(
            replicas=replicas,
            selector=LabelSelector(match_labels=dict(pod_template.metadata.labels)),
            template=pod_template,
        ),
        status=ReplicaSetStatus(
            replicas=status_replicas,
            available_replicas=available,
            ready_replicas=ready,
            observed_generation=observed_generation,
        ),
    )
