"""The kubectl command line: parse a command, run its verb against the cluster.

``run(cluster, "get deploy")`` parses the line like a shell, runs the verb
and returns what kubectl prints on stdout. Failures raise ``KubectlError``
with kubectl's message (``error: ...`` / ``Error from server ...``) and exit
code. Commands that wait (``rollout status``) advance the simulated clock.
Before a command runs, the current instant is settled, so the controllers
have reacted to the previous command, as they would within milliseconds.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from rollsim.api.errors import ValidationError
from rollsim.api.manifest import KIND_ALIASES, dump_yaml, load_documents, to_dict
from rollsim.api.meta import parse_selector
from rollsim.api.timefmt import format_time
from rollsim.controllers.controller_utils import replica_sets_by_creation
from rollsim.controllers.deployment import util
from rollsim.kubectl.argo import get_rollout, rollout_status_line
from rollsim.kubectl.describe import describe_deployment
from rollsim.kubectl.printers import AggregatedEvent, print_table
from rollsim.kubectl.rollout import RolloutError, deployment_status, view_history

if TYPE_CHECKING:
    from rollsim.cluster import Cluster

__all__ = ["KubectlError", "run"]

_RESOURCES = {
    "Deployment": "deployment.apps",
    "ReplicaSet": "replicaset.apps",
    "Pod": "pod",
    "Service": "service",
    "Rollout": "rollout.argoproj.io",
    "AnalysisTemplate": "analysistemplate.argoproj.io",
    "Canary": "canary.flagger.app",
}
_GROUPS = {
    "Deployment": "deployments.apps",
    "ReplicaSet": "replicasets.apps",
    "Pod": "pods",
    "Service": "services",
    "Rollout": "rollouts.argoproj.io",
    "AnalysisTemplate": "analysistemplates.argoproj.io",
    "Canary": "canaries.flagger.app",
}
_GROUP_KINDS = {"Deployment": "Deployment.apps", "ReplicaSet": "ReplicaSet.apps"}
_POD_ALIASES = {"pod": "Pod", "pods": "Pod", "po": "Pod"}
_EVENT_ALIASES = {"event", "events", "ev"}
#: How long ``rollout status`` watches when no ``--timeout`` is given (kubectl: forever).
DEFAULT_WATCH_LIMIT = 24 * 3600.0


class KubectlError(Exception):
    """A kubectl command failed: ``message`` is what kubectl prints on stderr,
    ``exit_code`` its status, ``output`` what it printed on stdout before failing."""

    def __init__(self, message: str, exit_code: int = 1, output: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.output = output


@dataclass
class _Args:
    positional: list[str] = field(default_factory=list)
    flags: dict[str, str] = field(default_factory=dict)


_SHORT = {
    "-f": "filename",
    "-l": "selector",
    "-o": "output",
    "-n": "namespace",
    "-w": "watch",
    "-A": "all-namespaces",
    "-p": "patch",
}
_BOOLEAN = {"watch", "overwrite", "all-namespaces", "full"}


def _parse(tokens: list[str]) -> _Args:
    args = _Args()
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
            short = _SHORT.get(flag)
            if short is None:
                raise KubectlError(f"error: unknown shorthand flag: '{flag[1]}' in {token}")
            name = short
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


def _kind(text: str) -> str:
    lowered = text.lower().split(".", 1)[0]
    kind = KIND_ALIASES.get(lowered) or _POD_ALIASES.get(lowered)
    if kind is None:
        raise KubectlError(f'error: the server doesn\'t have a resource type "{text}"')
    return kind


def _target(args: _Args, verb: str) -> tuple[str, str]:
    """``TYPE NAME`` or ``TYPE/NAME`` from the positional arguments."""
    if not args.positional:
        raise KubectlError(f"error: you must specify the type of resource to {verb}")
    first = args.positional[0]
    if "/" in first:
        kind_text, name = first.split("/", 1)
        return _kind(kind_text), name
    if len(args.positional) < 2:
        raise KubectlError(f"error: you must specify the name of the resource to {verb}")
    return _kind(first), args.positional[1]


def _not_found(kind: str, name: str) -> KubectlError:
    return KubectlError(f'Error from server (NotFound): {_GROUPS[kind]} "{name}" not found')


def _int_flag(args: _Args, name: str, default: int) -> int:
    text = args.flags.get(name)
    if text is None:
        return default
    try:
        return int(text)
    except ValueError:
        raise KubectlError(
            f'error: invalid argument "{text}" for "--{name}" flag: '
            f'strconv.ParseInt: parsing "{text}": invalid syntax'
        ) from None


def _duration_flag(args: _Args, name: str) -> float | None:
    """A Go duration (``30s``, ``5m``, ``1h30m``); 0 or absent means none."""
    text = args.flags.get(name)
    if text is None:
        return None
    total, number = 0.0, ""
    units = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isdigit() or ch == ".":
            number += ch
            i += 1
            continue
        unit = "ms" if text[i : i + 2] == "ms" else ch
        if unit not in units or not number:
            raise KubectlError(
                f'error: invalid argument "{text}" for "--{name}" flag: '
                f'time: invalid duration "{text}"'
            )
        total += float(number) * units[unit]
        number = ""
        i += len(unit)
    if number and float(number) != 0:
        raise KubectlError(
            f'error: invalid argument "{text}" for "--{name}" flag: '
            f'time: missing unit in duration "{text}"'
        )
    return total or None


class _Kubectl:
    def __init__(
        self, cluster: Cluster, stdin: str | None, cwd: Path, stderr: Callable[[str], None] | None
    ) -> None:
        self.c = cluster
        self.stdin = stdin
        self.cwd = cwd
        self._stderr = stderr

    def warn(self, text: str) -> None:
        """What kubectl writes to stderr on success (warnings, "No resources found")."""
        if self._stderr is not None:
            self._stderr(text)

    @property
    def namespace(self) -> str:
        return "default"

    def get_object(self, kind: str, name: str, namespace: str) -> Any:
        if kind == "Pod":
            pod = self.c.kubelet.pods.get((namespace, name))
            if pod is None:
                raise _not_found(kind, name)
            return self.c.kubelet.view(pod)
        obj = self.c.store.get(kind, namespace, name)
        if obj is None:
            raise _not_found(kind, name)
        return obj

    # Argo Rollouts

    def argo_rollout(self, name: str) -> Any:
        r = self.c.store.get("Rollout", self.namespace, name)
        if r is None:
            raise KubectlError(f'Error: rollouts.argoproj.io "{name}" not found')
        return r

    def rollout_watch(self, r: Any, args: _Args) -> str:
        """``kubectl argo rollouts status``: a line per change until Healthy or Degraded."""
        name = r.metadata.name
        if args.flags.get("watch", "true").lower() == "false":
            phase = r.status.phase or "Progressing"
            line = phase if phase in ("Healthy", "Degraded") else rollout_status_line(r)
            if phase == "Degraded":
                raise KubectlError(
                    f"Error: The rollout is in a degraded state with message: {r.status.message}",
                    1,
                    line + "\n",
                )
            return line + "\n"
        timeout = _duration_flag(args, "timeout")
        deadline = self.c.now + (timeout if timeout is not None else DEFAULT_WATCH_LIMIT)
        lines: list[str] = []
        while True:
            current = self.argo_rollout(name)
            line = rollout_status_line(current)
            if not lines or lines[-1] != line:
                lines.append(line)
            phase = current.status.phase
            if phase == "Healthy":
                return "".join(x + "\n" for x in lines)
            if phase == "Degraded":
                raise KubectlError(
                    f"Error: The rollout is in a degraded state with message: "
                    f"{current.status.message}",
                    1,
                    "".join(x + "\n" for x in lines),
                )
            if self.c.now >= deadline:
                raise KubectlError(
                    "Error: Rollout status watch exceeded timeout",
                    1,
                    "".join(x + "\n" for x in lines),
                )
            self.c.run(min(self.c.env.peek(), deadline))

    # apply / delete

    def apply(self, args: _Args) -> str:
        source = args.flags.get("filename")
        if source is None:
            raise KubectlError("error: must specify one of -f and -k")
        if source == "-":
            if self.stdin is None:
                raise KubectlError("error: no objects passed to apply")
            text: Any = self.stdin
        else:
            path = (self.cwd / source) if not Path(source).is_absolute() else Path(source)
            if not path.exists():
                raise KubectlError(f'error: the path "{source}" does not exist')
            text = path.read_text(encoding="utf-8")
        before = {}
        try:
            for obj, _ in load_documents(text):
                namespace = obj.metadata.namespace or "default"
                before[(obj.kind, obj.metadata.name)] = self.c.store.get(
                    obj.kind, namespace, obj.metadata.name
                )
            stored = self.c.apply(text)
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
            lines.append(f"{_RESOURCES[obj.kind]}/{obj.metadata.name} {verb}\n")
        return "".join(lines)

    def delete(self, args: _Args) -> str:
        kind, name = _target(args, "delete")
        self.get_object(kind, name, self.namespace)
        self.c.delete((kind, name), namespace=self.namespace)
        return f'{_RESOURCES[kind]} "{name}" deleted\n'

    # get / describe

    def get(self, args: _Args) -> str:
        if not args.positional:
            raise KubectlError(
                'You must specify the type of resource to get. Use "kubectl '
                'api-resources" for a complete list of supported resources.'
                '\n\nerror: Required resource not specified.\nUse "kubectl '
                'explain <resource>" for a detailed description of that '
                "resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' "
                "for help and examples"
            )
        first = args.positional[0]
        names = args.positional[1:]
        if "/" in first:
            first, name = first.split("/", 1)
            names = [name]
        output = args.flags.get("output", "")
        if output not in ("", "wide", "yaml", "json", "name"):
            raise KubectlError(
                f"error: unable to match a printer suitable for the output "
                f'format "{output}", allowed formats are: json,name,wide,yaml'
            )
        if first.lower() in _EVENT_ALIASES:
            return print_table("Event", self.aggregated_events(), self.c.now)
        kind = _kind(first)
        selector = None
        if "selector" in args.flags:
            try:
                selector = parse_selector(args.flags["selector"])
            except ValueError as err:
                raise KubectlError(f"error: {err}") from None
        if names:
            items = [self.get_object(kind, n, self.namespace) for n in names]
        else:
            items = self.c.list(kind, self.namespace, selector)
            if not items:
                self.warn(f"No resources found in {self.namespace} namespace.\n")
                return ""
        if output == "name":
            return "".join(f"{_RESOURCES[kind]}/{o.metadata.name}\n" for o in items)
        if output in ("yaml", "json"):
            single = len(items) == 1 and bool(names)
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
        return print_table(kind, items, self.c.now, wide=output == "wide")

    def aggregated_events(
        self, kind: str | None = None, name: str | None = None
    ) -> list[AggregatedEvent]:
        folded: dict[tuple[str, ...], AggregatedEvent] = {}
        for e in self.c.events:
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

    def describe(self, args: _Args) -> str:
        kind, name = _target(args, "describe")
        if kind != "Deployment":
            raise KubectlError(f"error: rollsim describes deployments only, not {kind}")
        d = self.get_object(kind, name, self.namespace)
        rss = self.c.store.owned_replica_sets(d.metadata.uid)
        new_rs = util.find_new_replica_set(d, rss)
        _, all_old = util.find_old_replica_sets(d, rss)
        return describe_deployment(
            d,
            replica_sets_by_creation(all_old),
            new_rs,
            self.aggregated_events("Deployment", name),
            self.c.now,
        )

    # rollout

    def deployment(self, args: _Args, verb: str) -> Any:
        """The Deployment a rollout verb names; other kinds fail as kubectl's helpers do."""
        kind, name = _target(args, f"rollout {verb}")
        obj = self.get_object(kind, name, self.namespace)
        if kind != "Deployment":
            group_kind = _GROUP_KINDS.get(kind, kind)
            messages = {
                "status": f"no status viewer has been implemented for {group_kind}",
                "history": f'no history viewer has been implemented for "{group_kind}"',
                "undo": f'no rollbacker has been implemented for "{group_kind}"',
            }
            raise KubectlError(
                "error: "
                + messages.get(
                    verb,
                    f'{_GROUPS[kind]} "{name}" {verb[:-1] if verb.endswith("e") else verb}'
                    f"ing is not supported",
                )
            )
        return obj

    def rollout(self, args: _Args) -> str:
        if not args.positional:
            raise KubectlError(
                "error: Required subcommand not specified. One of: history, "
                "pause, restart, resume, status, undo"
            )
        sub = args.positional.pop(0)
        handlers: dict[str, Callable[[_Args], str]] = {
            "status": self.rollout_status,
            "history": self.rollout_history,
            "undo": self.rollout_undo,
            "pause": self.rollout_pause,
            "resume": self.rollout_resume,
            "restart": self.rollout_restart,
        }
        handler = handlers.get(sub)
        if handler is None:
            words = " ".join([sub, *args.positional])
            raise KubectlError(
                f'error: unknown command "{words}"\n'
                f"See 'kubectl rollout -h' for help and examples"
            )
        return handler(args)

    def rollout_status(self, args: _Args) -> str:
        revision = _positive_revision(args)
        d = self.deployment(args, "status")
        name = d.metadata.name
        watch = args.flags.get("watch", "true").lower() != "false"
        timeout = _duration_flag(args, "timeout")
        output: list[str] = []

        def observe(obj: Any) -> bool:
            try:
                message, done = deployment_status(obj, revision)
            except RolloutError as err:
                raise KubectlError(f"error: {err}", 1, "".join(output)) from None
            output.append(message)
            return done

        if observe(d) or not watch:
            return "".join(output)
        changes: list[Any] = []

        def watcher(kind: str, old: Any, new: Any) -> None:
            if kind == "Deployment" and (new or old).metadata.name == name:
                changes.append(new)

        deadline = self.c.now + (timeout if timeout is not None else DEFAULT_WATCH_LIMIT)
        self.c.store.watchers.append(watcher)
        try:
            while True:
                next_time = min(self.c.env.peek(), deadline)
                self.c.run(next_time)
                for obj in changes:
                    if obj is None:
                        raise KubectlError("error: object has been deleted", 1, "".join(output))
                    if observe(obj):
                        return "".join(output)
                changes.clear()
                if next_time >= deadline:
                    raise KubectlError(
                        "error: timed out waiting for the condition", 1, "".join(output)
                    )
        finally:
            self.c.store.watchers.remove(watcher)

    def rollout_history(self, args: _Args) -> str:
        revision = _positive_revision(args)
        d = self.deployment(args, "history")
        rss = self.c.store.owned_replica_sets(d.metadata.uid)
        try:
            text = view_history(rss, revision)
        except RolloutError as err:
            raise KubectlError(f"error: {err}") from None
        resource = f"deployment.apps/{d.metadata.name}"
        if revision > 0:
            return f"{resource} with revision #{revision}\n{text}\n"
        return f"{resource} \n{text}\n"

    def rollout_undo(self, args: _Args) -> str:
        d = self.deployment(args, "undo")
        to_revision = _int_flag(args, "to-revision", 0)
        try:
            outcome = self.c.rollback(
                ("Deployment", d.metadata.name), to_revision, namespace=self.namespace
            )
        except ValueError as err:
            raise KubectlError(f"error: {err}") from None
        if outcome == "rolled back" and util.LAST_APPLIED_ANNOTATION in d.metadata.annotations:
            self.warn(
                f"Warning: resource deployments/{d.metadata.name} was previously managed "
                f"with 'kubectl apply'. Rolling back will not update the "
                f"kubectl.kubernetes.io/last-applied-configuration annotation, which may "
                f"cause unexpected behavior on future 'kubectl apply' operations. Consider "
                f"using 'kubectl apply' with your previous configuration file instead.\n"
            )
        return f"deployment.apps/{d.metadata.name} {outcome}\n"

    def rollout_pause(self, args: _Args) -> str:
        d = self.deployment(args, "pause")
        try:
            self.c.pause(("Deployment", d.metadata.name), namespace=self.namespace)
        except ValueError as err:
            raise KubectlError(f"error: {err}") from None
        return f"deployment.apps/{d.metadata.name} paused\n"

    def rollout_resume(self, args: _Args) -> str:
        d = self.deployment(args, "resume")
        try:
            self.c.resume(("Deployment", d.metadata.name), namespace=self.namespace)
        except ValueError as err:
            raise KubectlError(f"error: {err}") from None
        return f"deployment.apps/{d.metadata.name} resumed\n"

    def rollout_restart(self, args: _Args) -> str:
        d = self.deployment(args, "restart")
        name = d.metadata.name
        stamp = d.spec.template.metadata.annotations.get("kubectl.kubernetes.io/restartedAt")
        if d.spec.paused:
            raise KubectlError(
                f'error: deployments.apps "{name}" can\'t restart paused '
                f"deployment (run rollout resume first)"
            )
        if stamp == format_time(self.c.now):
            raise KubectlError(
                f"error: failed to create patch for {name}: if restart has "
                f"already been triggered within the past second, please wait "
                f"before attempting to trigger another"
            )
        self.c.restart(("Deployment", name), namespace=self.namespace)
        return f"deployment.apps/{name} restarted\n"

    # set image / scale / annotate

    def patch(self, args: _Args) -> str:
        kind, name = _target(args, "patch")
        text = args.flags.get("patch")
        if text is None:
            raise KubectlError("error: must specify -p to patch")
        patch_type = args.flags.get("type", "strategic")
        if patch_type not in ("strategic", "merge"):
            raise KubectlError(
                f"error: rollsim supports --type merge and strategic, not {patch_type}"
            )
        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError as err:
            raise KubectlError(f'error: unable to parse "{text}": {err}') from None
        if not isinstance(document, dict):
            raise KubectlError(f'error: unable to parse "{text}": patch is not a JSON object')
        before = self.get_object(kind, name, self.namespace)
        try:
            after = self.c.patch((kind, name), document, namespace=self.namespace)
        except ValidationError as err:
            raise KubectlError(_error_text(str(err))) from None
        unchanged = after.metadata.resource_version == before.metadata.resource_version
        return f"{_RESOURCES[kind]}/{name} patched{' (no change)' if unchanged else ''}\n"

    def set(self, args: _Args) -> str:
        if not args.positional or args.positional[0] not in ("image", "selector"):
            raise KubectlError(
                'error: rollsim supports "kubectl set image" and "kubectl set selector"'
            )
        if args.positional.pop(0) == "selector":
            return self.set_selector(args)
        if not args.positional:
            raise KubectlError(
                "error: you must specify a resource and at least one container image"
            )
        first = args.positional.pop(0)
        if "/" in first:
            kind_text, name = first.split("/", 1)
        else:
            if not args.positional:
                raise KubectlError("error: you must specify the name of the resource")
            kind_text, name = first, args.positional.pop(0)
        kind = _kind(kind_text)
        images: dict[str, str] = {}
        for pair in args.positional:
            container, eq, image = pair.partition("=")
            if not eq or not image:
                raise KubectlError(f"error: invalid image argument: {pair}")
            images[container] = image
        if not images:
            raise KubectlError("error: at least one image update is required")
        before = self.get_object(kind, name, self.namespace)
        try:
            after = self.c.set_image((kind, name), images, namespace=self.namespace)
        except LookupError as err:
            raise KubectlError(f"error: {err}") from None
        if after.metadata.resource_version == before.metadata.resource_version:
            return ""
        return f"{_RESOURCES[kind]}/{name} image updated\n"

    def set_selector(self, args: _Args) -> str:
        kind, name = _target(args, "set selector")
        rest = args.positional[1:] if "/" in args.positional[0] else args.positional[2:]
        if kind != "Service" or len(rest) != 1:
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
        current = self.get_object(kind, name, self.namespace)
        for key in current.spec.selector:
            selector.setdefault(key, None)
        self.c.patch((kind, name), {"spec": {"selector": selector}}, namespace=self.namespace)
        return f"service/{name} selector updated\n"

    def scale(self, args: _Args) -> str:
        kind, name = _target(args, "scale")
        if "replicas" not in args.flags:
            raise KubectlError('error: required flag(s) "replicas" not set')
        replicas = _int_flag(args, "replicas", 0)
        if replicas < 0:
            raise KubectlError(
                "error: The --replicas=COUNT flag is required, and COUNT must be "
                "greater than or equal to 0"
            )
        self.get_object(kind, name, self.namespace)
        try:
            self.c.scale((kind, name), replicas, namespace=self.namespace)
        except ValidationError as err:
            raise KubectlError(_error_text(str(err))) from None
        return f"{_RESOURCES[kind]}/{name} scaled\n"

    def annotate(self, args: _Args) -> str:
        kind, name = _target(args, "annotate")
        changes = args.positional[1:] if "/" in args.positional[0] else args.positional[2:]
        if not changes:
            raise KubectlError("error: at least one annotation update is required")
        obj = self.get_object(kind, name, self.namespace)
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
        self.c.store.update(replace(obj, metadata=replace(obj.metadata, annotations=annotations)))
        return f"{_RESOURCES[kind]}/{name} annotated\n"


def _positive_revision(args: _Args) -> int:
    """``--revision``, validated before anything is fetched (the commands' ``Validate``)."""
    revision = _int_flag(args, "revision", 0)
    if revision < 0:
        raise KubectlError(f"error: revision must be a positive integer: {revision}")
    return revision


def _error_text(message: str) -> str:
    if message.startswith(("error", "Error")):
        return message if message.startswith("Error") else f"error: {message}"
    return f"The request is invalid: {message}" if not message.startswith("The ") else message


def _argo(kubectl: _Kubectl, args: _Args) -> str:
    """``kubectl argo rollouts SUBCOMMAND``."""
    words = args.positional
    if words[:1] != ["rollouts"] or len(words) < 2:
        raise KubectlError(
            'error: unknown command "argo" for "kubectl" (rollsim knows "kubectl argo rollouts")'
        )
    sub, rest = words[1], words[2:]
    c = kubectl.c
    if sub == "get":
        if len(rest) != 2 or rest[0] not in ("rollout", "rollouts", "ro"):
            raise KubectlError("Error: usage: kubectl argo rollouts get rollout ROLLOUT_NAME")
        return get_rollout(c, kubectl.argo_rollout(rest[1]))
    if sub == "retry":
        if len(rest) != 2 or rest[0] not in ("rollout", "rollouts", "ro"):
            raise KubectlError("Error: usage: kubectl argo rollouts retry rollout ROLLOUT_NAME")
        c.retry(("Rollout", kubectl.argo_rollout(rest[1]).metadata.name))
        return f"rollout '{rest[1]}' retried\n"
    if sub == "set":
        if len(rest) != 3 or rest[0] != "image":
            raise KubectlError(
                "Error: usage: kubectl argo rollouts set image ROLLOUT_NAME CONTAINER=IMAGE"
            )
        kubectl.argo_rollout(rest[1])
        container, _, image = rest[2].partition("=")
        try:
            c.set_image(("Rollout", rest[1]), {container: image})
        except LookupError as err:
            raise KubectlError(f"Error: {err}") from None
        return f'rollout "{rest[1]}" image updated\n'
    if not rest:
        raise KubectlError(f"Error: usage: kubectl argo rollouts {sub} ROLLOUT_NAME")
    name = rest[0]
    r = kubectl.argo_rollout(name)
    if sub == "promote":
        full = args.flags.get("full", "false") == "true"
        c.promote(("Rollout", name), full=full)
        return f"rollout '{name}' {'fully promoted' if full else 'promoted'}\n"
    if sub == "abort":
        c.abort(("Rollout", name))
        return f"rollout '{name}' aborted\n"
    if sub == "pause":
        c.patch(("Rollout", name), {"spec": {"paused": True}})
        return f"rollout '{name}' paused\n"
    if sub == "undo":
        try:
            c.undo_rollout(name, _int_flag(args, "to-revision", 0))
        except ValueError as err:
            raise KubectlError(f"Error: {err}") from None
        return f"rollout '{name}' undo\n"
    if sub == "status":
        return kubectl.rollout_watch(r, args)
    raise KubectlError(f'Error: unknown command "{sub}" for "kubectl-argo-rollouts"')


_VERBS: dict[str, Callable[[_Kubectl, _Args], str]] = {
    "argo": _argo,
    "apply": _Kubectl.apply,
    "get": _Kubectl.get,
    "describe": _Kubectl.describe,
    "rollout": _Kubectl.rollout,
    "set": _Kubectl.set,
    "scale": _Kubectl.scale,
    "annotate": _Kubectl.annotate,
    "delete": _Kubectl.delete,
    "patch": _Kubectl.patch,
}


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
    if not tokens:
        raise KubectlError("error: a command is required")
    verb, rest = tokens[0], tokens[1:]
    handler = _VERBS.get(verb)
    if handler is None:
        raise KubectlError(f'error: unknown command "{verb}" for "kubectl"')
    args = _parse(rest)
    namespace = args.flags.get("namespace", "default")
    if namespace != "default":
        raise KubectlError(f'error: rollsim has a single namespace, "default" (not "{namespace}")')
    cluster.run(cluster.now)
    kubectl = _Kubectl(cluster, stdin, Path(cwd) if cwd is not None else Path.cwd(), stderr)
    return handler(kubectl, args)
