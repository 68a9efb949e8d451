"""The API server's three patch types, as functions of a JSON document.

``kubectl patch --type merge|json|strategic`` sends its patch to the API server,
whose patch handler (apiserver pkg/endpoints/handlers/patch.go) applies it to
the stored object: a JSON merge patch (RFC 7386, ``jsonPatcher`` with
``jsonpatch.MergePatch``), a JSON patch (RFC 6902, ``jsonPatcher.applyJSPatch``
with gopkg.in/evanphx/json-patch.v4) or a strategic merge patch (``smpPatcher``
with apimachinery's ``strategicpatch.StrategicMergeMapPatch``, which merges the
lists the Go types tag with a patch merge key). The patched body is then
decoded and validated as any update is (``rollsim.verbs.apply.patch``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from rollsim.api.errors import FieldError, InvalidOperation, ValidationError
from rollsim.api.kinds import KindInfo
from rollsim.api.manifest import to_dict

__all__ = [
    "KUBELET_CONDITIONS",
    "PATCH_TYPES",
    "PatchError",
    "as_merge_patch",
    "json_patch",
    "merge_patch",
    "merge_patch_between",
    "patched_document",
    "pod_status_conditions",
    "strategic_merge_patch",
]

#: kubectl's ``patchTypes``, by the ``--type`` word.
PATCH_TYPES = {
    "json": "application/json-patch+json",
    "merge": "application/merge-patch+json",
    "strategic": "application/strategic-merge-patch+json",
}
#: apiserver handlers ``maxJSONPatchOperations``.
MAX_JSON_PATCH_OPERATIONS = 10000
#: The API groups kube-apiserver serves itself: their kinds have Go types with patch
#: merge keys; every other group is a custom resource, which refuses a strategic patch.
_BUILT_IN_GROUPS = frozenset(
    {
        "", "apps", "batch", "autoscaling", "policy", "networking.k8s.io",
        "rbac.authorization.k8s.io", "storage.k8s.io", "apiextensions.k8s.io",
        "admissionregistration.k8s.io", "scheduling.k8s.io", "coordination.k8s.io",
        "discovery.k8s.io", "node.k8s.io", "certificates.k8s.io", "events.k8s.io",
        "flowcontrol.apiserver.k8s.io", "resource.k8s.io", "apiregistration.k8s.io",
    }
)  # fmt: skip
#: What a custom resource's patch endpoint accepts (apiextensions-apiserver's
#: ``supportedTypes`` without the CBOR apply type, whose feature gate is off).
_CUSTOM_RESOURCE_PATCH_TYPES = (
    "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
)
#: The message kubectl prints for any failure of a JSON patch's operations: the
#: handler answers ``NewGenericServerResponse(422, ...)``, which keeps only its
#: generic sentence, and ``CheckErr`` prints it after "The request is invalid".
_UNPROCESSABLE = (
    "The request is invalid: the server rejected our request due to an error in our request"
)
#: The JSON type names Go's encoding/json gives a decoded value.
_GO_JSON_TYPES = {bool: "bool", int: "number", float: "number", str: "string", dict: "object"}


class PatchError(ValidationError):
    """A patch the API server refuses; ``str()`` is what kubectl prints and ``reason``
    the patch library's own words (evanphx/json-patch's, strategicpatch's), which the
    server keeps to itself for a JSON patch."""

    def __init__(self, printed: str, reason: str = "") -> None:
        self.reason = reason or printed
        super().__init__([FieldError("Decode", "", printed)])


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


def merge_patch_between(original: Mapping[str, Any], modified: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON merge patch that turns ``original`` into ``modified`` (jsonmergepatch
    ``CreateMergePatch``): removed keys as ``null``, changed maps by their changes,
    every other changed value whole."""
    change: dict[str, Any] = {key: None for key in original if key not in modified}
    for key, value in modified.items():
        before = original.get(key)
        if isinstance(value, Mapping) and isinstance(before, Mapping):
            inner = merge_patch_between(before, value)
            if inner:
                change[key] = inner
        elif key not in original or before != value or type(before) is not type(value):
            change[key] = copy.deepcopy(value)
    return change


def patched_document(
    document: dict[str, Any], patch: Any, patch_type: str, api_version: str, kind: str
) -> dict[str, Any]:
    """``document`` with ``patch`` applied as ``--type patch_type`` asks, refused as the
    API server refuses it (``patcher.patchResource`` choosing its mechanism)."""
    if patch_type == "json":
        result = json_patch(document, patch)
    elif patch_type == "strategic":
        group = api_version.rpartition("/")[0] if "/" in api_version else ""
        if group not in _BUILT_IN_GROUPS:
            raise PatchError(
                f"{PATCH_TYPES['strategic']} is not supported by "
                f"{_gvk(api_version, kind)}: the body of the request was in an unknown format "
                f"- accepted media types include: {_CUSTOM_RESOURCE_PATCH_TYPES}"
            )
        result = strategic_merge_patch(document, patch, kind)
    else:
        result = merge_patch(document, patch)
    if not isinstance(result, dict):
        raise PatchError(
            "Error from server (BadRequest): json: cannot unmarshal "
            f"{_go_type(result)} into Go value of type map[string]interface {{}}"
        )
    return result


def as_merge_patch(current: Any, patch: Any, patch_type: str, kind: KindInfo) -> dict[str, Any]:
    """The JSON merge patch that leaves ``current`` as ``patch`` of ``patch_type`` would,
    so every patch type is written through the one update path
    (``rollsim.verbs.apply.patch``) with its checks of name, namespace and kind."""
    if patch_type not in PATCH_TYPES:
        raise PatchError(f'--type must be one of [json merge strategic], not "{patch_type}"')
    if patch_type == "merge":
        if not isinstance(patch, Mapping):
            return patched_document({}, patch, "merge", kind.api_version, kind.kind)
        return dict(patch)
    document = to_dict(current)
    patched = patched_document(document, patch, patch_type, kind.api_version, kind.kind)
    return merge_patch_between(document, patched)


def _gvk(api_version: str, kind: str) -> str:
    """``schema.GroupVersionKind.String``: ``argoproj.io/v1alpha1, Kind=Rollout``."""
    return f"{api_version}, Kind={kind}"


def _go_type(value: Any) -> str:
    if value is None:
        return "null"
    return _GO_JSON_TYPES.get(type(value), "array")


# JSON patch (RFC 6902), as evanphx/json-patch v4 applies it.


def json_patch(document: Any, operations: Any) -> Any:
    """Apply an RFC 6902 patch (evanphx/json-patch v4 ``DecodePatch`` then
    ``Patch.Apply``): each operation in turn on a copy, all or nothing.

    A body that is not a list of objects is a ``BadRequest`` in encoding/json's
    words; more than ``maxJSONPatchOperations`` is ``RequestEntityTooLarge``; a
    failing operation is the handler's 422, whose reason kubectl never sees.
    """
    if operations is None:
        operations = []
    if not isinstance(operations, list):
        raise PatchError(
            f"Error from server (BadRequest): json: cannot unmarshal {_go_type(operations)} "
            "into Go value of type jsonpatch.Patch"
        )
    for operation in operations:
        if not isinstance(operation, dict):
            raise PatchError(
                f"Error from server (BadRequest): json: cannot unmarshal "
                f"{_go_type(operation)} into Go value of type jsonpatch.Operation"
            )
    if len(operations) > MAX_JSON_PATCH_OPERATIONS:
        raise PatchError(
            "Error from server (RequestEntityTooLarge): Request entity too large: The allowed "
            f"maximum operations in a JSON patch is {MAX_JSON_PATCH_OPERATIONS}, got "
            f"{len(operations)}"
        )
    result = copy.deepcopy(document)
    for operation in operations:
        try:
            result = _apply_operation(result, operation)
        except _OperationFailed as failed:
            raise PatchError(_UNPROCESSABLE, str(failed)) from None
    return result


class _OperationFailed(Exception):
    """One operation does not apply; the text is evanphx/json-patch's."""


def _apply_operation(document: Any, operation: dict[str, Any]) -> Any:
    """One operation (``Patch.ApplyIndent``'s switch on ``op.Kind()``)."""
    kind = operation.get("op")
    path = _pointer(operation, "path", kind)
    if kind == "add":
        return _add(document, path, _value(operation, kind), kind)
    if kind == "remove":
        return _remove(document, path, kind)[0]
    if kind == "replace":
        value = _value(operation, kind)
        container, key = _locate(document, path, kind)
        if container is None:
            return value
        if isinstance(container, dict) and key not in container:
            raise _OperationFailed(f"replace operation does not apply: doc is missing key: {path}")
        container[_index(container, key, kind) if isinstance(container, list) else key] = value
        return document
    if kind in ("move", "copy"):
        source = _pointer(operation, "from", kind)
        if kind == "move":
            document, moved = _remove(document, source, kind)
        else:
            moved = copy.deepcopy(_get(document, source, kind))
        return _add(document, path, moved, kind)
    if kind == "test":
        if _get(document, path, kind, missing_ok=True) != _value(operation, kind):
            raise _OperationFailed(f"testing value {path} failed: test failed")
        return document
    raise _OperationFailed(f"Unexpected kind: {kind}")


def _pointer(operation: dict[str, Any], field: str, kind: Any) -> str:
    value = operation.get(field)
    if not isinstance(value, str):
        raise _OperationFailed(f"{kind} operation missing {field} field")
    if value and not value.startswith("/"):
        raise _OperationFailed(f"{kind} operation does not apply: doc is missing path: {value}")
    return value


def _value(operation: dict[str, Any], kind: Any) -> Any:
    if "value" not in operation:
        raise _OperationFailed(f"{kind} operation missing value field")
    return copy.deepcopy(operation["value"])


def _tokens(path: str) -> list[str]:
    """A JSON pointer's reference tokens, ``~1`` read as ``/`` and then ``~0`` as ``~``."""
    return [part.replace("~1", "/").replace("~0", "~") for part in path.split("/")[1:]]


def _locate(document: Any, path: str, kind: Any) -> tuple[Any, str]:
    """The container holding the value ``path`` names, and its last token (``findObject``);
    ``(None, "")`` for the whole document."""
    if not path:
        return None, ""
    *parents, last = _tokens(path)
    node = document
    for token in parents:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list):
            node = node[_index(node, token, kind)]
        else:
            raise _OperationFailed(f"{kind} operation does not apply: doc is missing path: {path}")
    if not isinstance(node, (dict, list)):
        raise _OperationFailed(f"{kind} operation does not apply: doc is missing path: {path}")
    return node, last


def _index(array: list[Any], token: str, kind: Any, inserting: bool = False) -> int:
    """An array index token: digits only, within the array (one past its end to insert)."""
    if not token.isdigit() or (len(token) > 1 and token.startswith("0")):
        raise _OperationFailed(f"{kind} operation: Unable to access invalid index: {token}")
    index = int(token)
    if index > len(array) or (index == len(array) and not inserting):
        raise _OperationFailed(f"{kind} operation: Unable to access invalid index: {index}")
    return index


def _get(document: Any, path: str, kind: Any, missing_ok: bool = False) -> Any:
    container, key = _locate(document, path, kind)
    if container is None:
        return document
    if isinstance(container, list):
        return container[_index(container, key, kind)]
    if key not in container and not missing_ok:
        raise _OperationFailed(f"{kind} operation does not apply: doc is missing path: {path}")
    return container.get(key)


def _add(document: Any, path: str, value: Any, kind: Any) -> Any:
    container, key = _locate(document, path, kind)
    if container is None:
        return value
    if isinstance(container, dict):
        container[key] = value
    elif key == "-":
        container.append(value)
    else:
        container.insert(_index(container, key, kind, inserting=True), value)
    return document


def _remove(document: Any, path: str, kind: Any) -> tuple[Any, Any]:
    container, key = _locate(document, path, kind)
    if container is None:
        raise _OperationFailed(f"{kind} operation does not apply: doc is missing path: {path}")
    if isinstance(container, list):
        return document, container.pop(_index(container, key, kind))
    if key not in container:
        raise _OperationFailed(f"{kind} operation does not apply: doc is missing key: {path}")
    return document, container.pop(key)


# Strategic merge patch, as apimachinery's strategicpatch merges a map.

#: The patch metadata of the Go types rollsim models (their ``patchStrategy`` and
#: ``patchMergeKey`` struct tags), by type: each field's type, and its merge key
#: for a list merged by key ("" for a list of scalars merged as a set). A field
#: not named here is a map merged key by key, or a value (or list) replaced.
_MERGED: dict[str, dict[str, tuple[str, str | None]]] = {
    "ObjectMeta": {"finalizers": ("", ""), "ownerReferences": ("", "uid")},
    "PodTemplateSpec": {"metadata": ("ObjectMeta", None), "spec": ("PodSpec", None)},
    "WorkloadSpec": {"template": ("PodTemplateSpec", None)},
    "PodSpec": {
        "containers": ("Container", "name"), "initContainers": ("Container", "name"),
        "ephemeralContainers": ("Container", "name"), "volumes": ("", "name"),
        "imagePullSecrets": ("", "name"), "hostAliases": ("", "ip"),
        "topologySpreadConstraints": ("", "topologyKey"), "resourceClaims": ("", "name"),
        "schedulingGates": ("", "name"),
    },
    "Container": {
        "ports": ("", "containerPort"), "env": ("", "name"), "volumeMounts": ("", "mountPath"),
        "volumeDevices": ("", "devicePath"),
    },
    "ServiceSpec": {"ports": ("", "port")},
    "Status": {"conditions": ("", "type")},
}  # fmt: skip
#: The type of each kind's ``spec`` (kinds not named have none rollsim knows).
_SPEC_TYPES = {
    "Deployment": "WorkloadSpec", "ReplicaSet": "WorkloadSpec", "StatefulSet": "WorkloadSpec",
    "DaemonSet": "WorkloadSpec", "Pod": "PodSpec", "Service": "ServiceSpec",
}  # fmt: skip
_DIRECTIVE = "$patch"
_RETAIN_KEYS = "$retainKeys"
_DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList/"
_SET_ELEMENT_ORDER = "$setElementOrder/"


def strategic_merge_patch(original: Any, patch: Any, kind: str) -> Any:
    """Apply a strategic merge patch to an object of ``kind`` (``StrategicMergeMapPatch``
    with ``MergeParallelList`` and ``IgnoreUnmatchedNulls``): maps merge, ``null``
    deletes, lists tagged with a merge key merge element by element, others replace;
    ``$patch: replace|delete``, ``$retainKeys`` and ``$deleteFromPrimitiveList/``
    directives as upstream reads them. ``$setElementOrder/`` lists, which only order
    a merged list, are dropped: a merged list keeps the live order, new items after.
    """
    if not isinstance(patch, dict):
        raise PatchError(
            f"Error from server (BadRequest): json: cannot unmarshal {_go_type(patch)} into "
            "Go value of type map[string]interface {}"
        )
    root = {"metadata": ("ObjectMeta", None), "status": ("Status", None)}
    spec_type = _SPEC_TYPES.get(kind)
    if spec_type:
        root["spec"] = (spec_type, None)
    try:
        return _merge_map(copy.deepcopy(original), copy.deepcopy(patch), root)
    except _OperationFailed as failed:
        raise PatchError(f"Error from server: {failed}") from None


def _merge_map(
    original: Any, patch: dict[str, Any], fields: Mapping[str, tuple[str, str | None]]
) -> dict[str, Any]:
    """``mergeMap``: the directive first, then ``$retainKeys``, then key by key."""
    if _DIRECTIVE in patch:
        directive = patch.pop(_DIRECTIVE)
        if directive == "replace":
            return patch
        if directive == "delete":
            return {}
        raise _OperationFailed(f"Unknown patch type: {directive} in map: {patch}")
    merged: dict[str, Any] = original if isinstance(original, dict) else {}
    _retain_keys(merged, patch)
    for key, value in patch.items():
        if key.startswith(_SET_ELEMENT_ORDER):
            continue
        deleting = key.startswith(_DELETE_FROM_PRIMITIVE_LIST)
        if deleting:
            key = key[len(_DELETE_FROM_PRIMITIVE_LIST) :]
        if value is None:
            merged.pop(key, None)
            continue
        if key not in merged:
            if not deleting:
                merged[key] = value
            continue
        child_type, merge_key = fields.get(key, ("", None))
        current = merged[key]
        if isinstance(current, dict) and isinstance(value, dict):
            merged[key] = _merge_map(current, value, _MERGED.get(child_type, {}))
        elif isinstance(current, list) and isinstance(value, list) and merge_key is not None:
            merged[key] = _merge_list(current, value, child_type, merge_key, deleting)
        else:
            merged[key] = value
    return merged


def _retain_keys(original: dict[str, Any], patch: dict[str, Any]) -> None:
    """``applyRetainKeysDirective``: keys of the live map not listed are cleared, and a
    patch that sets a key it does not list is refused."""
    if _RETAIN_KEYS not in patch:
        return
    retained = patch.pop(_RETAIN_KEYS)
    bad = "doesn't satisfy retainKeys format: must be a list of keys in the patch"
    if not isinstance(retained, list):
        raise _OperationFailed(bad)
    for key, value in patch.items():
        special = key.startswith((_DELETE_FROM_PRIMITIVE_LIST, _SET_ELEMENT_ORDER))
        if value is not None and not special and key not in retained:
            raise _OperationFailed(bad)
    for key in [key for key in original if key not in retained]:
        del original[key]


def _merge_list(
    original: list[Any], patch: list[Any], item_type: str, merge_key: str, deleting: bool
) -> list[Any]:
    """``mergeSlice``: scalars as a set (or removed, for a ``$deleteFromPrimitiveList``),
    maps by their merge key, with ``$patch: delete|replace`` items; then the order
    ``normalizeElementOrder`` gives without a ``$setElementOrder`` list."""
    if not original and not patch:
        return original
    if not all(isinstance(item, dict) for item in [*original, *patch]):
        if deleting:
            return [item for item in original if item not in patch]
        merged = list(original)
        merged.extend(item for i, item in enumerate(patch) if item not in [*original, *patch[:i]])
        return _ordered(merged, patch, original, "")
    if not merge_key:
        raise _OperationFailed("cannot merge lists without merge key for type map")
    original, plain = _special_items(original, patch, merge_key)
    live = list(original)
    fields = _MERGED.get(item_type, {})
    merged = list(original)
    for item in plain:
        found = _position(merged, item, merge_key)
        if found >= 0:
            merged[found] = _merge_map(merged[found], item, fields)
        else:
            merged.append(item)
    return _ordered(merged, plain, live, merge_key)


def _special_items(
    original: list[Any], patch: list[Any], merge_key: str
) -> tuple[list[Any], list[Any]]:
    """``mergeSliceWithSpecialElements``: delete the live items a ``$patch: delete`` names;
    a ``$patch: replace`` item makes the rest of the patch the whole list."""
    plain: list[Any] = []
    replacing = False
    for item in patch:
        directive = item.get(_DIRECTIVE)
        if directive not in (None, "replace", "merge", "delete"):
            raise _OperationFailed(f"Unknown patch type: {directive} in map: {item}")
        if directive == "merge":
            raise _OperationFailed("merging lists cannot yet be specified in the patch")
        if directive != "replace" and merge_key not in item:
            raise _OperationFailed(f"map: {item} does not contain declared merge key: {merge_key}")
        if directive is None:
            plain.append(item)
        elif directive == "delete":
            original = [live for live in original if _key(live, merge_key) != _key(item, merge_key)]
        else:
            replacing = True
    return (plain, []) if replacing else (original, plain)


def _key(item: Any, merge_key: str) -> Any:
    """What identifies a list item: its merge key's value, or a scalar itself."""
    return item.get(merge_key) if merge_key and isinstance(item, dict) else item


def _position(items: list[Any], item: Any, merge_key: str) -> int:
    """``index``: where an item with ``item``'s key is in ``items``, or -1."""
    wanted = _key(item, merge_key)
    return next((i for i, other in enumerate(items) if _key(other, merge_key) == wanted), -1)


def _ordered(merged: list[Any], patch: list[Any], live: list[Any], merge_key: str) -> list[Any]:
    """``normalizeElementOrder`` then ``mergeSortedSlice``: the patch's items in the
    patch's order, the live-only items in the live order, a live-only item put first
    only where both it and the next patched item were in the live list (so a new
    item goes before the ones it is compared with, as upstream puts it)."""
    patched = [item for item in merged if _position(patch, item, merge_key) >= 0]
    patched.sort(key=lambda item: _position(patch, item, merge_key))
    server_only = [item for item in merged if _position(patch, item, merge_key) < 0]
    result: list[Any] = []
    while server_only or patched:
        if not patched:
            result.extend(server_only)
            break
        if server_only:
            left, right = (
                _position(live, server_only[0], merge_key),
                _position(live, patched[0], merge_key),
            )
            if 0 <= left < right:
                result.append(server_only.pop(0))
                continue
        result.append(patched.pop(0))
    return result


# The pod's status subresource, as a readiness gate's controller patches it.

#: The pod conditions the kubelet writes (pkg/kubelet/types ``PodConditionsByKubelet``):
#: the kubelet's status manager puts them back over whatever a client wrote.
KUBELET_CONDITIONS = frozenset(
    {"PodScheduled", "Ready", "Initialized", "ContainersReady", "PodReadyToStartContainers"}
)
#: What rollsim keeps of a condition a client writes: its status (its times are the view's).
_CONDITION_TIMES = frozenset({"lastProbeTime", "lastTransitionTime"})


def pod_status_conditions(pod: Mapping[str, Any], patch: Any, patch_type: str) -> dict[str, str]:
    """The conditions that ``patch``, sent to the ``status`` subresource of
    ``pod`` (its wire form), sets, by type: the patch applies to the whole pod and the
    status strategy keeps only its status (``podStatusStrategy.PrepareForUpdate`` resets
    spec and metadata). A kubelet-owned condition left out (a merge patch replaces the
    list) is the kubelet's to restore; any other status change is refused as not
    simulated: the kubelet's own conditions, other status fields, a condition removed
    or given a reason. Any other condition is stored (a readiness gate's counts)."""
    patched = patched_document(copy.deepcopy(dict(pod)), patch, patch_type, "v1", "Pod")
    before, after = _mapping(pod.get("status")), _mapping(patched.get("status"))
    changed = _changed_keys(before, after, {"conditions"})
    if changed:
        raise _status_not_simulated(f"changes status.{changed[0]}")
    old = {str(c.get("type")): c for c in map(_mapping, before.get("conditions") or ())}
    new = {str(c.get("type")): c for c in map(_mapping, after.get("conditions") or ())}
    sets: dict[str, str] = {}
    for kind, condition in new.items():
        current = old.get(kind, {})
        if kind in KUBELET_CONDITIONS:
            if condition.get("status") != current.get("status"):
                raise _status_not_simulated(f"changes the {kind} condition, which the kubelet sets")
            continue
        extra = _changed_keys(current, condition, _CONDITION_TIMES | {"type", "status"})
        if extra:
            raise _status_not_simulated(f"sets the {extra[0]} of condition {kind}")
        if condition.get("status") != current.get("status"):
            sets[kind] = str(condition.get("status"))
    removed = [kind for kind in old if kind not in new and kind not in KUBELET_CONDITIONS]
    if removed:
        raise _status_not_simulated(f"removes condition {removed[0]}")
    return sets


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _changed_keys(
    before: Mapping[str, Any], after: Mapping[str, Any], ignored: frozenset[str] | set[str]
) -> list[str]:
    """The keys, sorted, whose values differ between two maps, apart from ``ignored``."""
    keys = (before.keys() | after.keys()) - ignored
    return sorted(k for k in keys if before.get(k) != after.get(k))


def _status_not_simulated(what: str) -> InvalidOperation:
    """The refusal of a status patch rollsim has no model for."""
    return InvalidOperation(
        f"rollsim does not simulate a pod status patch that {what}: only conditions "
        "other than the kubelet's (as a readiness gate's controller writes them) are simulated"
    )
