"""``kubectl label TYPE NAME KEY=VALUE... KEY-...`` as kubectl 1.34 runs it.

Mirrors staging/src/k8s.io/kubectl/pkg/cmd/label: ``GetResourcesAndPairs``
splits the resources from the label changes, ``parseLabels`` reads them,
``validateNoOverwrites`` refuses to change a value without ``--overwrite``, and
each object is merge-patched and printed ``deployment.apps/web labeled`` (or
``unlabeled``, ``not labeled``); ``-l``/``--all`` label every object selected,
``--list`` prints the labels instead.
"""

from __future__ import annotations

import json
from typing import Any

from rollsim.api.meta import parse_selector
from rollsim.kubectl.cmdutil import Args, Kubectl, KubectlError

__all__ = ["label", "resources_and_pairs"]


def resources_and_pairs(words: list[str], pair_type: str) -> tuple[list[str], list[str]]:
    """``GetResourcesAndPairs``: the words before the first ``KEY=VALUE`` or ``KEY-`` name
    resources, the rest are changes (a resource after a change is refused)."""
    resources: list[str] = []
    pairs: list[str] = []
    for word in words:
        change = ("=" in word and not word.startswith("=")) or (word.endswith("-") and word != "-")
        if change:
            pairs.append(word)
        elif pairs:
            raise KubectlError(
                f"error: all resources must be specified before {pair_type} changes: {word}"
            )
        else:
            resources.append(word)
    return resources, pairs


def _parse_labels(pairs: list[str]) -> tuple[dict[str, str], list[str]]:
    """``parseLabels``: the labels to set and the keys to remove."""
    labels: dict[str, str] = {}
    remove: list[str] = []
    for spec in pairs:
        if "=" in spec:
            parts = spec.split("=")
            if len(parts) != 2:
                raise KubectlError(f"error: invalid label spec: {spec}")
            labels[parts[0]] = parts[1]
        elif spec.endswith("-"):
            remove.append(spec[:-1])
        else:
            raise KubectlError(f"error: unknown label spec: {spec}")
    if any(key in labels for key in remove):
        raise KubectlError("error: can not both modify and remove a label in the same command")
    return labels, remove


def _objects(k: Kubectl, args: Args, resources: list[str]) -> list[tuple[Any, Any]]:
    """The (kind, object) pairs the resource builder finds: ``TYPE NAME...``,
    ``TYPE/NAME...``, or ``TYPE`` with ``-l`` or ``--all``."""
    if not resources:
        raise KubectlError(
            "error: one or more resources must be specified as <resource> <name> or "
            "<resource>/<name>"
        )
    if "/" in resources[0]:
        pairs = [word.split("/", 1) for word in resources]
        return [(info, k.get_object(info, name)) for info, name in _kinds(k, pairs)]
    info = k.kind_named(resources[0])
    if len(resources) > 1:
        return [(info, k.get_object(info, name)) for name in resources[1:]]
    if not (args.bool_flag("all", False) or "selector" in args.flags):
        raise KubectlError("error: resource(s) were provided, but no name was specified")
    try:
        selector = parse_selector(args.flags["selector"]) if "selector" in args.flags else None
    except ValueError as err:
        raise KubectlError(f"error: {err}") from None
    namespace = k.list_namespace() if info.namespaced else None
    return [(info, obj) for obj in k.cluster.list(info.resource, namespace, selector)]


def _kinds(k: Kubectl, pairs: list[list[str]]) -> list[tuple[Any, str]]:
    """Each ``TYPE/NAME`` as its kind and name."""
    return [(k.kind_named(kind), name) for kind, name in pairs]


def label(k: Kubectl, args: Args) -> str:
    """``kubectl label``: a line per object, ``labeled``, ``unlabeled`` or ``not labeled``."""
    for flag in ("local", "resource-version", "field-selector", "filename"):
        if flag in args.flags:
            raise KubectlError(f"error: rollsim does not simulate `kubectl label --{flag}`")
    resources, pairs = resources_and_pairs(args.positional, "label")
    listing = args.bool_flag("list", False)
    if args.bool_flag("all", False) and "selector" in args.flags:
        raise KubectlError("error: cannot set --all and --selector at the same time")
    if not pairs and not listing:
        raise KubectlError("error: at least one label update is required")
    labels, remove = _parse_labels(pairs)
    overwrite = args.bool_flag("overwrite", False)
    dry_run = args.dry_run(k.warn)
    out: list[str] = []
    found = _objects(k, args, resources)
    for info, obj in found:
        current = dict(obj.metadata.labels)
        if listing:
            out.extend(_listed(info, obj, len(found) == 1))
            continue
        if not overwrite:
            clashes = [
                f"error: '{key}' already has a value ({current[key]}), and --overwrite is false"
                for key, value in labels.items()
                if key in current and current[key] != value
            ]
            if clashes:
                raise KubectlError("\n".join(clashes), output="".join(out))
        out.extend(f'label "{key}" not found.\n' for key in remove if key not in current)
        wanted = {**{key: v for key, v in current.items() if key not in remove}, **labels}
        if dry_run != "client" and wanted != current:
            changes: dict[str, str | None] = {**dict.fromkeys(remove), **labels}
            namespace = obj.metadata.namespace
            k.cluster.label((info.resource, obj.metadata.name), changes, namespace=namespace)
        message = _change_message(current, wanted, overwrite)
        suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(dry_run, "")
        out.append(f"{info.singular}/{obj.metadata.name} {message}{suffix}\n")
    return "".join(out)


def _change_message(before: dict[str, str], after: dict[str, str], overwrite: bool) -> str:
    """``updateDataChangeMsg``: ``not labeled`` when nothing changes, ``unlabeled`` when
    the object shrank (labels removed) without ``--overwrite``, else ``labeled``."""
    if before == after:
        return "not labeled"
    if not overwrite and len(json.dumps(after)) < len(json.dumps(before)):
        return "unlabeled"
    return "labeled"


def _listed(info: Any, obj: Any, one: bool) -> list[str]:
    """``--list``: each label ``key=value``, under a heading when several objects."""
    indent = "" if one else " "
    head = [] if one else [f"Listing labels for {info.kind}.{info.group}/{obj.metadata.name}:\n"]
    return head + [f"{indent}{key}={value}\n" for key, value in obj.metadata.labels.items()]
