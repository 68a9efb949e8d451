"""``ValidatePodUpdate`` (pkg/apis/core/validation/validation.go): what a write of a
stored Pod may change.

A running pod's spec is immutable but for its containers' images, its
activeDeadlineSeconds (only lowered), tolerations (only added) and a negative
terminationGracePeriodSeconds set to 1; labels and annotations change freely.
Anything else is refused with the API server's Forbidden message and the spec
diff it appends. Kept beside ``validation.py``, which holds ``validate_pod``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rollsim.api.core import Container, Pod, PodSpec
from rollsim.api.errors import FieldError
from rollsim.api.validation import validate_pod
from rollsim.api.wire import encode

__all__ = ["validate_pod_update"]


#: ``updatablePodSpecFields``, which ValidatePodUpdate joins with "," in its message.
_UPDATABLE_POD_SPEC_FIELDS = (
    "`spec.containers[*].image`",
    "`spec.initContainers[*].image`",
    "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
)


def validate_pod_update(new: Pod, old: Pod) -> list[FieldError]:
    """``ValidatePodUpdate``: the new pod valid as a pod, the same containers (each with
    an image), and a spec changed only where a running pod may change; anything else is
    the Forbidden error naming the updatable fields, followed by a diff of the spec."""
    errors = validate_pod(new)
    for path, now, was in (
        ("spec.containers", new.spec.containers, old.spec.containers),
        ("spec.initContainers", _init_containers(new.spec), _init_containers(old.spec)),
    ):
        if len(now) != len(was):
            detail = "pod updates may not add or remove containers"
            return [*errors, FieldError("Forbidden", path, detail)]
        for i, image in enumerate(_image(c) for c in now):
            if not image:
                errors.append(FieldError("Required value", f"{path}[{i}].image"))
    deadline, old_deadline = (p.spec.extra.get("activeDeadlineSeconds") for p in (new, old))
    if deadline is None and old_deadline is not None:
        detail = "must not update from a positive integer to nil value"
        errors.append(FieldError("Invalid value", "spec.activeDeadlineSeconds", detail, None))
    elif deadline is not None and old_deadline is not None and old_deadline < deadline:
        detail = "must be less than or equal to previous value"
        errors.append(FieldError("Invalid value", "spec.activeDeadlineSeconds", detail, deadline))
    munged = _munged_pod_spec(new.spec, old.spec)
    if munged != old.spec:
        fields = ",".join(_UPDATABLE_POD_SPEC_FIELDS)
        diff = _spec_diff(encode(old.spec), encode(munged))
        detail = f"pod updates may not change fields other than {fields}\n{diff}"
        errors.append(FieldError("Forbidden", "spec", detail))
    return errors


def _init_containers(spec: PodSpec) -> list[Any]:
    return list(spec.extra.get("initContainers") or ())


def _image(container: Any) -> str:
    return str(container.image if isinstance(container, Container) else container.get("image", ""))


def _munged_pod_spec(new: PodSpec, old: PodSpec) -> PodSpec:
    """The new spec with what a pod update may change taken back from the old one, as
    ValidatePodUpdate munges it before its deep comparison. Tolerations are munged
    whole (their added-only rule is ``validateOnlyAddedTolerations``' own check)."""
    containers = tuple(
        replace(c, image=was.image) for c, was in zip(new.containers, old.containers, strict=True)
    )
    extra = dict(new.extra)
    for key in ("activeDeadlineSeconds", "tolerations"):
        extra.pop(key, None)
        if key in old.extra:
            extra[key] = old.extra[key]
    if "initContainers" in extra:
        pairs = zip(extra["initContainers"], _init_containers(old), strict=True)
        extra["initContainers"] = [_with_image(c, _image(was)) for c, was in pairs]
    grace = new.termination_grace_period_seconds
    was_negative = old.termination_grace_period_seconds is not None and (
        old.termination_grace_period_seconds < 0
    )
    if was_negative and grace == 1:
        grace = old.termination_grace_period_seconds
    return replace(new, containers=containers, extra=extra, termination_grace_period_seconds=grace)


def _with_image(container: Any, image: str) -> Any:
    if isinstance(container, Container):
        return replace(container, image=image)
    return {**container, "image": image}


def _spec_diff(old: Any, new: Any) -> str:
    """The spec diff after the message, in go-cmp's ``cmp.Diff`` layout: unchanged
    lines indented two spaces, removed ``-``, added ``+``, runs of equal fields elided
    as ``... // N identical fields`` with two of context beside a change.

    go-cmp dumps the API server's internal Go struct (and spaces its output at random
    so nobody depends on its bytes); rollsim diffs the wire form it stores, with Go's
    field names, so the same change shows the same lines."""
    return "\n".join(["  core.PodSpec{", *_diff_lines(old, new, 1), "  }"])


#: v1.PodSpec's and v1.Container's fields in Go's declaration order, which go-cmp follows.
_GO_ORDER = {
    name: i
    for i, name in enumerate(
        [
            "volumes",
            "initContainers",
            "containers",
            "ephemeralContainers",
            "restartPolicy",
            "terminationGracePeriodSeconds",
            "activeDeadlineSeconds",
            "dnsPolicy",
            "nodeSelector",
            "serviceAccountName",
            "serviceAccount",
            "automountServiceAccountToken",
            "nodeName",
            "hostNetwork",
            "hostPID",
            "hostIPC",
            "shareProcessNamespace",
            "securityContext",
            "imagePullSecrets",
            "hostname",
            "subdomain",
            "affinity",
            "schedulerName",
            "tolerations",
            "hostAliases",
            "priorityClassName",
            "priority",
            "dnsConfig",
            "readinessGates",
            "runtimeClassName",
            "enableServiceLinks",
            "preemptionPolicy",
            "overhead",
            "topologySpreadConstraints",
            "setHostnameAsFQDN",
            "os",
            "hostUsers",
            "schedulingGates",
            "resourceClaims",
            "resources",
            "name",
            "image",
            "command",
            "args",
            "workingDir",
            "ports",
            "envFrom",
            "env",
            "resizePolicy",
            "volumeMounts",
            "volumeDevices",
            "livenessProbe",
            "readinessProbe",
            "startupProbe",
            "lifecycle",
            "terminationMessagePath",
            "terminationMessagePolicy",
            "imagePullPolicy",
            "stdin",
            "stdinOnce",
            "tty",
        ]
    )
}
#: Wire names whose Go field name is not the wire name capitalised.
_GO_NAMES = {"dnsPolicy": "DNSPolicy", "dnsConfig": "DNSConfig", "os": "OS", "tty": "TTY"}


def _go_name(key: str) -> str:
    return _GO_NAMES.get(key) or f"{key[:1].upper()}{key[1:]}"


def _diff_lines(old: Any, new: Any, depth: int) -> list[str]:
    if isinstance(old, list):
        keys: list[Any] = list(range(max(len(old), len(new))))
        noun = "elements"
    else:
        union = [*old, *(k for k in new if k not in old)]
        keys = sorted(union, key=lambda k: _GO_ORDER.get(k, len(_GO_ORDER)))
        noun = "fields"
    lines: list[str] = []
    equal: list[str] = []
    tabs = "\t" * depth
    for key in keys:
        was, now = _member(old, key), _member(new, key)
        label = "" if isinstance(old, list) else f"{_go_name(key)}: "
        if was == now:
            equal.append(f"  {tabs}{label}{_go(was)},")
            continue
        lines += _elide(equal, bool(lines), True, tabs, noun)
        equal = []
        nested = type(was) is type(now) and isinstance(was, dict | list)
        if nested and (isinstance(was, dict) or len(was) == len(now)):
            lines += [f"  {tabs}{label}{{", *_diff_lines(was, now, depth + 1), f"  {tabs}}},"]
        else:
            lines += [f"- {tabs}{label}{_go(was)},", f"+ {tabs}{label}{_go(now)},"]
    return lines + _elide(equal, bool(lines), False, tabs, noun)


def _member(container: Any, key: Any) -> Any:
    if isinstance(container, list):
        return container[key] if key < len(container) else None
    return container.get(key)


def _elide(equal: list[str], after: bool, before: bool, tabs: str, noun: str) -> list[str]:
    """go-cmp's context: of a run of equal lines, two after a change and two before
    the next are kept, the rest counted (a lone elided line is kept instead)."""
    head = equal[:2] if after else []
    tail = equal[len(head) :][-2:] if before else []
    hidden = len(equal) - len(head) - len(tail)
    if hidden <= 1:
        return equal
    return [*head, f"  {tabs}... // {hidden} identical {noun}", *tail]


def _go(value: Any) -> str:
    """A value as go-cmp prints it: strings quoted, nil, booleans, composites in braces."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, dict):
        members = (f"{_go_name(k)}: {_go(v)}" for k, v in value.items())
        return "{" + ", ".join(members) + "}"
    if isinstance(value, list):
        return "{" + ", ".join(_go(v) for v in value) + "}"
    return str(value)
