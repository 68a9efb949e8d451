"""The reading verbs: ``kubectl get`` (tables, ``-o name|yaml|json|wide``, events) and
``kubectl describe deployment``.

Mirrors staging/src/k8s.io/kubectl/pkg/cmd/get (get.go: argument checks, the
``-o`` printers, "No resources found") and pkg/cmd/describe; events are folded
as client-go's event correlator (tools/record/events_cache.go) counts repeats,
which is what ``get events`` and describe's Events list print.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rollsim.api.kinds import KindInfo, kind_info
from rollsim.api.manifest import dump_yaml, to_dict
from rollsim.api.meta import LabelSelector, parse_selector
from rollsim.controllers.controller_utils import replica_sets_by_creation
from rollsim.controllers.deployment import util
from rollsim.kubectl.cmdutil import Args, Kubectl, KubectlError
from rollsim.kubectl.describe import describe_deployment
from rollsim.kubectl.printers import AggregatedEvent, print_table

__all__ = ["aggregated_events", "describe", "get"]

_OUTPUTS = ("", "wide", "yaml", "json", "name")
_RESOURCE_REQUIRED = (
    'You must specify the type of resource to get. Use "kubectl '
    'api-resources" for a complete list of supported resources.'
    '\n\nerror: Required resource not specified.\nUse "kubectl '
    'explain <resource>" for a detailed description of that '
    "resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' "
    "for help and examples"
)


def get(k: Kubectl, args: Args) -> str:
    """``kubectl get TYPE [NAME...]`` or ``get TYPE/NAME``, optionally ``-l`` and ``-o``."""
    if not args.positional:
        raise KubectlError(_RESOURCE_REQUIRED)
    first = args.positional[0]
    names = args.positional[1:]
    if "/" in first:
        first, name = first.split("/", 1)
        names = [name]
    output = args.flags.get("output", "")
    if output not in _OUTPUTS:
        raise KubectlError(
            f"error: unable to match a printer suitable for the output "
            f'format "{output}", allowed formats are: json,name,wide,yaml'
        )
    if first.lower() in kind_info("Event").names:
        return print_table("Event", aggregated_events(k), k.cluster.now)
    info = k.kind_named(first)
    selector = _selector(args)
    if names:
        items = [k.get_object(info, n) for n in names]
    else:
        items = k.cluster.list(info.store_key, k.list_namespace(), selector)
        if not items:
            k.warn(k.no_resources())
            return ""
    return _print(k, info, items, output, single=len(items) == 1 and bool(names))


def _selector(args: Args) -> LabelSelector | None:
    """``-l``, parsed; a malformed selector is kubectl's ``error: ...``."""
    if "selector" not in args.flags:
        return None
    try:
        return parse_selector(args.flags["selector"])
    except ValueError as err:
        raise KubectlError(f"error: {err}") from None


def _print(k: Kubectl, info: KindInfo, items: Sequence[Any], output: str, single: bool) -> str:
    """``items`` in the ``-o`` format; ``single`` (one object asked for by name) prints
    the object itself rather than a ``List`` in yaml and json."""
    if output == "name":
        return "".join(f"{info.singular}/{o.metadata.name}\n" for o in items)
    if output in ("yaml", "json"):
        document: Any = (
            to_dict(items[0])
            if single
            else {
                "apiVersion": "v1",
                "items": [to_dict(o) for o in items],
                "kind": "List",
                "metadata": {"resourceVersion": ""},
            }
        )
        if output == "json":
            return json.dumps(document, indent=4, ensure_ascii=False) + "\n"
        return dump_yaml(document)
    return print_table(
        info.kind,
        items,
        k.cluster.now,
        wide=output == "wide",
        with_namespace=k.all_namespaces and info.namespaced,
    )


def aggregated_events(
    k: Kubectl, kind: str | None = None, name: str | None = None
) -> list[AggregatedEvent]:
    """The cluster's events (those of one object, given ``kind`` and ``name``), repeats
    folded into one with a count and the last time seen; oldest last-seen first."""
    folded: dict[tuple[str, ...], AggregatedEvent] = {}
    for e in k.cluster.events:
        if kind is not None and (e.kind != kind or e.name != name):
            continue
        key = (e.kind, e.name, e.type, e.reason, e.message, e.source)
        found = folded.get(key)
        if found is None:
            folded[key] = AggregatedEvent(
                e.time, e.type, e.reason, e.kind, e.name, e.message, e.source
            )
        else:
            found.count += 1
            found.last = e.time
    return sorted(folded.values(), key=lambda e: e.last)


def describe(k: Kubectl, args: Args) -> str:
    """``kubectl describe deployment NAME``: the Deployment, its ReplicaSets, its events."""
    info, name = args.target("describe")
    if info.kind != "Deployment":
        raise KubectlError(f"error: rollsim describes deployments only, not {info.kind}")
    d = k.get_object(info, name)
    rss = k.cluster.store.owned_replica_sets(d.metadata.uid)
    new_rs = util.find_new_replica_set(d, rss)
    _, all_old = util.find_old_replica_sets(d, rss)
    return describe_deployment(
        d,
        replica_sets_by_creation(all_old),
        new_rs,
        aggregated_events(k, "Deployment", name),
        k.cluster.now,
    )
