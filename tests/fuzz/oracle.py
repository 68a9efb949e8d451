"""The oracle: apply or run one input on a cluster and classify what happened.

Classes (``isolation.CLASSES``): accepted; rejected with a rollsim error;
any other exception (a defect); a hang; a partial write (the apply or command
raised but the store, the clock, the event log or the hidden allocators moved);
an absurd size accepted (more replicas than the cluster's simulation budget,
``Cluster.max_pods``, asked for by one workload or by all of them together, or
annotations past the API server's 256 KiB total).

Hidden state is checked with a probe: after a rejection the child applies one
more Service and compares its ClusterIP and UID with what the same cluster
gives when nothing was attempted, so a rejected apply that consumed an address
or a random draw is caught although the store looks unchanged.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterable
from typing import Any

import rollsim
from rollsim.api.kinds import KINDS, lookup
from rollsim.api.meta import controller_of

from .isolation import (
    ABSURD_SIZE,
    ACCEPTED,
    EXCEPTION,
    PARTIAL_WRITE,
    REJECTED,
    Outcome,
    raised,
)

#: The API server's limit on the total size of an object's annotations
#: (apimachinery ValidateAnnotationsSize, TotalAnnotationSizeLimitB).
MAX_ANNOTATIONS = 256 * 1024
#: Simulated seconds an accepted input runs for.
RUN_FOR = 60.0

PROBE = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "fuzz-probe"},
    "spec": {"selector": {"app": "fuzz-probe"}, "ports": [{"port": 80}]},
}
_LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def objects(cluster: rollsim.Cluster) -> dict[tuple[str, str, str], str]:
    """Every stored object of every kind, by (kind, namespace, name), as text."""
    return {
        (kind, obj.metadata.namespace, obj.metadata.name): repr(rollsim.to_dict(obj))
        for kind in KINDS
        for obj in cluster.list(kind, namespace=None)
    }


def snapshot(cluster: rollsim.Cluster) -> str:
    """Every stored object of every kind, every event and the clock, as text."""
    parts = [repr(cluster.now), *(repr(item) for item in sorted(objects(cluster).items()))]
    parts.extend(repr(event) for event in cluster.events)
    return "\n".join(parts)


def written_beyond(
    cluster: rollsim.Cluster, before: dict[tuple[str, str, str], str], applied: set[tuple[str, str]]
) -> str:
    """Why a command that refused some objects wrote more than the ones it reports
    written (``(kind, name)``; kubectl writes each object on its own), or ''. What
    those own (ownerReferences) may change or go with them: the garbage collector's."""
    after = objects(cluster)
    changed = [key for key in sorted(set(before) | set(after)) if before.get(key) != after.get(key)]
    allowed = set(applied)
    grew = True
    while grew:  # ownership is transitive: a Deployment's ReplicaSets, then their pods
        grew = False
        for key in changed:
            texts = before.get(key, "") + after.get(key, "")
            if (key[0], key[2]) not in allowed and _owned_by(texts, allowed):
                allowed.add((key[0], key[2]))
                grew = True
    for key in changed:
        if (key[0], key[2]) not in allowed:
            return f"{key[0]}/{key[2]} in {key[1] or 'the cluster'} changed but was not applied"
    return ""


def _owned_by(text: str, applied: set[tuple[str, str]]) -> bool:
    """Whether an object's wire text (``objects``) names one of ``applied`` as owner."""
    return any(f"'kind': '{kind}', 'name': '{name}'" in text for kind, name in applied)


def probe(cluster: rollsim.Cluster) -> tuple[str, str]:
    """The ClusterIP and UID the next Service gets: moved if something was allocated."""
    (svc,) = cluster.apply(PROBE)
    return str(svc.spec.cluster_ip), str(svc.metadata.uid)


#: The kinds whose own ``spec.replicas`` are pods they run: a ReplicaSet a Deployment
#: or Rollout controls is counted in its owner's replicas instead.
_WORKLOADS = ("Deployment", "Rollout", "ReplicaSet")


def absurd(cluster: rollsim.Cluster) -> str:
    """Why a stored object is absurdly large, or '' when none is.

    The size limit is the cluster's own budget (``cluster.max_pods``), never a
    number of the oracle's, so the budget and the oracle cannot disagree: an
    accepted workload asking for more pods than it, or workloads that together
    ask for more (each runs at least its replicas), is an absurd size the budget
    let through.
    """
    total = 0
    for kind in KINDS:
        if kind in ("Pod", "Event"):
            continue
        for obj in cluster.list(kind, namespace=None):
            replicas = getattr(getattr(obj, "spec", None), "replicas", None)
            if isinstance(replicas, int) and replicas > cluster.max_pods:
                return f"{kind}/{obj.metadata.name} has spec.replicas {replicas}"
            if isinstance(replicas, int) and kind in _WORKLOADS and not controller_of(obj):
                total += replicas
            too_big = _annotations_too_big(obj)
            if too_big:
                return f"{kind}/{obj.metadata.name} has {too_big} bytes of annotations"
    if total > cluster.max_pods:
        return f"the workloads ask for {total} replicas, over the budget of {cluster.max_pods}"
    return ""


def _annotations_too_big(obj: Any) -> int:
    """The size of ``obj``'s annotations if past the API server's total, else 0."""
    annotations = obj.metadata.annotations or {}
    size = sum(len(str(k)) + len(str(v)) for k, v in annotations.items() if k != _LAST_APPLIED)
    return size if size > MAX_ANNOTATIONS else 0


def _refs(objects: Iterable[Any]) -> list[str]:
    """``resource/name`` of each applied object that kubectl can address."""
    refs = []
    for obj in objects:
        info = lookup(type(obj).__name__)
        name = getattr(getattr(obj, "metadata", None), "name", None)
        if info is not None and isinstance(name, str):
            refs.append(f"{info.plural}/{name}")
    return refs


def exercise(cluster: rollsim.Cluster, refs: list[str], run_for: float = RUN_FOR) -> Outcome:
    """Run the clock a bounded while, then read each object back through kubectl.

    KubectlError is kubectl refusing a read (``describe`` of a kind it has no
    describer for): fine. Anything else raised here is a defect, even a rollsim
    error from ``run``: the input was accepted, so the simulation owes it a run.
    """
    try:
        cluster.run(until=cluster.now + run_for)
    except BaseException as err:
        return raised(EXCEPTION, "run", err)
    for ref in refs:
        resource, name = ref.split("/", 1)
        reads = {
            "get": f"get {shlex.quote(ref)}",
            "describe": f"describe {resource} {shlex.quote(name)}",
            "get -o yaml": f"get {shlex.quote(ref)} -o yaml",
        }
        for phase, line in reads.items():
            try:
                cluster.kubectl(line)
            except rollsim.KubectlError:
                pass
            except BaseException as err:
                return raised(EXCEPTION, phase, err)
    return Outcome(ACCEPTED, "run")


def unchanged(cluster: rollsim.Cluster, before: str, baseline: tuple[str, str]) -> str:
    """Why a rejected input left a trace, or '' when it left none."""
    if snapshot(cluster) != before:
        return "the store, clock or event log changed"
    found = probe(cluster)
    if found != baseline:
        return f"hidden state moved: probe got {found}, expected {baseline}"
    return ""


def attempt(
    cluster: rollsim.Cluster,
    action: Callable[[], Any],
    baseline: tuple[str, str],
    phase: str,
    check_unchanged: bool = True,
) -> tuple[Outcome | None, Any]:
    """Do ``action``; the outcome if it ended the case (rejected, defect), else its result."""
    before = snapshot(cluster)
    stored_before = objects(cluster)
    try:
        result = action()
    except rollsim.RollsimError as err:
        outcome = raised(REJECTED, phase, err)
        applied = _applied_before_refusal(err)
        if applied is not None:
            # Documents beside the refused ones were applied: only they may have written.
            why = written_beyond(cluster, stored_before, applied) if check_unchanged else ""
        else:
            why = unchanged(cluster, before, baseline) if check_unchanged else ""
        if why:
            outcome.kind = PARTIAL_WRITE
            outcome.notes.append(why)
        return outcome, None
    except BaseException as err:
        return raised(EXCEPTION, phase, err), None
    too_big = absurd(cluster)
    if too_big:
        return Outcome(ABSURD_SIZE, phase, message=too_big), None
    return None, result


#: A line kubectl prints for an object it wrote before it reported an error.
_WRITTEN = re.compile(r'^(?:([^\s/]+)/(\S+) \w+|([^\s"]+) "([^"]+)" deleted)')


def _applied_before_refusal(err: rollsim.RollsimError) -> set[tuple[str, str]] | None:
    """The (kind, name) of each object a command wrote before reporting what it refused
    (kubectl applies, creates and deletes each object on its own): from
    ``ApplyError.applied``, or the lines kubectl printed; None when it wrote nothing."""
    if isinstance(err, rollsim.ApplyError) and err.applied:
        return {(o.kind, o.metadata.name) for o in err.applied}
    output = getattr(err, "output", "")
    if isinstance(err, rollsim.KubectlError) and output:
        applied = set()
        for line in output.splitlines():
            # ``deployment.apps/web created`` (apply, create) or
            # ``service "web" deleted from default namespace`` (delete).
            found = _WRITTEN.match(line)
            if found is None:
                continue
            resource, name = found.group(1) or found.group(3), found.group(2) or found.group(4)
            info = lookup(resource)
            if info is not None:
                applied.add((info.store_key, name))
        return applied
    return None


def apply_case(
    cluster: rollsim.Cluster, payload: Any, baseline: tuple[str, str]
) -> Callable[[], Outcome]:
    """The child's work for one manifest: apply it, then run and read it back."""

    def case() -> Outcome:
        outcome, objects = attempt(cluster, lambda: cluster.apply(payload), baseline, "apply")
        if outcome is not None:
            return outcome
        if not isinstance(objects, list):
            return Outcome(EXCEPTION, "apply", "WrongResult", f"apply returned {objects!r}")
        if any(obj is None for obj in objects):
            return Outcome(EXCEPTION, "apply", "DroppedDocument", "apply returned None")
        return exercise(cluster, _refs(objects))

    return case


#: Commands that advance the clock by design: a failure (a timeout) may leave time passed.
_WAITING = ("rollout status", "argo rollouts status", " -w", "--watch")


def run_line_case(
    cluster: rollsim.Cluster, line: str, stdin: str | None, baseline: tuple[str, str]
) -> Callable[[], Outcome]:
    """The child's work for one kubectl line: run it, then run the clock and read back."""

    def case() -> Outcome:
        waits = any(word in line for word in _WAITING)
        outcome, _ = attempt(
            cluster,
            lambda: cluster.kubectl(line, stdin=stdin),
            baseline,
            "kubectl",
            check_unchanged=not waits,
        )
        if outcome is not None:
            return outcome
        refs = [
            f"{lookup(kind).plural}/{obj.metadata.name}"  # type: ignore[union-attr]
            for kind in ("Deployment", "Service", "Rollout", "Canary")
            for obj in cluster.list(kind, namespace=None)
        ]
        return exercise(cluster, refs, run_for=30.0)

    return case
