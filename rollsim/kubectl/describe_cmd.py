"""The ``kubectl describe`` command: which objects, which describer, how they are joined.

Mirrors staging/src/k8s.io/kubectl/pkg/cmd/describe/describe.go: ``DescribeOptions.Run``
(the builder's objects from ``TYPE [NAME...]``, ``TYPE/NAME...`` or ``-l``, each
described and the descriptions joined by a blank line, events shown only for a single
object unless ``--show-events`` says otherwise, "No resources found" when nothing
matched) and ``DescribeMatchingResources`` (``TYPE PREFIX`` describes every object
whose name starts with the prefix when no object has that exact name); and
pkg/describe/describe.go's ``Describer`` (a kind's own describer, else the generic one).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rollsim.api.errors import NotFoundError
from rollsim.api.kinds import KindInfo
from rollsim.api.meta import parse_selector
from rollsim.kubectl.cmdutil import Args, Kubectl, KubectlError
from rollsim.kubectl.describe import Settings, object_events
from rollsim.kubectl.describe_generic import describe_generic
from rollsim.kubectl.describe_kinds import DESCRIBERS

__all__ = ["describe_command"]

_NO_TYPE = (
    "error: You must specify the type of resource to describe. "
    'Use "kubectl api-resources" for a complete list of supported resources.'
)
_SEPARATE_TYPE = (
    "error: there is no need to specify a resource type as a separate argument when "
    "passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' "
    "instead of 'kubectl get resource resource/<resource_name>'"
)
_ACROSS_NAMESPACES = "error: a resource cannot be retrieved by name across all namespaces"

Describer = Callable[[Kubectl, Any, Settings], str]


def _describer(info: KindInfo) -> Describer:
    """``Describer``: the kind's own describer, else ``GenericDescriberFor``."""
    own = DESCRIBERS.get((info.group, info.kind))
    if own is not None:
        return own
    return _generic


def _generic(k: Kubectl, obj: Any, settings: Settings) -> str:
    meta = obj.metadata
    events = None
    if settings.show_events:
        events = object_events(k, obj.kind, meta.name, meta.namespace)
    return describe_generic(obj, events, k.cluster.now)


def _targets(k: Kubectl, positional: Sequence[str]) -> list[tuple[KindInfo, list[str] | None]]:
    """``ResourceTypeOrNameArgs``: ``TYPE[,TYPE] [NAME...]`` or ``TYPE/NAME...``."""
    if any("/" in arg for arg in positional):
        if not all("/" in arg for arg in positional):
            raise KubectlError(_SEPARATE_TYPE)
        pairs = [arg.split("/", 1) for arg in positional]
        return [(k.kind_named(kind_text), [name]) for kind_text, name in pairs]
    names = list(positional[1:]) or None
    return [(k.kind_named(text), names) for text in positional[0].split(",")]


def _objects(k: Kubectl, args: Args) -> tuple[list[tuple[KindInfo, Any]], list[str]]:
    """The builder's objects, in order, and the NotFound errors met on the way."""
    selector = None
    if "selector" in args.flags:
        try:
            selector = parse_selector(args.flags["selector"])
        except ValueError as err:
            raise KubectlError(f"error: {err}") from None
    found: list[tuple[KindInfo, Any]] = []
    errors: list[str] = []
    for info, names in _targets(k, args.positional):
        if names is None:
            namespace = k.list_namespace() if info.namespaced else None
            found += [(info, o) for o in k.cluster.list(info.store_key, namespace, selector)]
            continue
        if k.all_namespaces:
            raise KubectlError(_ACROSS_NAMESPACES)
        for name in names:
            try:
                found.append((info, k.cluster.get(info.store_key, name, k.namespace)))
            except NotFoundError as err:
                errors.append(f"Error from server (NotFound): {err}")
    return found, errors


def _show_events(args: Args, default: bool) -> bool:
    """``--show-events``: given, it wins; absent, events show for one object only."""
    given = args.flags.get("show-events")
    return default if given is None else given == "true"


def _matching(k: Kubectl, args: Args, original: str) -> str:
    """``DescribeMatchingResources``: each object whose name starts with the prefix,
    each description followed by a blank line; none is the original NotFound."""
    info = k.kind_named(args.positional[0])
    prefix = args.positional[1]
    describer = _describer(info)
    settings = Settings(show_events=_show_events(args, False))
    namespace = k.namespace if info.namespaced else None
    matched = [
        o for o in k.cluster.list(info.store_key, namespace) if o.metadata.name.startswith(prefix)
    ]
    if not matched:
        raise KubectlError(original)
    return "".join(describer(k, obj, settings) + "\n" for obj in matched)


def describe_command(k: Kubectl, args: Args) -> str:
    """``kubectl describe (TYPE [NAME_PREFIX] | TYPE/NAME) [-l selector]``."""
    if not args.positional:
        raise KubectlError(_NO_TYPE)
    found, errors = _objects(k, args)
    if errors and len(args.positional) == 2 and "/" not in args.positional[0]:
        return _matching(k, args, errors[0])
    settings = Settings(show_events=_show_events(args, not errors and len(found) <= 1))
    text = "\n\n".join(_describer(info)(k, obj, settings) for info, obj in found)
    if errors:
        raise KubectlError("\n".join(errors), output=text)
    if not found:
        k.warn(k.no_resources())
    return text
