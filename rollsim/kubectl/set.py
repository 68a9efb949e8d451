"""``kubectl set env`` and ``kubectl set resources``: pod template changes that roll out.

Mirrors staging/src/k8s.io/kubectl/pkg/cmd/set (set_env.go ``EnvOptions.RunEnv``:
``KEY=VALUE`` sets, ``KEY-`` removes, ``-c`` picks containers by glob, an
unchanged object prints nothing; set_resources.go
``SetResourcesOptions.Run``: ``--limits``/``--requests`` as
``name=quantity,...``). Each merge-patches the containers of the pod template,
so the Deployment controller rolls a new ReplicaSet, as ``set image`` does.
Resources are stored but not simulated, and say so.
"""

from __future__ import annotations

import fnmatch
from typing import Any

from rollsim.api.errors import ValidationError
from rollsim.api.manifest import to_dict
from rollsim.api.unsimulated import not_simulated_fields
from rollsim.kubectl.cmdutil import Args, Kubectl, KubectlError, error_text
from rollsim.kubectl.label import resources_and_pairs

__all__ = ["set_env", "set_resources"]

#: The kinds with a pod template rollsim rolls (``updatePodSpecForObject``'s cases it has).
_POD_TEMPLATE_KINDS = ("Deployment", "ReplicaSet")


def _target(k: Kubectl, words: list[str]) -> tuple[Any, str]:
    """``TYPE NAME`` or ``TYPE/NAME``: its kind and name, refused without a template."""
    if not words:
        raise KubectlError(
            "error: one or more resources must be specified as <resource> <name> or "
            "<resource>/<name>"
        )
    if "/" in words[0]:
        kind_text, name = words[0].split("/", 1)
    elif len(words) > 1:
        kind_text, name = words[0], words[1]
    else:
        raise KubectlError("error: you must specify the name of the resource")
    info = k.kind_named(kind_text)
    if info.kind not in _POD_TEMPLATE_KINDS:
        raise KubectlError(
            f"error: {info.plural}/{name} the object is not a pod or does not have a pod template"
        )
    return info, name


def _patch_containers(
    k: Kubectl, info: Any, name: str, pattern: str, change: Any
) -> tuple[bool, list[str]]:
    """Apply ``change(container)`` to each container matching ``pattern`` and merge-patch
    the template; whether anything changed, and the not-simulated fields it added."""
    before = k.get_object(info, name)
    containers = to_dict(before)["spec"]["template"]["spec"]["containers"]
    matched = [c for c in containers if fnmatch.fnmatchcase(c["name"], pattern)]
    if not matched:
        raise KubectlError(f"error: unable to find container named {pattern}")
    for container in matched:
        change(container)
    patch = {"spec": {"template": {"spec": {"containers": containers}}}}
    try:
        after = k.cluster.patch((info.resource, name), patch, namespace=k.namespace)
    except ValidationError as err:
        raise KubectlError(error_text(str(err))) from None
    added = [p for p in not_simulated_fields(after) if p not in not_simulated_fields(before)]
    return after.metadata.resource_version != before.metadata.resource_version, added


def set_env(k: Kubectl, args: Args) -> str:
    """``kubectl set env TYPE NAME KEY=VALUE... KEY-...`` (``-c`` containers, ``-e``)."""
    words, pairs = resources_and_pairs(args.positional, "env")
    pairs = args.values.get("env", []) + pairs
    if not pairs:
        raise KubectlError("error: at least one environment variable must be provided")
    info, name = _target(k, words)
    setting: dict[str, str] = {}
    removing: list[str] = []
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if eq:
            setting[key] = value
        else:
            removing.append(pair[:-1])

    def change(container: dict[str, Any]) -> None:
        env = [e for e in container.get("env") or [] if e["name"] not in removing]
        for key, value in setting.items():
            found = next((e for e in env if e["name"] == key), None)
            if found is None:
                env.append({"name": key, "value": value})
            else:
                found.clear()
                found.update({"name": key, "value": value})
        container["env"] = env

    changed, _ = _patch_containers(k, info, name, args.flags.get("containers", "*"), change)
    return f"{info.singular}/{name} env updated\n" if changed else ""


def _quantities(text: str, flag: str) -> dict[str, str]:
    """``--limits=cpu=200m,memory=512Mi`` as resource name to quantity."""
    found: dict[str, str] = {}
    for part in text.split(","):
        key, eq, value = part.partition("=")
        if not eq or not key or not value:
            raise KubectlError(f"error: invalid argument {part!r} for --{flag}")
        found[key] = value
    return found


def set_resources(k: Kubectl, args: Args) -> str:
    """``kubectl set resources TYPE NAME --limits=... --requests=... [-c CONTAINER]``."""
    limits = _quantities(args.flags["limits"], "limits") if "limits" in args.flags else {}
    requests = _quantities(args.flags["requests"], "requests") if "requests" in args.flags else {}
    if not limits and not requests:
        raise KubectlError(
            "error: you must specify an update to requests or limits (in the form of "
            "--requests/--limits)"
        )
    info, name = _target(k, args.positional)

    def change(container: dict[str, Any]) -> None:
        resources = dict(container.get("resources") or {})
        for field, wanted in (("limits", limits), ("requests", requests)):
            if wanted:
                resources[field] = {**(resources.get(field) or {}), **wanted}
        container["resources"] = resources

    changed, added = _patch_containers(k, info, name, args.flags.get("containers", "*"), change)
    for path in added:
        k.warn(f"Warning: {info.singular}/{name}: {path}: stored, not simulated\n")
    return f"{info.singular}/{name} resource requirements updated\n" if changed else ""
