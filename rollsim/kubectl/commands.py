"""The kubectl command line: parse a command, hand it to its verb.

``run(cluster, "get deploy")`` splits the line like a shell, parses the flags
as kubectl's (cobra/pflag) command line does and runs the verb, returning what
kubectl prints on stdout. Failures raise ``KubectlError`` with kubectl's
message (``error: ...`` / ``Error from server ...``) and exit code. Commands
that wait (``rollout status``) advance the simulated clock. Before a command
runs, the current instant is settled, so the controllers have reacted to the
previous command, as they would within milliseconds.

Mirrors staging/src/k8s.io/kubectl/pkg/cmd/cmd.go (``NewKubectlCommand``: the
verbs and the plugin lookup for ``kubectl argo``); the verbs live in ``get``,
``write``, ``rollout`` and ``argo``.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rollsim import kustomize
from rollsim.api.errors import RollsimError, go_value
from rollsim.api.kinds import KindInfo
from rollsim.api.manifest import YAMLProblem, compose_yaml, to_dict
from rollsim.kubectl import argo, delete, get, label, rollout, unsupported, write
from rollsim.kubectl.cmdutil import (
    FALSE_SPELLINGS,
    TRUE_SPELLINGS,
    Args,
    Kubectl,
    KubectlError,
    check_err,
)
from rollsim.verbs.patch import PATCH_TYPES, pod_status_conditions

if TYPE_CHECKING:
    from rollsim.cluster import Cluster

__all__ = ["run"]

_SHORT = {
    "-f": "filename",
    "-l": "selector",
    "-o": "output",
    "-n": "namespace",
    "-w": "watch",
    "-A": "all-namespaces",
    "-p": "patch",
    "-R": "recursive",
    "-c": "containers",
    "-e": "env",
    "-k": "kustomize",
    "-L": "label-columns",
}
_BOOLEAN = {
    "watch",
    "overwrite",
    "all-namespaces",
    "full",
    "show-labels",
    "no-headers",
    "watch-only",
    "show-events",
}
#: The writing verbs' boolean flags (pkg/cmd/delete, label, set, apply, create).
_BOOLEAN |= {"all", "recursive", "ignore-not-found", "wait", "force", "now", "list", "local"}
_BOOLEAN |= {"client", "namespaced"}
#: Flags that take a value but read a default when given bare (pflag's ``NoOptDefVal``):
#: ``--cascade`` is ``background``, ``--dry-run`` the deprecated ``unchanged``.
_NO_OPTION_DEFAULT = {"cascade": "background", "dry-run": "unchanged"}

#: The subresources the API server (or a CRD) serves that ``kubectl patch --subresource``
#: can write, by kind; of them rollsim simulates a pod's ``status`` alone.
_PATCHABLE_SUBRESOURCES = {
    "Pod": frozenset({"status", "ephemeralcontainers", "resize"}),
    "Deployment": frozenset({"status", "scale"}),
    "ReplicaSet": frozenset({"status", "scale"}),
    "Rollout": frozenset({"status", "scale"}),
    "Service": frozenset({"status"}),
    "Canary": frozenset({"status"}),
    "Namespace": frozenset({"status", "finalize"}),
}


def _patch(k: Kubectl, args: Args) -> str:
    """``kubectl patch``; with ``--subresource`` (``AddSubresourceFlags``, which since
    1.32 lets any name through to the server) the patch goes to that subresource."""
    subresource = args.flags.get("subresource", "")
    if not subresource:
        return write.patch(k, args)
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
    try:
        document = compose_yaml(text)
    except YAMLProblem as err:
        raise KubectlError(f"error: unable to parse {go_value(text)}: {err}") from None
    if subresource not in _PATCHABLE_SUBRESOURCES.get(info.kind, ()):
        # The resource builder's GET of an unserved subresource path meets a 404 that is
        # no Status, which client-go words as NewGenericServerResponse does.
        raise KubectlError(
            "Error from server (NotFound): the server could not find the requested "
            f"resource (get {info.resource} {name})"
        )
    if info.kind != "Pod" or subresource != "status":
        raise KubectlError(
            f"error: rollsim does not simulate `kubectl patch --subresource={subresource}` "
            f"of {info.plural}"
        )
    return _patch_pod_status(k, info, name, document, patch_type)


def _patch_pod_status(k: Kubectl, info: KindInfo, name: str, patch: Any, patch_type: str) -> str:
    """A patch of a pod's ``status``: the readiness gates' conditions it sets, each as
    ``Cluster.set_pod_condition`` sets it (the pod's Ready follows); ``patched (no
    change)`` when it sets none, as ``RunPatch`` finds the object unchanged."""
    pod = k.get_object(info, name)
    conditions = pod_status_conditions(to_dict(pod), patch, patch_type)
    for condition_type, status in conditions.items():
        k.cluster.set_pod_condition(name, condition_type, status, namespace=k.namespace)
    return f"pod/{name} patched{'' if conditions else ' (no change)'}\n"


_VERBS: dict[str, Callable[[Kubectl, Args], str]] = {
    "argo": argo.plugin,
    "apply": write.apply,
    "get": get.get,
    "describe": get.describe,
    "rollout": rollout.rollout,
    "set": write.set_,
    "scale": write.scale,
    "annotate": write.annotate,
    "delete": delete.delete,
    "patch": _patch,
    "create": delete.create,
    "label": label.label,
    "api-resources": unsupported.api_resources,
    "version": unsupported.version,
    "wait": get.wait,
    "kustomize": kustomize.kubectl_kustomize,
}


def _parse(tokens: list[str]) -> Args:
    """The words after the verb, as pflag's ``FlagSet.Parse`` reads them:
    ``--name=value``, ``--name value``, ``-x value``, ``-xvalue``, bare and grouped
    boolean shorthands (``-Rf dir``), a bare flag with a no-option default; each value
    of a repeated flag is kept (``-f a -f b``). Everything else is positional."""
    args = Args()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.startswith("--"):
            name, eq, value = token[2:].partition("=")
            if not eq:
                if name in _BOOLEAN:
                    value = "true"
                elif name in _NO_OPTION_DEFAULT:
                    value = _NO_OPTION_DEFAULT[name]
                elif i + 1 < len(tokens):
                    i += 1
                    value = tokens[i]
                else:
                    raise KubectlError(f"error: flag needs an argument: --{name}")
            args.set(name, _boolean(name, value) if name in _BOOLEAN else value)
        elif token.startswith("-") and len(token) > 1 and token != "-":
            i = _parse_shorthands(tokens, i, args)
        else:
            args.positional.append(token)
        i += 1
    return args


def _parse_shorthands(tokens: list[str], i: int, args: Args) -> int:
    """One ``-abc`` group (pflag's ``parseShortArg``): boolean letters set in turn, the
    first letter that takes a value takes the rest of the group or the next word;
    returns the index of the last word read."""
    group = tokens[i][1:]
    while group:
        letter, group = group[0], group[1:]
        name = _SHORT.get(f"-{letter}", "")
        if not name:
            raise KubectlError(f"error: unknown shorthand flag: '{letter}' in {tokens[i]}")
        if name in _BOOLEAN:
            if group.startswith("="):
                args.set(name, _boolean(name, group[1:]))
                return i
            args.set(name, "true")
            continue
        if not group:
            if i + 1 >= len(tokens):
                raise KubectlError(f"error: flag needs an argument: '{letter}' in -{letter}")
            i += 1
            group = tokens[i]
        args.set(name, group.removeprefix("="))
        return i
    return i


def _boolean(name: str, value: str) -> str:
    """A boolean flag's value as pflag's ``boolValue.Set`` reads it (``strconv.ParseBool``),
    normalized to ``true``/``false``; anything else fails in pflag's words, the flag
    named with its shorthand as ``FlagSet.set`` names it."""
    if value in TRUE_SPELLINGS:
        return "true"
    if value in FALSE_SPELLINGS:
        return "false"
    shorthand = next((short for short, long in _SHORT.items() if long == name), "")
    shown = f"{shorthand}, --{name}" if shorthand else f"--{name}"
    raise KubectlError(
        f'error: invalid argument {go_value(value)} for "{shown}" flag: strconv.ParseBool: '
        f"parsing {go_value(value)}: invalid syntax"
    )


def _global_flags(tokens: list[str]) -> tuple[list[str], list[str]]:
    """The flags given before the verb (``kubectl -n test get pods``), which cobra reads
    as the root command's persistent flags, and the words from the verb on."""
    i = 0
    while i < len(tokens) and tokens[i].startswith("-") and tokens[i] != "-":
        token = tokens[i]
        takes_value = "=" not in token and (
            (token.startswith("--") and token[2:] not in _BOOLEAN)
            or (len(token) == 2 and _SHORT.get(token, "") not in _BOOLEAN)
        )
        i += 2 if takes_value else 1
    return tokens[:i], tokens[i:]


def run(
    cluster: Cluster,
    command: str,
    stdin: str | None = None,
    cwd: str | Path | None = None,
    stderr: Callable[[str], None] | None = None,
) -> str:
    """Run one kubectl command line against ``cluster``; returns its stdout text.

    What kubectl would write to stderr on success goes to ``stderr`` if given.
    """
    try:
        tokens = shlex.split(command)
    except ValueError as err:
        raise KubectlError(f"error: {err}") from None
    if tokens and tokens[0] == "kubectl":
        tokens = tokens[1:]
    leading, tokens = _global_flags(tokens)
    if not tokens:
        raise KubectlError("error: a command is required")
    verb, rest = tokens[0], tokens[1:]
    handler = _VERBS.get(verb)
    if handler is None:
        raise unsupported.unknown_verb(verb)
    args = _parse(leading + rest)
    namespace = args.flags.get("namespace", "default")
    if not namespace:
        raise KubectlError("error: a namespace must be specified, not empty")
    cluster.run(cluster.now)
    kubectl = Kubectl(
        cluster,
        stdin,
        Path(cwd) if cwd is not None else Path.cwd(),
        stderr,
        namespace=namespace,
        all_namespaces=args.flags.get("all-namespaces") == "true",
    )
    try:
        return handler(kubectl, args)
    except RollsimError as err:
        raise check_err(err) from None
