"""``kubectl apply`` and ``kubectl patch --type merge`` as functions of the store.

Mirrors kubectl's pkg/cmd/apply (the last-applied-configuration annotation
and the three-way merge it drives) and the API server's JSON merge patch
(RFC 7386). Every document is decoded, defaulted and validated before
anything is written: an invalid document changes nothing.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from rollsim.api.errors import FieldError, GoText, ValidationError
from rollsim.api.manifest import load_documents, to_dict
from rollsim.api.validation import validate_deployment_update
from rollsim.api.wire import wire_name
from rollsim.controllers.deployment.util import LAST_APPLIED_ANNOTATION
from rollsim.world.store import Store

__all__ = ["apply", "merge_patch", "patch"]


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch: maps merge recursively, ``null`` deletes, others replace."""
    if not isinstance(patch, Mapping):
        return patch
    result = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def apply(store: Store, source: Any) -> list[Any]:
    """Create or update every document of ``source``, all or none; the stored objects."""
    planned = []
    errors: list[ValidationError] = []
    for obj, manifest in load_documents(source):
        obj = _in_namespace(obj)
        current = store.get(obj.kind, obj.metadata.namespace, obj.metadata.name)
        desired = _applied(obj, manifest, current)
        if current is not None and obj.kind == "Deployment":
            problems = validate_deployment_update(desired, current)
            if problems:
                errors.append(ValidationError(problems, obj.kind, obj.metadata.name))
        planned.append((desired, current))
    if errors:
        raise (
            errors[0]
            if len(errors) == 1
            else ValidationError([e for err in errors for e in err.errors])
        )
    return [
        store.create(desired) if current is None else store.update(desired)
        for desired, current in planned
    ]


def patch(store: Store, current: Any, change: Mapping[str, Any]) -> Any:
    """Merge-patch ``current``; the result is decoded, defaulted and validated like a
    manifest, and on any error nothing changes."""
    merged = merge_patch(to_dict(current), change)
    if not isinstance(merged, dict):
        raise ValidationError(
            [FieldError("Invalid value", "", "patch must be an object", GoText("<patch>"))],
            current.kind,
            current.metadata.name,
        )
    ((obj, _),) = load_documents(merged)
    desired = replace(obj, status=current.status) if hasattr(current, "status") else obj
    if desired.kind == "Deployment":
        problems = validate_deployment_update(desired, current)
        if problems:
            raise ValidationError(problems, desired.kind, desired.metadata.name)
    return store.update(desired)


def _in_namespace(obj: Any) -> Any:
    if obj.metadata.namespace:
        return obj
    return replace(obj, metadata=replace(obj.metadata, namespace="default"))


def _applied(obj: Any, manifest: dict[str, Any], current: Any) -> Any:
    """The object ``kubectl apply`` would leave: the manifest's spec and labels, the
    live object's system annotations and status, and the last-applied record."""
    last_applied = (
        json.dumps(manifest, separators=(",", ":"), ensure_ascii=False, sort_keys=True) + "\n"
    )
    annotations = dict(obj.metadata.annotations)
    annotations[LAST_APPLIED_ANNOTATION] = last_applied
    if current is None:
        return replace(obj, metadata=replace(obj.metadata, annotations=annotations))
    previous: dict[str, Any] = {}
    text = current.metadata.annotations.get(LAST_APPLIED_ANNOTATION)
    if text:
        previous = json.loads(text)
    previously_applied = set((previous.get("metadata") or {}).get("annotations") or {})
    kept = {k: v for k, v in current.metadata.annotations.items() if k not in previously_applied}
    annotations = {**kept, **annotations}
    spec: Any = obj.spec
    if hasattr(spec, "__dataclass_fields__") and hasattr(current, "spec"):
        # The three-way merge, at the level of spec's fields: one that neither
        # this manifest nor the last applied one sets was set by someone else
        # (kubectl scale, rollout pause, a patch) and is kept.
        applied = set(manifest.get("spec") or {}) | set(previous.get("spec") or {})
        kept_fields = {
            f.name: getattr(current.spec, f.name)
            for f in dataclasses.fields(spec)
            if wire_name(f) not in applied
        }
        spec = replace(spec, **kept_fields)
    meta = replace(current.metadata, labels=dict(obj.metadata.labels), annotations=annotations)
    if hasattr(current, "status"):
        return replace(obj, metadata=meta, spec=spec, status=current.status)
    return replace(obj, metadata=meta, spec=spec)
