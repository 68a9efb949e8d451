"""What every kubectl verb shares: the error it fails with, its parsed flags, the cluster.

Mirrors staging/src/k8s.io/kubectl/pkg/cmd/util: ``CheckErr`` (a failed
command's message and exit code), the flag readers (``GetFlagInt``,
``GetFlagDuration``) and the ``Factory``, whose RESTMapper turns ``deploy`` into
a kind and whose resource builder fetches ``deploy/web`` or fails with the API
server's NotFound. Kind names come from ``rollsim.api.kinds``, as kubectl's
come from discovery.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rollsim.api.duration import parse_duration
from rollsim.api.errors import NotFoundError, RollsimError, ValidationError, go_value
from rollsim.api.kinds import KindInfo, lookup
from rollsim.verbs.status import StatusError

if TYPE_CHECKING:
    from rollsim.verbs.create import DryRun

if TYPE_CHECKING:
    from rollsim.cluster import Cluster

__all__ = [
    "DEFAULT_WATCH_LIMIT",
    "FALSE_SPELLINGS",
    "INT64_MAX",
    "TRUE_SPELLINGS",
    "Args",
    "Kubectl",
    "KubectlError",
    "check_err",
    "error_text",
    "parse_go_int",
    "resource_kind",
]

#: How long a watch (``rollout status``) lasts when no ``--timeout`` is given (kubectl:
#: forever).
DEFAULT_WATCH_LIMIT = 24 * 3600.0

#: The largest Go ``int`` (64-bit): what an integer flag holds.
INT64_MAX = 2**63 - 1

#: A base prefix Go's ``strconv.ParseUint`` reads when given base 0.
_GO_BASES = {"0b": 2, "0o": 8, "0x": 16}
#: Where Go allows ``_`` in a base-0 literal: between digits, or after the prefix.
_GO_UNDERSCORES = re.compile(r"(0[box]_?)?[0-9a-z]+(_[0-9a-z]+)*")


class KubectlError(RollsimError):
    """A kubectl command failed: ``message`` is what kubectl prints on stderr,
    ``exit_code`` its status, ``output`` what it printed on stdout before failing."""

    def __init__(self, message: str, exit_code: int = 1, output: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.output = output


#: ``strconv.ParseBool``'s spellings.
TRUE_SPELLINGS = ("1", "t", "T", "TRUE", "true", "True")
FALSE_SPELLINGS = ("0", "f", "F", "FALSE", "false", "False")

#: How the resource builder's errors begin (its mapping, its namespace check).
_BUILDER_ERRORS = ("resource mapping not found", "the namespace from the provided object")


def error_text(message: str) -> str:
    """A rejected write in kubectl's words: its own ``error: ...``, the server's
    ``Error from server ...`` or ``The Deployment "x" is invalid: ...`` as they are."""
    if message.startswith(("error", "Error")):
        return message if message.startswith("Error") else f"error: {message}"
    if message.startswith(_BUILDER_ERRORS):
        # The resource builder's own failure, before any request: kubectl's ``error: ``.
        return f"error: {message}"
    return f"The request is invalid: {message}" if not message.startswith("The ") else message


def check_err(err: RollsimError) -> KubectlError:
    """The failure kubectl prints for an error a verb let through, as ``CheckErr`` turns
    an API status into ``Error from server (Reason): ...`` and anything else into
    ``error: ...``. Errors outside the rollsim family are bugs and are not passed here.
    """
    if isinstance(err, KubectlError):
        return err
    if isinstance(err, ValidationError):
        return KubectlError(error_text(str(err)))
    if isinstance(err, NotFoundError):
        return KubectlError(f"Error from server (NotFound): {err}")
    if isinstance(err, StatusError):
        return KubectlError(f"Error from server ({err.reason}): {err}")
    return KubectlError(f"error: {err}")


def parse_go_int(text: str) -> int:
    """``text`` as Go's ``strconv.ParseInt(text, 0, 64)`` reads it, which is how pflag
    reads every ``int`` flag.

    Base 0 means a ``0x``/``0o``/``0b`` prefix picks the base, a leading ``0``
    alone means octal, and ``_`` may separate digits. Only ASCII is a digit
    (Python's ``int`` would take ``١٢`` or `` 12 ``). Raises ``ValueError`` with
    Go's ``NumError`` text: ``invalid syntax``, or ``value out of range`` as soon
    as the digits read so far pass the uint64 limit, so a thousand-digit number
    costs no more than a twenty-digit one.
    """
    body = text[1:] if text[:1] in ("+", "-") else text
    base, digits = 10, body
    if body[:2].lower() in _GO_BASES and len(body) >= 3:
        base, digits = _GO_BASES[body[:2].lower()], body[2:]
    elif body[:1] == "0":
        base, digits = 8, body[1:]
    syntax = ValueError(f"strconv.ParseInt: parsing {go_value(text)}: invalid syntax")
    out_of_range = ValueError(f"strconv.ParseInt: parsing {go_value(text)}: value out of range")
    if not body:
        raise syntax
    value = 0
    for char in digits.lower():
        if char == "_":
            continue
        digit = "0123456789abcdefghijklmnopqrstuvwxyz".find(char)
        if not 0 <= digit < base:
            raise syntax
        value = value * base + digit
        if value > 2 * INT64_MAX + 1:
            raise out_of_range
    if "_" in body and _GO_UNDERSCORES.fullmatch(body.lower()) is None:
        raise syntax
    negative = text[:1] == "-"
    if value > INT64_MAX + negative:
        raise out_of_range
    return -value if negative else value


def resource_kind(text: str) -> KindInfo:
    """The kind a resource name on the command line means (``deploy``, ``pods``, ...).

    Events are the cluster's log rather than stored objects: only ``get events``
    reads them, so every other verb reports them as an unknown resource type.
    """
    info = lookup(text)
    if info is None or info.kind == "Event":
        raise KubectlError(f'error: the server doesn\'t have a resource type "{text}"')
    return info


@dataclass
class Args:
    """A command's words after the verb: its positional arguments and its flags
    (long names; a boolean flag given bare reads ``"true"``)."""

    positional: list[str] = field(default_factory=list)
    flags: dict[str, str] = field(default_factory=dict)
    #: Every value each flag was given, in order (``-f a.yaml -f b.yaml``).
    values: dict[str, list[str]] = field(default_factory=dict)

    def set(self, name: str, value: str) -> None:
        """Record ``--name=value``: the last one given is the flag's value, as for pflag's
        string flags; all of them are kept for the slice flags (``-f``)."""
        self.flags[name] = value
        self.values.setdefault(name, []).append(value)

    def bool_flag(self, name: str, default: bool) -> bool:
        """A boolean flag (``true``/``false`` once parsed), or its default when absent."""
        text = self.flags.get(name)
        return default if text is None else text == "true"

    def slice_flag(self, name: str) -> list[str]:
        """A ``StringSlice`` flag's values: every time it was given, each split on commas
        (pflag reads each as a CSV record)."""
        given = self.values.get(name) or ([self.flags[name]] if name in self.flags else [])
        return [part for value in given for part in value.split(",")]

    def target(self, verb: str) -> tuple[KindInfo, str]:
        """``TYPE NAME`` or ``TYPE/NAME`` from the positional arguments."""
        if not self.positional:
            raise KubectlError(f"error: you must specify the type of resource to {verb}")
        first = self.positional[0]
        if "/" in first:
            kind_text, name = first.split("/", 1)
            return resource_kind(kind_text), name
        if len(self.positional) < 2:
            raise KubectlError(f"error: you must specify the name of the resource to {verb}")
        return resource_kind(first), self.positional[1]

    def after_target(self) -> list[str]:
        """The positional arguments that follow ``TYPE NAME`` or ``TYPE/NAME``."""
        return self.positional[1:] if "/" in self.positional[0] else self.positional[2:]

    def dry_run(self, warn: Callable[[str], None]) -> DryRun:
        """``--dry-run`` as ``GetDryRunStrategy`` reads it: ``none``, ``client`` or
        ``server``; a boolean or a bare flag is the deprecated spelling (warned of)."""
        text = self.flags.get("dry-run", "none")
        strategies: dict[str, DryRun] = {"none": "none", "client": "client", "server": "server"}
        if text in strategies:
            return strategies[text]
        if text == "unchanged":
            warn("--dry-run is deprecated and can be replaced with --dry-run=client.\n")
            return "client"
        for spellings, strategy in ((TRUE_SPELLINGS, "client"), (FALSE_SPELLINGS, "none")):
            if text in spellings:
                warn(
                    f"--dry-run={text} is deprecated (boolean value) and can be replaced "
                    f"with --dry-run={strategy}.\n"
                )
                return strategies[strategy]
        raise KubectlError(
            f'error: Invalid dry-run value ({text}). Must be "none", "server", or "client".'
        )

    def int_flag(self, name: str, default: int) -> int:
        """``--name`` as pflag's ``IntVar`` reads it (``strconv.ParseInt(text, 0, 64)``):
        failing as pflag does, with kubectl's ``invalid argument`` prefix."""
        text = self.flags.get(name)
        if text is None:
            return default
        try:
            return parse_go_int(text)
        except ValueError as err:
            raise KubectlError(
                f'error: invalid argument {go_value(text)} for "--{name}" flag: {err}'
            ) from None

    def duration_flag(self, name: str) -> float | None:
        """``--name`` as a Go duration (``30s``, ``5m``, ``1h30m``) in seconds; 0 or
        absent means none.

        pflag reads a duration flag with ``time.ParseDuration``, so this fails with
        its error after kubectl's ``invalid argument`` prefix. A negative duration,
        which Go accepts, is refused with Go's invalid-duration text: a watch cannot
        give up before it starts.
        """
        text = self.flags.get(name)
        if text is None:
            return None
        try:
            seconds = parse_duration(text)
        except ValueError as err:
            raise KubectlError(
                f'error: invalid argument "{text}" for "--{name}" flag: {err}'
            ) from None
        if seconds < 0:
            raise KubectlError(
                f'error: invalid argument "{text}" for "--{name}" flag: '
                f'time: invalid duration "{text}"'
            )
        return seconds or None


class Kubectl:
    """One command's context: the cluster, where files and stdin are read from, and
    where warnings go (the ``Factory`` and ``IOStreams`` of a kubectl command)."""

    def __init__(
        self,
        cluster: Cluster,
        stdin: str | None,
        cwd: Path,
        stderr: Callable[[str], None] | None,
        namespace: str = "default",
        all_namespaces: bool = False,
    ) -> None:
        self.cluster = cluster
        self.stdin = stdin
        self.cwd = cwd
        self._stderr = stderr
        #: The namespace commands address (``-n``; ``default`` without it).
        self.namespace = namespace
        #: ``-A``: list every namespace's objects.
        self.all_namespaces = all_namespaces

    def kind_named(self, text: str) -> KindInfo:
        """The kind a resource name on the command line means, custom kinds the cluster
        learned included."""
        info = self.cluster.store.discovery.lookup(text)
        if info is None or info.kind == "Event":
            raise KubectlError(f'error: the server doesn\'t have a resource type "{text}"')
        return info

    def list_namespace(self) -> str | None:
        """The namespace a listing reads: None for ``-A``."""
        return None if self.all_namespaces else self.namespace

    def no_resources(self) -> str:
        """kubectl's notice for an empty listing (``printers.go``)."""
        if self.all_namespaces:
            return "No resources found\n"
        return f"No resources found in {self.namespace} namespace.\n"

    def warn(self, text: str) -> None:
        """What kubectl writes to stderr on success (warnings, "No resources found")."""
        if self._stderr is not None:
            self._stderr(text)

    def get_object(self, info: KindInfo, name: str) -> Any:
        """The live object, or the API server's NotFound as kubectl prints it."""
        try:
            return self.cluster.get(info.store_key, name, self.namespace)
        except NotFoundError as err:
            raise KubectlError(f"Error from server (NotFound): {err}") from None

    def watch_deadline(self, args: Args) -> float:
        """When a watch started now gives up: ``--timeout`` from now, else the default."""
        timeout = args.duration_flag("timeout")
        return self.cluster.now + (timeout if timeout is not None else DEFAULT_WATCH_LIMIT)

    def advance(self, deadline: float) -> float:
        """Run the cluster to its next event, or to ``deadline`` if that comes first;
        returns the instant reached."""
        reached = min(self.cluster.clock.next_event_time(), deadline)
        self.cluster.run(reached)
        return reached
