"""kustomize's built-in transformers, the name back-references and the legacy sort
(api/internal/builtins, api/internal/accumulator, SortOrderTransformer)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

from rollsim.api.kinds import lookup
from rollsim.kustomize.fieldspecs import (
    ANNOTATIONS,
    METADATA_LABELS,
    NAME_FIXED_KINDS,
    NAME_REFERENCES,
    ORDER_FIRST,
    ORDER_LAST,
    POD_SPEC_PATHS,
    REPLICA_KINDS,
    SELECTOR_LABELS,
    FieldSpec,
)
from rollsim.kustomize.resource import KustomizeError, Resource, string_map


def _matches(resource: Resource, spec: FieldSpec) -> bool:
    kind, group, _, _ = spec
    return (kind is None or resource.kind == kind) and (group is None or resource.group == group)


def _targets(node: Any, path: tuple[str, ...], create: bool) -> Iterator[dict[str, Any]]:
    """The maps at ``path`` below ``node`` (a field spec's path: a list on the way is
    gone through item by item), created where missing when ``create``."""
    if not path:
        if isinstance(node, dict):
            yield node
        return
    if isinstance(node, list):
        for item in node:
            yield from _targets(item, path, create)
        return
    if not isinstance(node, dict):
        return
    if node.get(path[0]) is None:
        if not create:
            return
        node[path[0]] = {}
    yield from _targets(node[path[0]], path[1:], create)


def _set_map(resources: list[Resource], specs: list[FieldSpec], pairs: dict[str, str]) -> None:
    """Merge ``pairs`` into the map each matching field spec reaches (``LabelTransformer``,
    ``AnnotationsTransformer``)."""
    if not pairs:
        return
    for resource in resources:
        for spec in specs:
            if _matches(resource, spec):
                for target in _targets(resource.doc, spec[2], spec[3]):
                    target.update(pairs)


def _cluster_scoped(resource: Resource) -> bool:
    """``Gvk.IsClusterScoped``: from the kind registry; a kind it does not know (a custom
    resource) is namespaced, as kustomize assumes."""
    info = lookup(resource.kind)
    return info is not None and not info.namespaced


def _namespace(resources: list[Resource], kustomization: dict[str, Any]) -> None:
    """``NamespaceTransformer``: every namespaced object into ``namespace``, a v1
    Namespace renamed to it, and (cluster) role binding subjects named ``default``."""
    namespace = kustomization.get("namespace")
    if not namespace:
        return
    for resource in resources:
        if resource.kind == "Namespace" and resource.doc.get("apiVersion") == "v1":
            resource.metadata["name"] = namespace
        if not _cluster_scoped(resource):
            resource.metadata["namespace"] = namespace
        if resource.kind in ("RoleBinding", "ClusterRoleBinding"):
            for subject in resource.doc.get("subjects") or []:
                if isinstance(subject, dict) and subject.get("name") == "default":
                    subject["namespace"] = namespace


def _affix(resources: list[Resource], kustomization: dict[str, Any]) -> None:
    """``PrefixTransformer`` then ``SuffixTransformer`` on ``metadata.name``, except the
    kinds ``prefixFieldSpecsToSkip`` names."""
    prefix = str(kustomization.get("namePrefix") or "")
    suffix = str(kustomization.get("nameSuffix") or "")
    for resource in resources:
        if resource.kind not in NAME_FIXED_KINDS:
            resource.metadata["name"] = f"{prefix}{resource.metadata['name']}{suffix}"


def _labels(resources: list[Resource], kustomization: dict[str, Any]) -> None:
    """``LabelTransformer``: ``commonLabels`` on labels and selectors; each ``labels``
    entry on labels, templates with ``includeTemplates``, selectors with
    ``includeSelectors`` (``labelFromCommonLabels`` and ``configureLabels``)."""
    common = string_map(kustomization, "commonLabels")
    entries = kustomization.get("labels") or []
    for entry in entries:
        for key in (entry.get("pairs") or {}) if isinstance(entry, dict) else {}:
            if key in common:
                raise KustomizeError(f"label name '{key}' exists in both commonLabels and labels")
    _set_map(resources, SELECTOR_LABELS + METADATA_LABELS, common)
    for entry in entries:
        unknown = set(entry) - {"pairs", "includeSelectors", "includeTemplates"}
        if unknown:
            raise KustomizeError(
                f"rollsim does not simulate the labels field {sorted(unknown)[0]!r}"
            )
        pairs = string_map(entry, "pairs")
        if entry.get("includeSelectors"):
            specs = SELECTOR_LABELS + METADATA_LABELS
        elif entry.get("includeTemplates"):
            specs = METADATA_LABELS
        else:
            specs = METADATA_LABELS[:1]
        _set_map(resources, specs, pairs)


def _annotations(resources: list[Resource], kustomization: dict[str, Any]) -> None:
    """``AnnotationsTransformer``: ``commonAnnotations`` on objects and pod templates."""
    _set_map(resources, ANNOTATIONS, string_map(kustomization, "commonAnnotations"))


def _replicas(resources: list[Resource], kustomization: dict[str, Any]) -> None:
    """``ReplicaCountTransformer``: ``spec.replicas`` of the named workloads (by their
    name as read or as it is now, ``GetMatchingResourcesByAnyId``)."""
    for replica in kustomization.get("replicas") or []:
        name, count = replica.get("name"), replica.get("count")
        if not isinstance(count, int) or isinstance(count, bool):
            raise KustomizeError(f"replicas: count of {name!r} must be an integer")
        for resource in resources:
            names = {resource.original_name, resource.metadata.get("name")}
            if name in names and resource.kind in REPLICA_KINDS:
                resource.doc.setdefault("spec", {})["replicas"] = count


def _images(resources: list[Resource], kustomization: dict[str, Any]) -> None:
    """``ImageTagTransformer``: each container and init container whose image name is an
    entry's ``name`` gets its ``newName``, ``newTag`` or ``digest``."""
    for image in [*(kustomization.get("images") or []), *(kustomization.get("imageTags") or [])]:
        unknown = set(image) - {"name", "newName", "newTag", "digest"}
        if unknown:
            raise KustomizeError(
                f"rollsim does not simulate the images field {sorted(unknown)[0]!r}"
            )
        for resource in resources:
            pod = POD_SPEC_PATHS.get(resource.kind, ("spec", "template", "spec"))
            for spec in _targets(resource.doc, pod, create=False):
                for field in ("containers", "initContainers"):
                    for container in spec.get(field) or []:
                        if isinstance(container, dict) and "image" in container:
                            container["image"] = _new_image(str(container["image"]), image)


def _new_image(current: str, image: dict[str, Any]) -> str:
    """``image.Split`` of ``current`` into name, tag and digest; the entry's values
    replace them when its name matches (``imagetag.Updater``)."""
    name, at, digest = current.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    tag = ""
    if colon > slash:
        name, tag = name[:colon], name[colon + 1 :]
    if name != image.get("name"):
        return current
    suffix = f":{tag}" if tag else ""
    suffix += f"@{digest}" if at else ""
    if image.get("newTag") is not None:
        suffix = f":{image['newTag']}"
    if image.get("digest"):
        suffix = f"@{image['digest']}"
    return f"{image.get('newName') or name}{suffix}"


TRANSFORMERS: tuple[Callable[[list[Resource], dict[str, Any]], None], ...] = (
    _namespace,
    _affix,
    _labels,
    _annotations,
    _replicas,
    _images,
)


def fix_name_references(resources: list[Resource]) -> None:
    """``ResAccumulator.FixBackReferences`` for the built-in kinds' references: a name
    that is the original name of an object of the referenced kind, in the referrer's
    namespace, becomes that object's name now (prefix, suffix and hash included)."""
    for referenced_kind, fields in NAME_REFERENCES.items():
        renamed = {
            (r.namespace, r.original_name): r.metadata["name"]
            for r in resources
            if r.kind == referenced_kind and r.original_name != r.metadata["name"]
        }
        if not renamed:
            continue
        for referrer in resources:
            for where, path in fields:
                if where == "@pod":
                    base = POD_SPEC_PATHS.get(referrer.kind)
                    if base is None:
                        continue
                elif referrer.kind != where:
                    continue
                else:
                    base = ()
                _rename(referrer, (*base, *path.split("/")), renamed, referenced_kind)


def _rename(
    referrer: Resource, path: tuple[str, ...], renamed: dict[tuple[str, str], str], kind: str
) -> None:
    """Point each name at ``path`` in ``referrer`` to the renamed object it means."""
    for holder in _targets(referrer.doc, path[:-1], create=False):
        if path[-1] == "name" and "kind" in holder and holder.get("kind") != kind:
            continue
        value = holder.get(path[-1])
        namespace = str(holder.get("namespace") or referrer.namespace)
        if isinstance(value, str) and (namespace, value) in renamed:
            holder[path[-1]] = renamed[(namespace, value)]


def sorted_for_output(resources: list[Resource], sort_options: Any) -> list[Resource]:
    """``Kustomizer.applySortOrder``: ``sortOptions`` if the top kustomization has them,
    else the legacy order (``SortOrderTransformerPlugin``: by kind along ``orderFirst``
    and ``orderLast``, then group, version and kind, then namespace and name)."""
    options = sort_options or {"order": "legacy"}
    order = options.get("order") if isinstance(options, dict) else None
    if order == "fifo":
        return resources
    if order != "legacy":
        raise KustomizeError("the field 'sortOptions.order' must be one of [fifo, legacy]")
    legacy = options.get("legacySortOptions") or {}
    first = legacy.get("orderFirst", ORDER_FIRST)
    last = legacy.get("orderLast", ORDER_LAST)
    ranks = {kind: i - len(first) for i, kind in enumerate(first)}
    ranks.update({kind: 1 + i for i, kind in enumerate(last)})
    return sorted(resources, key=functools.cmp_to_key(functools.partial(_legacy_cmp, ranks)))


def _gvk_text(resource: Resource) -> str:
    """``legacyGVKSortString``: group, version, kind with ``~`` for the empty ones."""
    version = str(resource.doc.get("apiVersion", "")).rpartition("/")[2]
    return f"{resource.group or '~G'}_{version or '~V'}_{resource.kind or '~K'}"


def _legacy_cmp(ranks: dict[str, int], a: Resource, b: Resource) -> int:
    """``legacyIDSorter.Less`` as a comparison (both orders asked, as sort.Sort does)."""
    ga, gb = _gvk_text(a), _gvk_text(b)
    if ga != gb:
        if ranks.get(a.kind, 0) != ranks.get(b.kind, 0):
            return -1 if ranks.get(a.kind, 0) < ranks.get(b.kind, 0) else 1
        if a.kind == b.kind == "Namespace" and "" in (a.group, b.group):
            return -1 if ga > gb else 1
        return -1 if ga < gb else 1
    ia = f"{a.namespace or '~X'}|{a.metadata.get('name') or '~N'}"
    ib = f"{b.namespace or '~X'}|{b.metadata.get('name') or '~N'}"
    return (ia > ib) - (ia < ib)
