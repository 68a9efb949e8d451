"""The writing verbs: ``apply``, ``delete``, ``patch``, ``set image``, ``set selector``,
``scale`` and ``annotate``.

Mirrors staging/src/k8s.io/kubectl/pkg/cmd/apply (the created / configured /
unchanged lines), pkg/cmd/delete, pkg/cmd/patch, pkg/cmd/set (set_image.go,
set_selector.go), pkg/cmd/scale and pkg/cmd/annotate: each checks its
arguments as the command's ``Validate`` does, then writes through the cluster
and prints the ``printer`` line (``deployment.apps/web scaled``).
"""

from __future__ import annotations

import json
from typing import Any

from rollsim import kustomize
from rollsim.api.errors import ApplyError, NotFoundError, ValidationError, go_value
from rollsim.api.kinds import KindInfo
from rollsim.api.manifest import YAMLProblem, compose_yaml
from rollsim.api.timefmt import format_time
from rollsim.controllers.deployment import util
from rollsim.kubectl.cmdutil import Args, Kubectl, KubectlError, error_text, resource_kind
from rollsim.kubectl.filenames import manifests
from rollsim.kubectl.set import set_env, set_resources
from rollsim.verbs.apply import Applied
from rollsim.verbs.patch import PATCH_TYPES

__all__ = ["annotate", "apply", "patch", "scale", "set_"]

#: The kinds with a pod template that ``set image`` can change (the cases of
#: polymorphichelpers ``updatePodSpecForObject`` that rollsim has).
_POD_TEMPLATE_KINDS = frozenset({"Deployment", "ReplicaSet"})
#: The kinds whose API serves the ``scale`` subresource (Argo's Rollout CRD declares
#: one; Flagger's Canary and the AnalysisTemplate do not).
_SCALABLE_KINDS = frozenset({"Deployment", "ReplicaSet", "Rollout"})
#: The largest ``autoscaling/v1`` ``Scale.spec.replicas`` (an int32).
_INT32_MAX = 2**31 - 1


def apply(k: Kubectl, args: Args) -> str:
    """``kubectl apply -f FILE|DIR|-`` (``-f`` repeated, ``-R`` into subdirectories): each
    file's documents in turn, a line per object applied saying whether it was
    created, configured or left unchanged, then every refused document's error
    (``ApplyOptions.Run``, which goes on past a failing file)."""
    if not args.slice_flag("filename") and "kustomize" not in args.flags:
        raise KubectlError("error: must specify one of -f and -k")
    if args.dry_run(k.warn) != "none":
        raise KubectlError("error: rollsim does not simulate `kubectl apply --dry-run`")
    found = kustomize.manifests(k, args) if "kustomize" in args.flags else manifests(k, args)
    explicit = "namespace" in args.flags
    output: list[str] = []
    errors: list[str] = []
    applied_any = False
    for manifest in found:
        where = "" if manifest.stdin else manifest.where
        try:
            stored = k.cluster.apply(manifest.text, k.namespace if explicit else None)
        except ApplyError as err:
            output.append(_applied_lines(k, err.applied))
            applied_any = applied_any or bool(err.applied)
            errors.append(error_text(str(ValidationError(err.errors, err.kind, err.name, where))))
            continue
        except ValidationError as err:
            errors.append(error_text(str(ValidationError(err.errors, err.kind, err.name, where))))
            continue
        except NotFoundError as err:
            # AddSourceToErr: the API server's refusal names the file it came from.
            sourced = f'error when creating "{where}": ' if where else ""
            errors.append(f"Error from server (NotFound): {sourced}{err}")
            continue
        applied_any = applied_any or bool(stored)
        output.append(_applied_lines(k, stored))
    if errors:
        raise KubectlError("\n".join(errors), output="".join(output))
    if not applied_any:
        # ApplyOptions.Run: a source of only comments, "---" or nulls holds no object.
        raise KubectlError("error: no objects passed to apply")
    return "".join(output)


def _applied_lines(k: Kubectl, applied: Applied) -> str:
    """``deployment.apps/web created`` for each object applied, and a warning on stderr
    for each of a kind rollsim stores without simulating."""
    discovery = k.cluster.store.discovery
    for obj in applied.not_simulated:
        info = discovery.info(obj.kind)
        k.warn(f"Warning: {info.singular}/{obj.metadata.name} is stored, not simulated\n")
    for obj, paths in applied.fields_not_simulated:
        ref = f"{discovery.info(obj.kind).singular}/{obj.metadata.name}"
        k.warn(f"Warning: {ref}: {', '.join(paths)}: stored, not simulated\n")
    return "".join(
        f"{discovery.info(obj.kind).singular}/{obj.metadata.name} {outcome}\n"
        for obj, outcome in zip(applied, applied.outcomes, strict=True)
    )


def patch(k: Kubectl, args: Args) -> str:
    """``kubectl patch TYPE NAME -p PATCH [--type strategic|merge|json]`` (pkg/cmd/patch
    ``PatchOptions.RunPatch``): the patch sent as the type names it, ``patched`` or
    ``patched (no change)`` printed, the server's refusal as kubectl prints it."""
    info, name = args.target("patch")
    text = args.flags.get("patch")
    if text is None:
        raise KubectlError(
            "error: must specify --patch or --patch-file containing the contents of the patch"
        )
    patch_type = args.flags.get("type", "strategic")
    if patch_type not in PATCH_TYPES:
        raise KubectlError(
            f'error: --type must be one of [json merge strategic], not "{patch_type}"'
        )
    document = _parse_patch(text, patch_type)
    if isinstance(document, dict):
        _check_patch_identity(document, name, k.namespace)
    before = k.get_object(info, name)
    try:
        after = k.cluster.patch((info.kind, name), document, namespace=k.namespace, type=patch_type)
    except ValidationError as err:
        raise KubectlError(error_text(str(err))) from None
    unchanged = after.metadata.resource_version == before.metadata.resource_version
    return f"{info.singular}/{name} patched{' (no change)' if unchanged else ''}\n"


def _parse_patch(text: str, patch_type: str) -> Any:
    """``-p`` as kubectl's ``yaml.ToJSON`` reads it: YAML or JSON, composed by the
    manifest decoder, so its limits (nesting, aliasing, duplicate keys) and go-yaml's
    words hold for a patch too. A merge or strategic patch must be a mapping (the
    handler's ``map[string]interface{}``); a JSON patch's list is checked by the
    server (``jsonpatch.DecodePatch``)."""
    try:
        document = compose_yaml(text)
    except YAMLProblem as err:
        raise KubectlError(f"error: unable to parse {go_value(text)}: {err}") from None
    if patch_type != "json" and not isinstance(document, dict):
        raise KubectlError(f"error: unable to parse {go_value(text)}: patch is not a JSON object")
    return document


def _check_patch_identity(document: dict[str, Any], name: str, namespace: str) -> None:
    """Refuse a patch that renames the object or moves it to another namespace, as the
    API server's patch handler does (``checkName``, then ``rest.BeforeUpdate``, which
    fills an emptied namespace from the request).

    The namespace is set to the request's in ``document`` itself, so an emptied one
    patches nothing.
    """
    metadata = document.get("metadata")
    if not isinstance(metadata, dict):
        return
    if "name" in metadata:
        patched = metadata["name"]
        if patched is None or patched == "":
            raise KubectlError(
                f"Error from server (BadRequest): the name of the object ({name} based on "
                f"URL) was undeterminable: name must be provided"
            )
        if isinstance(patched, str) and patched != name:
            raise KubectlError(
                f"Error from server (BadRequest): the name of the object ({patched}) does "
                f"not match the name on the URL ({name})"
            )
    if "namespace" in metadata:
        patched = metadata["namespace"]
        if isinstance(patched, str) and patched not in ("", namespace):
            raise KubectlError(
                f"Error from server (BadRequest): the namespace of the object ({patched}) "
                f"does not match the namespace on the request ({namespace})"
            )
        if patched is None or patched == "":
            metadata["namespace"] = namespace


def set_(k: Kubectl, args: Args) -> str:
    """``kubectl set image|selector|env|resources`` (the ``set`` verbs rollsim has)."""
    verbs = {"image": _set_image, "selector": _set_selector, "env": set_env}
    verbs["resources"] = set_resources
    if not args.positional or args.positional[0] not in verbs:
        raise KubectlError(
            'error: rollsim supports "kubectl set image", "set selector", "set env" and '
            '"set resources"'
        )
    return verbs[args.positional.pop(0)](k, args)


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
    _require_pod_template(info, name)
    try:
        after = k.cluster.set_image((info.kind, name), images, namespace=k.namespace)
    except NotFoundError as err:
        raise KubectlError(f"error: {err}") from None
    if after.metadata.resource_version == before.metadata.resource_version:
        return ""
    return f"{info.singular}/{name} image updated\n"


def _require_pod_template(info: KindInfo, name: str) -> None:
    """Refuse ``set image`` on a kind ``updatePodSpecForObject`` has no case for, in the
    words ``SetImageOptions.Run`` prints for it (``error: <ObjectName> <err>``).

    Custom resources reach kubectl as ``*unstructured.Unstructured``, so a Rollout
    is refused too (Argo's plugin has its own ``set image``). A Pod has a pod spec
    upstream, but rollsim's kubelet does not restart a container for a new image.
    """
    if info.kind in _POD_TEMPLATE_KINDS:
        return
    if info.kind == "Pod":
        raise KubectlError(
            f"error: {info.plural}/{name} rollsim does not change the image of a running pod"
        )
    go_type = f"*{info.api_version}.{info.kind}" if not info.group else "*unstructured.Unstructured"
    raise KubectlError(
        f"error: {info.plural}/{name} the object is not a pod or does not have a pod "
        f"template: {go_type}"
    )


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
    """``kubectl scale TYPE NAME --replicas=COUNT``.

    As ``ScaleOptions.RunScale``: the flag is checked first, then the object is
    fetched, then the scaler merge-patches its ``scale`` subresource, which a kind
    without one does not serve (the API server's NotFound without a name).
    """
    info, name = args.target("scale")
    if "replicas" not in args.flags:
        raise KubectlError('error: required flag(s) "replicas" not set')
    replicas = args.int_flag("replicas", 0)
    if replicas < 0:
        raise KubectlError(
            "error: The --replicas=COUNT flag is required, and COUNT must be "
            "greater than or equal to 0"
        )
    current = k.get_object(info, name)
    if info.kind not in _SCALABLE_KINDS:
        raise KubectlError(
            "Error from server (NotFound): the server could not find the requested resource"
        )
    if replicas > _INT32_MAX:
        raise KubectlError(_scale_decode_error(info, current, replicas))
    try:
        k.cluster.scale((info.kind, name), replicas, namespace=k.namespace)
    except ValidationError as err:
        raise KubectlError(error_text(str(err))) from None
    return f"{info.singular}/{name} scaled\n"


def _scale_decode_error(info: KindInfo, current: Any, replicas: int) -> str:
    """How the API server refuses a ``scale`` patch whose replicas overflow the Scale's
    int32: the merge-patched Scale (keys sorted, as Go marshals a map) fails to decode,
    which ``jsonPatcher.applyPatchToCurrentObject`` reports as an invalid ``patch``."""
    meta = current.metadata
    scale_object = {
        "apiVersion": "autoscaling/v1",
        "kind": "Scale",
        "metadata": {
            "creationTimestamp": (
                format_time(meta.creation_timestamp)
                if meta.creation_timestamp is not None
                else None
            ),
            "name": meta.name,
            "namespace": meta.namespace or "default",
            "resourceVersion": meta.resource_version,
            "uid": meta.uid,
        },
        "spec": {"replicas": replicas},
        "status": {"replicas": current.status.replicas, "selector": str(current.spec.selector)},
    }
    patched = json.dumps(scale_object, sort_keys=True, separators=(",", ":"))
    return (
        f"The request is invalid: patch: Invalid value: {go_value(patched)}: json: cannot "
        f"unmarshal number {replicas} into Go struct field ScaleSpec.spec.replicas of type int32"
    )


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
    # As annotate.go, the change goes to the server as a merge patch, so the API
    # server's validation (key syntax, the 256 KiB total) applies to it.
    removed = {key: None for key in obj.metadata.annotations if key not in annotations}
    merge = {"metadata": {"annotations": {**removed, **annotations}}}
    try:
        k.cluster.patch((info.kind, name), merge, namespace=k.namespace)
    except ValidationError as err:
        raise KubectlError(error_text(str(err))) from None
    return f"{info.singular}/{name} annotated\n"
