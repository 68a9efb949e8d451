"""The reading verbs: ``kubectl get`` (tables, ``-o name|yaml|json|wide``, events) and
``kubectl describe deployment``.

Mirrors staging/src/k8s.io/kubectl/pkg/cmd/get (get.go: argument checks, the
``-o`` printers, "No resources found") and pkg/cmd/describe; events are folded
as client-go's event correlator (tools/record/events_cache.go) counts repeats,
which is what ``get events`` and describe's Events list print.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rollsim.api.kinds import KindInfo, kind_info
from rollsim.api.meta import LabelSelector, parse_selector
from rollsim.kubectl.cmdutil import Args, Kubectl, KubectlError
from rollsim.kubectl.describe_cmd import describe_command
from rollsim.kubectl.endpoints_view import service_endpoints
from rollsim.kubectl.output import print_objects
from rollsim.kubectl.printers import AggregatedEvent, print_table
from rollsim.kubectl.watch import wait, watch_get

__all__ = [
    "Request",
    "aggregated_events",
    "describe",
    "get",
    "listing",
    "requests",
    "wait",
]

_OUTPUTS = ("", "wide", "yaml", "json", "name")
_TEMPLATES = ("jsonpath", "custom-columns", "custom-columns-file", "jsonpath-file")
_ALLOWED = (
    "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,"
    "jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"
)
_RESOURCE_REQUIRED = (
    'You must specify the type of resource to get. Use "kubectl '
    'api-resources" for a complete list of supported resources.'
    '\n\nerror: Required resource not specified.\nUse "kubectl '
    'explain <resource>" for a detailed description of that '
    "resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' "
    "for help and examples"
)
_SEPARATE_TYPE = (
    "error: there is no need to specify a resource type as a separate argument when "
    "passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' "
    "instead of 'kubectl get resource resource/<resource_name>'"
)
#: The kinds of discovery's ``all`` category, in discovery's order (groups as the API
#: server lists them, resources by name within a group).
_ALL = (
    "Pod",
    "ReplicationController",
    "Service",
    "DaemonSet",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "HorizontalPodAutoscaler",
    "CronJob",
    "Job",
)


@dataclass(frozen=True)
class Request:
    """One kind the command line asks for, and the names asked (None: list them)."""

    info: KindInfo
    names: tuple[str, ...] | None


def _all_category(k: Kubectl) -> list[KindInfo]:
    """``all``: the built-in kinds of the category, then the custom kinds whose
    CustomResourceDefinition lists it in ``spec.names.categories``."""
    kinds = [k.cluster.store.discovery.info(key) for key in _ALL]
    for crd in k.cluster.store.list("CustomResourceDefinition"):
        names = (crd.content.get("spec") or {}).get("names") or {}
        if "all" in (names.get("categories") or ()) and names.get("kind"):
            plural = names.get("plural") or ""
            group = (crd.content.get("spec") or {}).get("group") or ""
            info = k.cluster.store.discovery.lookup(f"{plural}.{group}")
            if info is not None:
                kinds.append(info)
    return kinds


def requests(k: Kubectl, positional: Sequence[str]) -> list[Request]:
    """``ResourceTypeOrNameArgs``: ``TYPE[,TYPE...] [NAME...]`` or ``TYPE/NAME...``."""
    if any("/" in arg for arg in positional):
        if not all("/" in arg for arg in positional):
            raise KubectlError(_SEPARATE_TYPE)
        found: list[Request] = []
        for arg in positional:
            kind_text, name = arg.split("/", 1)
            info = k.kind_named(kind_text)
            if found and found[-1].info == info and found[-1].names is not None:
                found[-1] = Request(info, (*found[-1].names, name))
            else:
                found.append(Request(info, (name,)))
        return found
    names = tuple(positional[1:]) or None
    kinds: list[KindInfo] = []
    for text in positional[0].split(","):
        kinds += _all_category(k) if text.lower() == "all" else [k.kind_named(text)]
    return [Request(info, names) for info in kinds]


def listing(k: Kubectl, info: KindInfo, selector: LabelSelector | None) -> list[Any]:
    """The objects ``get TYPE`` lists: Endpoints include those the endpoints controller
    keeps for each Service with a selector."""
    namespace = k.list_namespace()
    items = k.cluster.list(info.store_key, namespace, selector)
    if info.kind == "Endpoints" and info.group == "":
        kept = {(o.metadata.namespace, o.metadata.name): o for o in items}
        for ep in service_endpoints(k.cluster, namespace):
            if selector is None or selector.matches(ep.metadata.labels):
                kept[(ep.metadata.namespace, ep.metadata.name)] = ep
        items = [kept[key] for key in sorted(kept)]
    return items


def _fetch(
    k: Kubectl, request: Request, selector: LabelSelector | None, errors: list[str]
) -> list[Any]:
    if request.names is None:
        return listing(k, request.info, selector)
    items = []
    for name in request.names:
        try:
            if request.info.kind == "Endpoints" and request.info.group == "":
                found = [o for o in listing(k, request.info, None) if o.metadata.name == name]
                if not found:
                    raise KubectlError(
                        f'Error from server (NotFound): endpoints "{name}" not found'
                    )
                items.append(found[0])
            else:
                items.append(k.get_object(request.info, name))
        except KubectlError as err:
            errors.append(err.message)
    return items


def get(k: Kubectl, args: Args) -> str:
    """``kubectl get TYPE[,TYPE] [NAME...]`` or ``get TYPE/NAME...``, with ``-l``, ``-o``,
    ``-w``, as get.go's ``Run``: one table per kind, separated by a blank line."""
    if not args.positional:
        raise KubectlError(_RESOURCE_REQUIRED)
    output = _output_format(args)
    if len(args.positional) == 1 and args.positional[0].lower() in kind_info("Event").names:
        return print_table("Event", aggregated_events(k), k.cluster.now)
    wanted = requests(k, args.positional)
    selector = _selector(args)
    if args.flags.get("watch") == "true" or args.flags.get("watch-only") == "true":
        return watch_get(k, args, wanted, selector, output)
    errors: list[str] = []
    found = [(r.info, _fetch(k, r, selector, errors)) for r in wanted]
    found = [(info, items) for info, items in found if items]
    names = wanted[0].names
    single = len(wanted) == 1 and names is not None and len(names) == 1
    text = print_objects(k, args, found, output, single)
    if errors:
        raise KubectlError("\n".join(errors), output=text)
    if not found:
        # get.go's allResourcesNamespaced reads the objects found: with none, the
        # notice names the namespace whatever the kind's scope.
        k.warn(k.no_resources())
    return text


def _output_format(args: Args) -> str:
    output = args.flags.get("output", "")
    name = output.partition("=")[0]
    if name in ("go-template", "go-template-file", "template", "templatefile", "jsonpath-as-json"):
        raise KubectlError(f"error: rollsim does not simulate `kubectl get -o {name}`")
    if output not in _OUTPUTS and name not in _TEMPLATES:
        raise KubectlError(
            f"error: unable to match a printer suitable for the output "
            f'format "{output}", allowed formats are: {_ALLOWED}'
        )
    return output


def _selector(args: Args) -> LabelSelector | None:
    """``-l``, parsed; a malformed selector is kubectl's ``error: ...``."""
    if "selector" not in args.flags:
        return None
    try:
        return parse_selector(args.flags["selector"])
    except ValueError as err:
        raise KubectlError(f"error: {err}") from None


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
    """``kubectl describe``: every object the arguments name, each by its kind's
    describer (``rollsim.kubectl.describe_cmd``)."""
    return describe_command(k, args)
