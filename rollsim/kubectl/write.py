"""The writing verbs: ``apply``, ``delete``, ``patch``, ``set image``, ``set selector``,
``scale`` and ``annotate``.

Mirrors staging/src/k8s.io/kubectl/pkg/cmd/apply (the created / configured /
unchanged lines), pkg/cmd/delete, pkg/cmd/patch, pkg/cmd/set (set_image.go,
set_selector.go), pkg/cmd/scale and pkg/cmd/annotate: each checks its
arguments as the command's ``Validate`` does, then writes through the cluster
and prints the ``printer`` line (``deployment.apps/web scaled``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import yaml

from rollsim.api.errors import NotFoundError, ValidationError
from rollsim.api.kinds import kind_info
from rollsim.api.manifest import load_documents
from rollsim.controllers.deployment import util
from rollsim.kubectl.cmdutil import Args, Kubectl, KubectlError, resource_kind

__all__ = ["annotate", "apply", "delete", "patch", "scale", "set_"]


def _error_text(message: str) -> str:
    """A rejected write in kubectl's words: its own ``error: ...``, the server's
    ``Error from server ...`` or ``The Deployment "x" is invalid: ...`` as they are."""
    if message.startswith(("error", "Error")):
        return message if message.startswith("Error") else f"error: {message}"
    return f"The request is invalid: {message}" if not message.startswith("The ") else message


def _read_source(k: Kubectl, source: str) -> str:
    """The manifests ``-f`` names: a file (relative to the working directory) or stdin."""
    if source == "-":
        if k.stdin is None:
            raise KubectlError("error: no objects passed to apply")
        return k.stdin
    path = (k.cwd / source) if not Path(source).is_absolute() else Path(source)
    if not path.exists():
        raise KubectlError(f'error: the path "{source}" does not exist')
    return path.read_text(encoding="utf-8")


def apply(k: Kubectl, args: Args) -> str:
    """``kubectl apply -f FILE|-``: every document or none; a line per object saying
    whether it was created, configured or left unchanged."""
    source = args.flags.get("filename")
    if source is None:
        raise KubectlError("error: must specify one of -f and -k")
    text = _read_source(k, source)
    before = {}
    try:
        for obj, _ in load_documents(text):
            namespace = obj.metadata.namespace or "default"
            before[(obj.kind, obj.metadata.name)] = k.cluster.store.get(
                obj.kind, namespace, obj.metadata.name
            )
        stored = k.cluster.apply(text)
    except ValidationError as err:
        named = ValidationError(err.errors, err.kind, err.name, "" if source == "-" else source)
        raise KubectlError(_error_text(str(named))) from None
    lines = []
    for obj in stored:
        old = before[(obj.kind, obj.metadata.name)]
        if old is None:
            verb = "created"
        elif old.metadata.resource_version == obj.metadata.resource_version:
            verb = "unchanged"
        else:
            verb = "configured"
        lines.append(f"{kind_info(obj.kind).singular}/{obj.metadata.name} {verb}\n")
    return "".join(lines)


def delete(k: Kubectl, args: Args) -> str:
    """``kubectl delete TYPE NAME``; what the object owns goes with it."""
    info, name = args.target("delete")
    k.get_object(info, name)
    k.cluster.delete((info.kind, name), namespace=k.namespace)
    return f'{info.singular} "{name}" deleted\n'


def patch(k: Kubectl, args: Args) -> str:
    """``kubectl patch TYPE NAME -p PATCH [--type merge|strategic]`` (both applied as a
    JSON merge patch, which is what they do to the fields rollsim models)."""
    info, name = args.target("patch")
    text = args.flags.get("patch")
    if text is None:
        raise KubectlError("error: must specify -p to patch")
    patch_type = args.flags.get("type", "strategic")
    if patch_type not in ("strategic", "merge"):
        raise KubectlError(f"error: rollsim supports --type merge and strategic, not {patch_type}")
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise KubectlError(f'error: unable to parse "{text}": {err}') from None
    if not isinstance(document, dict):
        raise KubectlError(f'error: unable to parse "{text}": patch is not a JSON object')
    before = k.get_object(info, name)
    try:
        after = k.cluster.patch((info.kind, name), document, namespace=k.namespace)
    except ValidationError as err:
        raise KubectlError(_error_text(str(err))) from None
    unchanged = after.metadata.resource_version == before.metadata.resource_version
    return f"{info.singular}/{name} patched{' (no change)' if unchanged else ''}\n"


def set_(k: Kubectl, args: Args) -> str:
    """``kubectl set image`` or ``kubectl set selector`` (the ``set`` verbs rollsim has)."""
    if not args.positional or args.positional[0] not in ("image", "selector"):
        raise KubectlError('error: rollsim supports "kubectl set image" and "kubectl set selector"')
    if args.positional.pop(0) == "selector":
        return _set_selector(k, args)
    return _set_image(k, args)


def _set_image(k: Kubectl, args: Args) -> str:
    """``kubectl set image TYPE NAME CONTAINER=IMAGE...``; prints nothing when no image
    changes."""
    if not args.positional:
        raise KubectlError("error: you must specify a resource and at least one container image")
    first = args.positional.pop(0)
    if "/" in first:
        kind_text, name = first.split("/", 1)
    else:
        if not args.positional:
            raise KubectlError("error: you must specify the name of the resource")
        kind_text, name = first, args.positional.pop(0)
    info = resource_kind(kind_text)
    images: dict[str, str] = {}
    for pair in args.positional:
        container, eq, image = pair.partition("=")
        if not eq or not image:
            raise KubectlError(f"error: invalid image argument: {pair}")
        images[container] = image
    if not images:
        raise KubectlError("error: at least one image update is required")
    before = k.get_object(info, name)
    try:
        after = k.cluster.set_image((info.kind, name), images, namespace=k.namespace)
    except NotFoundError as err:
        raise KubectlError(f"error: {err}") from None
    if after.metadata.resource_version == before.metadata.resource_version:
        return ""
    return f"{info.singular}/{name} image updated\n"


def _set_selector(k: Kubectl, args: Args) -> str:
    """``kubectl set selector service NAME 'key=value,...'``: replaces the selector."""
    info, name = args.target("set selector")
    rest = args.after_target()
    if info.kind != "Service" or len(rest) != 1:
        raise KubectlError(
            "error: usage: kubectl set selector service NAME "
            "'key=value,...' (rollsim sets Service selectors)"
        )
    selector: dict[str, str | None] = {}
    for pair in rest[0].split(","):
        key, eq, value = pair.partition("=")
        if not eq or not key:
            raise KubectlError(f"error: invalid selector: {rest[0]}")
        selector[key.strip()] = value.strip()
    current = k.get_object(info, name)
    for key in current.spec.selector:
        selector.setdefault(key, None)
    k.cluster.patch((info.kind, name), {"spec": {"selector": selector}}, namespace=k.namespace)
    return f"{info.singular}/{name} selector updated\n"


def scale(k: Kubectl, args: Args) -> str:
    """``kubectl scale TYPE NAME --replicas=COUNT``."""
    info, name = args.target("scale")
    if "replicas" not in args.flags:
        raise KubectlError('error: required flag(s) "replicas" not set')
    replicas = args.int_flag("replicas", 0)
    if replicas < 0:
        raise KubectlError(
            "error: The --replicas=COUNT flag is required, and COUNT must be "
            "greater than or equal to 0"
        )
    k.get_object(info, name)
    try:
        k.cluster.scale((info.kind, name), replicas, namespace=k.namespace)
    except ValidationError as err:
        raise KubectlError(_error_text(str(err))) from None
    return f"{info.singular}/{name} scaled\n"


def annotate(k: Kubectl, args: Args) -> str:
    """``kubectl annotate TYPE NAME KEY=VALUE... KEY-... [--overwrite]``."""
    info, name = args.target("annotate")
    changes = args.after_target()
    if not changes:
        raise KubectlError("error: at least one annotation update is required")
    obj = k.get_object(info, name)
    annotations = dict(obj.metadata.annotations)
    overwrite = args.flags.get("overwrite", "false").lower() == "true"
    for change in changes:
        if change.endswith("-") and "=" not in change:
            annotations.pop(change[:-1], None)
            continue
        key, eq, value = change.partition("=")
        if not eq:
            raise KubectlError(f"error: invalid annotation format: {change}")
        # The change-cause may always be overwritten (annotate.go).
        if (
            key in annotations
            and not overwrite
            and annotations[key] != value
            and key != util.CHANGE_CAUSE_ANNOTATION
        ):
            raise KubectlError(
                f"error: --overwrite is false but found the following "
                f"declared annotation(s): '{key}' already has a value "
                f"({annotations[key]})"
            )
        annotations[key] = value
    k.cluster.store.update(replace(obj, metadata=replace(obj.metadata, annotations=annotations)))
    return f"{info.singular}/{name} annotated\n"
