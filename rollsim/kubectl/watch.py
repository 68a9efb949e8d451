"""``kubectl get -w`` and ``kubectl wait``: commands that run the simulated clock.

``get --watch`` mirrors get.go's ``watch``: one resource type; the table as
listed (not with ``--watch-only``), then a row for each change of a listed
object as the clock advances, until ``--request-timeout`` (or ``--timeout``)
passes; without one, until nothing listed has changed for ``WATCH_IDLE_LIMIT``
(kubectl would wait for Ctrl-C). Rows after the table keep its column widths,
growing them when a cell needs more, as the tabwriter's ``RememberWidths``
flag does; a deleted object prints its last state.

``wait`` mirrors pkg/cmd/wait (``conditionFuncFor``, ``ConditionalWait``,
``IsDeleted``, ``JSONPathWait``): ``--for=condition=NAME[=VALUE]`` (value
``true`` by default, both compared case-insensitively with the object's
``status.conditions``), ``--for=delete``, ``--for=jsonpath='{PATH}'[=VALUE]``
and ``--for=create``; it prints ``<kind.group>/<name> condition met`` per
object, or fails with ``timed out waiting for the condition on <resource>/<name>``
when ``--timeout`` (default 30s) passes first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from rollsim.api.kinds import KindInfo
from rollsim.api.manifest import to_dict
from rollsim.api.meta import LabelSelector
from rollsim.kubectl.cmdutil import DEFAULT_WATCH_LIMIT, Args, Kubectl, KubectlError
from rollsim.kubectl.jsonpath import JSONPathError, format_value, parse, relaxed

if TYPE_CHECKING:
    from rollsim.kubectl.get import Request

__all__ = ["wait", "watch_get"]

#: How long a watch with no timeout goes on once nothing it lists changes. kubectl's
#: runs until interrupted; a simulated one stops here, so an idle canary's ticks (the
#: clock always has a next event) cannot keep it running for the whole watch limit.
WATCH_IDLE_LIMIT = 600.0

#: ``kubectl wait``'s default ``--timeout``.
WAIT_TIMEOUT = 30.0

Key = tuple[str, str]


def _deadline(k: Kubectl, args: Args, names: Sequence[str], default: float) -> float:
    for name in names:
        seconds = args.duration_flag(name)
        if seconds is not None:
            return k.cluster.now + seconds
    return k.cluster.now + default


class _RowWriter:
    """Rows aligned to the widths seen so far (tabwriter's ``RememberWidths``)."""

    def __init__(self) -> None:
        self.widths: list[int] = []

    def write(self, lines: Sequence[Sequence[str]]) -> str:
        for line in lines:
            for i, cell in enumerate(line[:-1]):
                need = max(len(cell) + 3, 6)
                if i == len(self.widths):
                    self.widths.append(need)
                else:
                    self.widths[i] = max(self.widths[i], need)
        return "".join(
            "".join(cell.ljust(w) for cell, w in zip(line[:-1], self.widths, strict=False))
            + line[-1]
            + "\n"
            for line in lines
        )


def watch_get(
    k: Kubectl, args: Args, wanted: Sequence[Request], selector: LabelSelector | None, output: str
) -> str:
    """``get TYPE [NAME] --watch``: the table, then a row per change until the deadline."""
    from rollsim.kubectl.get import listing
    from rollsim.kubectl.output import crd_columns, table_options
    from rollsim.kubectl.tables import kind_rows, table_lines

    if len(wanted) != 1:
        raise KubectlError("error: you may only specify a single resource type")
    if output not in ("", "wide"):
        raise KubectlError(f"error: rollsim does not simulate `get --watch -o {output}`")
    info, names = wanted[0].info, wanted[0].names
    options = table_options(k, args, info, with_kind=False)
    columns = crd_columns(k, info)

    def snapshot() -> dict[Key, Any]:
        items = listing(k, info, selector)
        return {
            (o.metadata.namespace, o.metadata.name): o
            for o in items
            if names is None or o.metadata.name in names
        }

    def lines(items: Sequence[Any], header: bool) -> list[list[str]]:
        rows = kind_rows(info.store_key, items, k.cluster.now, options.wide, columns)
        found = table_lines(rows, items, options)
        return found if header and not options.no_headers else found[1 - options.no_headers :]

    seen = snapshot()
    if names is not None and not seen:
        raise KubectlError(f'Error from server (NotFound): {info.resource} "{names[0]}" not found')
    writer = _RowWriter()
    watch_only = args.flags.get("watch-only") == "true"
    out = [] if watch_only else [writer.write(lines(list(seen.values()), header=True))]
    timed = any(args.duration_flag(name) is not None for name in ("request-timeout", "timeout"))
    deadline = _deadline(k, args, ("request-timeout", "timeout"), DEFAULT_WATCH_LIMIT)
    last_change = k.cluster.now
    while k.cluster.now < deadline:
        if not timed and k.cluster.now - last_change >= WATCH_IDLE_LIMIT:
            break
        k.advance(min(deadline, last_change + WATCH_IDLE_LIMIT) if not timed else deadline)
        current = snapshot()
        changed = [obj for key, obj in current.items() if seen.get(key) != obj]
        changed += [obj for key, obj in seen.items() if key not in current]
        if changed:
            out.append(writer.write(lines(changed, header=watch_only and not out)))
            last_change = k.cluster.now
        seen = current
    return "".join(out)


def _condition_met(document: Any, name: str, value: str) -> bool:
    """``ConditionalWait.checkCondition``: a condition of that type with that status."""
    status = document.get("status") if isinstance(document, dict) else None
    conditions = status.get("conditions") if isinstance(status, dict) else None
    for condition in conditions if isinstance(conditions, list) else ():
        if not isinstance(condition, dict):
            continue
        if str(condition.get("type", "")).lower() == name.lower():
            return str(condition.get("status", "")).lower() == value.lower()
    return False


def _jsonpath_check(spec: str) -> Callable[[Any], bool]:
    """``--for=jsonpath='{.status.phase}'=Running``: the value found equals the one given;
    without ``=VALUE``, the path finds something."""
    path, sep, value = spec.partition("}=")
    expression = path + "}" if sep else path
    try:
        template = parse(relaxed(expression))
    except JSONPathError as err:
        raise KubectlError(f"error: {err}") from None
    if not expression.strip("{}. "):
        raise KubectlError("error: jsonpath expression cannot be empty")

    def check(document: Any) -> bool:
        found = [v for values in template.find(document) for v in values]
        if not sep:
            return bool(found)
        return len(found) == 1 and format_value(found[0]) == value

    return check


def _condition(text: str) -> tuple[str, Callable[[Any], bool] | None]:
    """``conditionFuncFor``: what ``--for`` waits for: delete, create, or a check."""
    lowered = text.lower()
    if lowered == "delete":
        return "delete", None
    if lowered == "create":
        return "create", None
    if lowered.startswith("condition="):
        name, _, value = text[len("condition=") :].partition("=")
        expected = value or "true"
        return "check", lambda document: _condition_met(document, name, expected)
    if lowered.startswith("jsonpath="):
        return "check", _jsonpath_check(text[len("jsonpath=") :])
    raise KubectlError(f'error: unrecognized condition: "{text}"')


def _targets(k: Kubectl, args: Args) -> list[tuple[KindInfo, str]]:
    """The objects named (``TYPE/NAME``, ``TYPE NAME...``) or selected (``-l``)."""
    from rollsim.kubectl.get import _selector, listing, requests

    if not args.positional:
        raise KubectlError("error: resource(s) were provided, but no name was specified")
    targets = []
    selector = _selector(args)
    for request in requests(k, args.positional):
        if request.names is not None:
            targets += [(request.info, name) for name in request.names]
        elif selector is not None or args.flags.get("all") == "true":
            items = listing(k, request.info, selector)
            targets += [(request.info, o.metadata.name) for o in items]
        else:
            raise KubectlError("error: resource(s) were provided, but no name was specified")
    return targets


def _lookup(k: Kubectl, info: KindInfo, name: str) -> Any | None:
    from rollsim.kubectl.get import listing

    if info.kind == "Endpoints":
        found = [o for o in listing(k, info, None) if o.metadata.name == name]
        return found[0] if found else None
    try:
        return k.get_object(info, name)
    except KubectlError:
        return None


def wait(k: Kubectl, args: Args) -> str:
    """``kubectl wait --for=... TYPE/NAME``: run the clock until each object meets the
    condition, in turn, or the timeout passes."""
    goal, check = _condition(args.flags.get("for", ""))
    if "for" not in args.flags:
        raise KubectlError("error: --for must be specified")
    deadline = _deadline(k, args, ("timeout",), WAIT_TIMEOUT)
    targets = _targets(k, args)
    if not targets:
        raise KubectlError("error: no matching resources found")
    out: list[str] = []
    for info, name in targets:
        obj = _lookup(k, info, name)
        if obj is None and goal not in ("delete", "create"):
            raise KubectlError(
                f'Error from server (NotFound): {info.resource} "{name}" not found', 1, "".join(out)
            )
        while not _met(goal, check, obj):
            if k.cluster.now >= deadline:
                raise KubectlError(
                    f"error: timed out waiting for the condition on {info.plural}/{name}",
                    1,
                    "".join(out),
                )
            k.advance(deadline)
            obj = _lookup(k, info, name)
        out.append(f"{info.singular}/{name} condition met\n")
    return "".join(out)


def _met(goal: str, check: Callable[[Any], bool] | None, obj: Any | None) -> bool:
    if goal == "delete":
        return obj is None
    if goal == "create":
        return obj is not None
    assert check is not None
    return obj is not None and check(to_dict(obj))
