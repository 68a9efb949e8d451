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
from typing import TYPE_CHECKING

from rollsim.api.errors import RollsimError
from rollsim.kubectl import argo, get, rollout, write
from rollsim.kubectl.cmdutil import Args, Kubectl, KubectlError, check_err

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
}
_BOOLEAN = {
    "watch",
    "overwrite",
    "all-namespaces",
    "full",
    "show-labels",
    "no-headers",
    "watch-only",
}

_VERBS: dict[str, Callable[[Kubectl, Args], str]] = {
    "argo": argo.plugin,
    "apply": write.apply,
    "get": get.get,
    "describe": get.describe,
    "rollout": rollout.rollout,
    "set": write.set_,
    "scale": write.scale,
    "annotate": write.annotate,
    "delete": write.delete,
    "patch": write.patch,
    "wait": get.wait,
}


def _parse(tokens: list[str]) -> Args:
    """The words after the verb: ``--name=value``, ``--name value``, ``-x value``,
    ``-xvalue`` and bare boolean flags; everything else is positional."""
    args = Args()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.startswith("--"):
            name, eq, value = token[2:].partition("=")
            if not eq:
                if name in _BOOLEAN:
                    value = "true"
                elif i + 1 < len(tokens):
                    i += 1
                    value = tokens[i]
                else:
                    raise KubectlError(f"error: flag needs an argument: --{name}")
            args.flags[name] = value
        elif token.startswith("-") and len(token) > 1 and token != "-":
            flag, value = token[:2], token[2:]
            name = _SHORT.get(flag, "")
            if not name:
                raise KubectlError(f"error: unknown shorthand flag: '{flag[1]}' in {token}")
            if name in _BOOLEAN:
                args.flags[name] = "true"
            else:
                if not value:
                    if i + 1 >= len(tokens):
                        raise KubectlError(f"error: flag needs an argument: '{flag[1]}' in {flag}")
                    i += 1
                    value = tokens[i]
                args.flags[name] = value.removeprefix("=")
        else:
            args.positional.append(token)
        i += 1
    return args


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
        raise KubectlError(f'error: unknown command "{verb}" for "kubectl"')
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
