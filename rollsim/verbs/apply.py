"""``kubectl apply`` and ``kubectl patch --type merge`` as functions of the store.

Mirrors kubectl's pkg/cmd/apply: ``ApplyOptions.Run`` visits every object the
resource builder could read and applies each in turn (``applyOneObject``),
then reports every error together; the last-applied-configuration annotation
drives its three-way merge. Each document is decoded, defaulted, validated,
checked against its namespace and the simulation budget before it is written:
an invalid document changes nothing, and the documents around it are applied.
The patched body of ``kubectl patch`` is written here too (the patches themselves
are ``rollsim.verbs.patch``; ``merge_patch`` is re-exported from there).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from rollsim.api.errors import (
    ApplyError,
    FieldError,
    GoText,
    NotFoundError,
    ValidationError,
    not_found,
)
from rollsim.api.inert import InertObject
from rollsim.api.kinds import KindInfo
from rollsim.api.manifest import Decoded, decode_documents, load_documents, to_dict
from rollsim.api.pod_validation import validate_pod_update
from rollsim.api.unsimulated import not_simulated_fields
from rollsim.api.validation import validate_deployment_update
from rollsim.api.wire import wire_name
from rollsim.controllers.deployment.util import LAST_APPLIED_ANNOTATION
from rollsim.verbs import budget
from rollsim.verbs.budget import DEFAULT_MAX_PODS
from rollsim.verbs.namespaces import check_create
from rollsim.verbs.patch import merge_patch
from rollsim.verbs.status import StatusError
from rollsim.world.store import Store

__all__ = ["Applied", "apply", "document_target", "merge_patch", "patch"]

#: What refuses one document's write: invalid, a missing object, an admission refusal.
_Refusal = ValidationError | NotFoundError | StatusError

#: Kinds whose objects rollsim acts on although they are stored as inert objects:
#: a Namespace admits writes into it, a CRD teaches discovery a kind.
_ACTED_ON = frozenset({"Namespace", "CustomResourceDefinition"})


class Applied(list[Any]):
    """The stored objects, one per document applied, in order.

    ``not_simulated`` holds each object created whose kind rollsim stores but does
    not simulate (a ConfigMap, an Ingress, a VirtualService), so nothing is
    accepted silently; ``Cluster.apply`` also records a warning event for each.
    """

    not_simulated: list[Any]
    #: What each write did, as kubectl prints it: ``created``, ``configured``, ``unchanged``.
    outcomes: list[str]
    #: Each object written with fields rollsim stores but does not simulate, and those
    #: fields' paths (those the write added: a re-apply does not repeat them).
    fields_not_simulated: list[tuple[Any, list[str]]]

    def __init__(self) -> None:
        super().__init__()
        self.not_simulated = []
        self.outcomes = []
        self.fields_not_simulated = []


def apply(
    store: Store,
    source: Any,
    max_pods: int = DEFAULT_MAX_PODS,
    namespace: str = "default",
    enforce_namespace: bool = False,
) -> Applied:
    """Create or update every document of ``source`` in order, each on its own.

    As ``kubectl apply -f``: a document naming an object an earlier one created
    is applied to it (the second copy of a duplicate is an update, or a no-op
    when it is the same); a document that is refused changes nothing and the
    others are applied. Raises ``ApplyError`` listing every refused document,
    with what was applied, when any was; a ``ValidationError`` (or the one
    refusal's own error) when none was. A document naming no namespace goes to
    ``namespace``; with ``enforce_namespace`` (kubectl's ``-n``) one naming
    another is refused.
    """
    applied = Applied()
    problems: list[str] = []
    failures: list[_Refusal] = []
    for document in decode_documents(source, store.discovery):
        if document.problem:
            problems.append(document.problem)
            continue
        if document.error is not None:
            failures.append(document.error)
            continue
        try:
            target = document_target(document, namespace, enforce_namespace)
            current = store.get(target.kind, target.metadata.namespace, target.metadata.name)
            stored, outcome = _apply_one(store, target, document, max_pods)
        except (ValidationError, NotFoundError, StatusError) as err:
            failures.append(_from_server(err, document))
            continue
        applied.append(stored)
        applied.outcomes.append(outcome)
        added = _fields_added(current, stored)
        if added:
            applied.fields_not_simulated.append((stored, added))
        kind = document.kind
        if outcome == "created" and kind is not None and kind.inert and kind.kind not in _ACTED_ON:
            applied.not_simulated.append(stored)
    if len(failures) == 1 and not problems and not applied:
        raise failures[0]
    if problems or failures:
        texts = problems + [_kubectl_text(err) for err in failures]
        refusals = [FieldError("Decode", "", text) for text in texts]
        raise ApplyError(refusals, applied) if applied else ValidationError(refusals)
    return applied


def _fields_added(current: Any, stored: Any) -> list[str]:
    """The not-simulated fields ``stored`` sets that ``current`` (if any) did not."""
    before = set(not_simulated_fields(current)) if current is not None else set()
    return [path for path in not_simulated_fields(stored) if path not in before]


def _from_server(err: _Refusal, document: Decoded) -> _Refusal:
    """A write the API server refused, as kubectl reports it for ``document``:
    ``AddSourceToErr`` names the file a NotFound or Forbidden came from."""
    if isinstance(err, (NotFoundError, StatusError)) and document.where:
        return type(err)(f'error when creating "{document.where}": {err}')
    return err


def _kubectl_text(err: _Refusal) -> str:
    """One refusal among several, as kubectl prints it."""
    if isinstance(err, StatusError):
        return f"Error from server ({err.reason}): {err}"
    return f"Error from server (NotFound): {err}" if isinstance(err, NotFoundError) else str(err)


def document_target(document: Decoded, namespace: str, enforce: bool) -> Any:
    """The document's object in the namespace it goes to: its own, else ``namespace``;
    none for a cluster-scoped kind (the API server clears one a manifest gives)."""
    kind = document.kind
    assert kind is not None
    obj = document.obj
    given = obj.metadata.namespace
    if not kind.namespaced:
        wanted = ""
    elif given and enforce and given != namespace:
        # kubectl's resource builder (``FilenameParam`` with enforceNamespace).
        raise ValidationError(
            [
                FieldError(
                    "Decode",
                    "",
                    f'the namespace from the provided object "{given}" does not match '
                    f"the namespace \"{namespace}\". You must pass '--namespace={given}' to "
                    "perform this operation.",
                )
            ]
        )
    else:
        wanted = given or namespace
    if wanted == given:
        return obj
    return replace(obj, metadata=replace(obj.metadata, namespace=wanted))


def _as_kubectl_sends(manifest: dict[str, Any], namespace: str, kind: KindInfo) -> dict[str, Any]:
    """The manifest as kubectl records it in last-applied-configuration: its namespace
    filled in (the resource builder's ``DefaultNamespace``) and an annotations map,
    emptied of the record itself (``GetModifiedConfiguration``)."""
    metadata = dict(manifest.get("metadata") or {})
    metadata["annotations"] = {
        k: v for k, v in (metadata.get("annotations") or {}).items() if k != LAST_APPLIED_ANNOTATION
    }
    if kind.namespaced:
        metadata["namespace"] = namespace
    else:
        metadata.pop("namespace", None)
    return {**manifest, "metadata": metadata}


def _apply_one(store: Store, obj: Any, document: Decoded, max_pods: int) -> tuple[Any, str]:
    """Write one decoded document, or raise what refuses it before anything changes;
    the stored object, and whether it was created, configured or left unchanged."""
    kind = document.kind
    assert kind is not None
    namespace = obj.metadata.namespace
    current = store.get(obj.kind, namespace, obj.metadata.name)
    if kind.namespaced and current is None:
        # The NamespaceLifecycle admission plugin: no such namespace, or terminating.
        check_create(store, namespace, kind.resource, obj.metadata.name)
    elif kind.namespaced and not store.namespace_exists(namespace):
        raise not_found("namespaces", namespace)
    desired = _applied(obj, _as_kubectl_sends(document.manifest, namespace, kind), current)
    if current is not None:
        _check_update(desired, current)
    budget.check(store, [desired], max_pods)
    if kind.inert:
        store.discovery.learn(kind)
    if current is None:
        stored = store.create(desired)
        outcome = "created"
    else:
        stored = store.update(desired)
        unchanged = stored.metadata.resource_version == current.metadata.resource_version
        outcome = "unchanged" if unchanged else "configured"
    if kind.kind == "CustomResourceDefinition":
        store.discovery.learn_definition(stored)
    return stored, outcome


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
    _check_update(desired, current)
    budget.check(store, [desired], max_pods)
    return store.update(desired)


def _check_update(desired: Any, current: Any) -> None:
    """The registry strategy's ``ValidateUpdate`` for the kinds that have one: a
    Deployment's selector is immutable, a Pod's spec mostly so."""
    if desired.kind == "Deployment":
        problems = validate_deployment_update(desired, current)
    elif desired.kind == "Pod":
        problems = validate_pod_update(desired, current)
    else:
        return
    if problems:
        raise ValidationError(problems, desired.kind, desired.metadata.name)


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
    meta = replace(current.metadata, labels=dict(obj.metadata.labels), annotations=annotations)
    if isinstance(obj, InertObject):
        return replace(obj, metadata=meta)
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
    if hasattr(current, "status"):
        return replace(obj, metadata=meta, spec=spec, status=current.status)
    return replace(obj, metadata=meta, spec=spec)
