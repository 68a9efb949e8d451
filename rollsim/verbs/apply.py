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
from rollsim.verbs import budget
from rollsim.verbs.budget import DEFAULT_MAX_PODS
from rollsim.world.store import Store

__all__ = ["apply", "merge_patch", "patch"]

#: A decoded document: the object and the manifest it was decoded from.
Document = tuple[Any, dict[str, Any]]


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch: maps merge recursively, ``null`` deletes, others replace.

    Walks the patch with a stack rather than recursion, so a patch nested ten
    thousand deep merges like a shallow one instead of raising ``RecursionError``.
    """
    if not isinstance(patch, Mapping):
        return patch
    merged = dict(target) if isinstance(target, Mapping) else {}
    pending: list[tuple[dict[Any, Any], Mapping[Any, Any]]] = [(merged, patch)]
    while pending:
        result, change = pending.pop()
        for key, value in change.items():
            if value is None:
                result.pop(key, None)
            elif isinstance(value, Mapping):
                current = result.get(key)
                child = dict(current) if isinstance(current, Mapping) else {}
                result[key] = child
                pending.append((child, value))
            else:
                result[key] = value
    return merged


def apply(store: Store, source: Any, max_pods: int = DEFAULT_MAX_PODS) -> list[Any]:
    """Create or update every document of ``source`` in order, all or none; the stored
    objects, one per document.

    As ``kubectl apply -f`` (``ApplyOptions.applyOneObject`` per object), a
    document naming an object an earlier one created is applied to it: the
    second copy of a duplicate is an update, or a no-op when it is the same.
    Unlike kubectl, a failure anywhere changes nothing: every document is
    planned against what the earlier ones will leave, checked, and only then
    written.
    """
    stored = []
    for obj, manifest in _plan(store, load_documents(source), max_pods):
        current = store.get(obj.kind, obj.metadata.namespace, obj.metadata.name)
        desired = _applied(obj, manifest, current)
        stored.append(store.create(desired) if current is None else store.update(desired))
    return stored


def _plan(store: Store, decoded: list[Document], max_pods: int) -> list[Document]:
    """Each document (in its namespace) checked against the object the earlier
    documents will leave; raises one ``ValidationError`` with every problem before
    anything is written."""
    planned: dict[tuple[str, str, str], Any] = {}
    documents: list[Document] = []
    errors: list[ValidationError] = []
    for obj, manifest in decoded:
        obj = _in_namespace(obj)
        key = (obj.kind, obj.metadata.namespace, obj.metadata.name)
        current = planned.get(key) or store.get(*key)
        desired = _applied(obj, manifest, current)
        if current is not None and obj.kind == "Deployment":
            problems = validate_deployment_update(desired, current)
            if problems:
                errors.append(ValidationError(problems, obj.kind, obj.metadata.name))
        planned[key] = desired
        documents.append((obj, manifest))
    if errors:
        raise (
            errors[0]
            if len(errors) == 1
            else ValidationError([e for err in errors for e in err.errors])
        )
    budget.check(store, planned.values(), max_pods)
    return documents


def patch(
    store: Store, current: Any, change: Mapping[str, Any], max_pods: int = DEFAULT_MAX_PODS
) -> Any:
    """Merge-patch ``current``; the result is decoded, defaulted and validated like a
    manifest, and on any error nothing changes."""
    merged = merge_patch(to_dict(current), change)
    if not isinstance(merged, dict):
        raise ValidationError(
            [FieldError("Invalid value", "", "patch must be an object", GoText("<patch>"))],
            current.kind,
            current.metadata.name,
        )
    ((obj, _),) = load_documents(_same_object(merged, current))
    desired = replace(obj, status=current.status) if hasattr(current, "status") else obj
    if desired.kind == "Deployment":
        problems = validate_deployment_update(desired, current)
        if problems:
            raise ValidationError(problems, desired.kind, desired.metadata.name)
    budget.check(store, [desired], max_pods)
    return store.update(desired)


def _same_object(merged: dict[str, Any], current: Any) -> dict[str, Any]:
    """The patched body, refused unless it still names the object patched.

    Mirrors the API server's patch handler: ``checkName`` refuses another name
    or another namespace, then ``BeforeUpdate`` fills an empty namespace in
    from the request; a patch cannot change an object's kind either.
    """
    metadata = merged.get("metadata")
    metadata = dict(metadata) if isinstance(metadata, Mapping) else {}
    name, namespace = current.metadata.name, current.metadata.namespace
    if merged.get("kind") != current.kind:
        problem = FieldError("Invalid value", "kind", f"must be {current.kind}", merged.get("kind"))
        raise ValidationError([problem], current.kind, name)
    patched_name, patched_namespace = metadata.get("name"), metadata.get("namespace")
    if patched_name != name:
        shown = patched_name if isinstance(patched_name, str) else ""
        raise _bad_request(
            f"the name of the object ({shown}) does not match the name on the URL ({name})"
        )
    if patched_namespace in (None, ""):
        metadata["namespace"] = namespace
    elif patched_namespace != namespace:
        raise _bad_request(
            f"the namespace of the object ({patched_namespace}) does not match the namespace "
            f"on the request ({namespace})"
        )
    return {**merged, "metadata": metadata}


def _bad_request(message: str) -> ValidationError:
    """A body the API server refuses as a whole: kubectl prints its ``BadRequest``."""
    return ValidationError([FieldError("Decode", "", f"Error from server (BadRequest): {message}")])


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
