"""The simulated cluster: clock, object store, controllers, kubelet and event log.

One ``simpy.Environment`` carries time. Pod transitions are scheduled at
normal priority; the controllers run in a later-priority pass at the same
instant, so every pod change of an instant is seen before any controller
acts ("pod transitions first, then controllers to quiescence"). Within a
pass, pending ReplicaSet work always runs before the next Deployment sync,
so a sync reads fresh ReplicaSet status. Work queues de-duplicate keys like
client-go's; ``latency`` delays a controller's reaction to a change.

Nothing reads the wall clock; every random draw (timings, pod names, UIDs)
comes from one ``numpy.random.Generator`` seeded by ``seed``.
"""

from __future__ import annotations

import builtins
import dataclasses
import gc
import json
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, NamedTuple

import numpy as np
import simpy
import simpy.events

from rollsim.api.apps import Deployment
from rollsim.api.errors import FieldError, GoText, ValidationError
from rollsim.api.manifest import KIND_ALIASES, load_documents, to_dict
from rollsim.api.meta import LabelSelector, parse_selector
from rollsim.api.timefmt import format_time
from rollsim.api.validation import validate_deployment_update
from rollsim.api.wire import wire_name
from rollsim.behavior import PodBehavior
from rollsim.controllers.canary import CanaryController
from rollsim.controllers.deployment import util
from rollsim.controllers.deployment.controller import DeploymentController
from rollsim.controllers.deployment.rollback import plan_rollback
from rollsim.controllers.endpoints import EndpointsController
from rollsim.controllers.replicaset import ReplicaSetController
from rollsim.controllers.rollout.controller import RolloutController
from rollsim.dist import as_distribution
from rollsim.kubelet import Kubelet, PodRecord
from rollsim.metrics import (
    WORKLOADS,
    Recorder,
    RolloutSummary,
    Timeline,
    latency_percentiles,
    summarize,
)
from rollsim.store import Store
from rollsim.traffic import Traffic, TrafficFlow

__all__ = ["Cluster", "Event", "NotFoundError"]

#: SimPy priority of the controller pass: after every normal event of the same instant.
CONTROLLER_PRIORITY = simpy.events.EventPriority(2)
#: SimPy priority of the recorder: last of all, once the instant has settled.
RECORDER_PRIORITY = simpy.events.EventPriority(3)
#: client-go's DefaultControllerRateLimiter: 5 ms base delay, 10 qps bucket, burst 100.
RATE_LIMIT_BASE_DELAY = 0.005
RATE_LIMIT_QPS = 10.0
RATE_LIMIT_BURST = 100
#: Syncs in one instant beyond which the controllers are taken to be looping (a bug).
MAX_SYNCS_PER_INSTANT = 1_000_000

_GROUPS = {
    "Deployment": "deployments.apps",
    "ReplicaSet": "replicasets.apps",
    "Pod": "pods",
    "Service": "services",
}


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch: maps merge recursively, ``null`` deletes, others replace."""
    if not isinstance(patch, Mapping):
        return patch
    result = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the clock runs.

    A run allocates one record per pod and many short-lived events; with 10^5
    pods every full collection walks them all, which doubles the run time. The
    simulation makes no garbage cycles (a pod leaves its ReplicaSet's bucket
    when it stops, breaking the only loop), so reference counting frees
    everything; collection resumes as it was when the run returns.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class Event(NamedTuple):
    """One Kubernetes event: when, Normal/Warning, reason, the object, and the message."""

    time: float
    type: str
    reason: str
    kind: str
    name: str
    message: str
    namespace: str = "default"
    source: str = ""


class NotFoundError(LookupError):
    """The named object does not exist; the message is the API server's."""


class _Pass(simpy.events.Event):
    """Fires at the current instant after every event of a more urgent priority."""

    def __init__(self, env: simpy.Environment, priority: simpy.events.EventPriority) -> None:
        super().__init__(env)
        self._ok = True
        self._value = None
        env.schedule(self, priority)


class Cluster:
    """A deterministic, in-memory Kubernetes control plane.

    ``pods`` is the default ``PodBehavior``; ``images`` maps an image to its own.
    ``latency`` (seconds, or per controller: ``{"deployment": 0.5}``) delays
    each controller's reaction to changes; the default 0 is an idealised
    control plane, which upstream's unit tables assume.
    """

    def __init__(
        self,
        seed: int = 0,
        pods: PodBehavior | None = None,
        images: Mapping[str, PodBehavior] | None = None,
        latency: float | Mapping[str, float] = 0.0,
    ) -> None:
        self.env = simpy.Environment()
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.pod_behavior = pods if pods is not None else PodBehavior()
        self.images = dict(images or {})
        self._latency = latency
        self._latencies: dict[str, float] = {}
        self._events: list[Event] = []
        self._agenda: dict[float, list[tuple[Callable[[Any], None], Any]]] = {}
        self._queues: dict[str, dict[Any, None]] = {
            "replicaset": {},
            "deployment": {},
            "rollout": {},
            "canary": {},
        }
        self._delayed: dict[tuple[str, Any], float] = {}
        self._buckets: dict[str, tuple[float, float]] = {}
        self._service_ips = 0
        self._pass: _Pass | None = None
        self._record: _Pass | None = None
        self.store = Store(self._new_uid, lambda: self.env.now)
        self.replicasets = ReplicaSetController(self)
        self.deployments = DeploymentController(self)
        self.rollouts = RolloutController(self)
        self.canaries = CanaryController(self)
        self.endpoints = EndpointsController(self)
        self.recorder = Recorder(self)
        self.kubelet = Kubelet(self, self._pod_changed, self._pod_gone)
        self._handlers: dict[str, Callable[[tuple[str, str]], None]] = {
            "replicaset": self.replicasets.sync,
            "deployment": self.deployments.sync,
            "rollout": self.rollouts.sync,
            "canary": self.canaries.sync,
        }
        self.store.watchers.append(self._watch)

    # Time.

    @property
    def now(self) -> float:
        """Simulated seconds since the cluster started."""
        return float(self.env.now)

    def at(self, delay: float, action: Callable[[Any], None], arg: Any) -> None:
        """Run ``action(arg)`` ``delay`` seconds from now, batched with others at that instant."""
        when = self.env.now + delay
        batch = self._agenda.get(when)
        if batch is None:
            batch = self._agenda[when] = []
            self.env.timeout(delay).callbacks.append(self._fire)
        batch.append((action, arg))

    def _fire(self, _: simpy.events.Event) -> None:
        for action, arg in self._agenda.pop(self.env.now):
            action(arg)

    def run(self, until: float | None = None) -> None:
        """Advance the clock to ``until`` (absolute seconds), processing everything at it.

        Without ``until``, run until nothing is left to happen.
        """
        if until is not None and until < self.now:
            raise ValueError(f"until={until} is before now ({self.now})")
        with _cyclic_gc_paused():
            if until is None:
                self.env.run()
                return
            if until > self.now:
                self.env.run(until=until)
            while self.env.peek() <= until:
                self.env.step()

    def run_until_complete(
        self, ref: str | tuple[str, str], timeout: float = 3600.0, namespace: str = "default"
    ) -> bool:
        """Run until the rollout of ``ref`` is complete, at most ``timeout`` seconds more.

        Complete means what ``kubectl rollout status`` reports as "successfully
        rolled out": the spec change observed, every replica updated, no old
        replica left, every updated replica available. Returns whether it
        completed; the clock stops at the completing instant.
        """
        kind, name = self._resolve(ref)
        deadline = self.now + timeout
        self.run(self.now)
        while True:
            state = self._rollout_state(kind, namespace, name)
            if state != "running":
                return state == "complete"
            next_time = self.env.peek()
            if next_time > deadline:
                self.run(deadline)
                return self._rollout_state(kind, namespace, name) == "complete"
            self.run(next_time)

    def _rollout_state(self, kind: str, namespace: str, name: str) -> str:
        """``complete``, ``failed`` (nothing more will happen without a user), or ``running``."""
        obj = self.store.get(kind, namespace, name)
        if obj is None:
            raise NotFoundError(f'{_GROUPS.get(kind, kind.lower())} "{name}" not found')
        if kind == "Deployment":
            return "complete" if util.rollout_complete(obj) else "running"
        if kind == "ReplicaSet":
            done = (
                obj.status.available_replicas >= obj.replicas
                and obj.status.replicas == obj.replicas
            )
            return "complete" if done else "running"
        if kind == "Rollout":
            s = obj.status
            if s.abort:
                return "failed"
            done = (
                s.phase == "Healthy"
                and s.stable_rs == s.current_pod_hash
                and s.observed_generation == str(obj.metadata.generation)
            )
            return "complete" if done else "running"
        if kind == "Canary":
            if obj.status.phase == "Failed":
                return "failed"
            facts = WORKLOADS["Canary"][0](obj, WORKLOADS["Canary"][2](self.store, obj))
            return "complete" if facts.complete else "running"
        raise ValueError(f"no rollout status for kind {kind}")

    def changed(self) -> None:
        """Something observable changed: record a row once this instant has settled."""
        if self._record is None:
            self._record = _Pass(self.env, RECORDER_PRIORITY)
            self._record.callbacks.append(self._run_recorder)

    def _run_recorder(self, _: simpy.events.Event) -> None:
        self._record = None
        self.recorder.record()

    def _pod_changed(self, pod: PodRecord) -> None:
        self.replicasets.pod_changed(pod)
        self.endpoints.pod_changed(pod)

    def _pod_gone(self, pod: PodRecord) -> None:
        self.replicasets.pod_gone(pod)
        self.endpoints.pod_gone(pod)

    # Work queues.

    def _latency_of(self, controller: str) -> float:
        latency = self._latencies.get(controller)
        if latency is None:
            latency = self._latencies[controller] = float(
                self._latency.get(controller, 0.0)
                if isinstance(self._latency, Mapping)
                else self._latency
            )
        return latency

    def enqueue(self, controller: str, key: Any) -> None:
        """A change this controller watches: queue ``key`` after its latency."""
        latency = self._latency_of(controller)
        if latency > 0:
            self.enqueue_after(controller, key, latency)
            return
        self._queues[controller][key] = None
        self._kick()

    def enqueue_after(self, controller: str, key: Any, delay: float) -> None:
        """``AddAfter``: queue ``key`` in ``delay`` seconds (the earliest request wins)."""
        due = self.env.now + delay
        pending = self._delayed.get((controller, key))
        if pending is not None and pending <= due:
            return
        self._delayed[(controller, key)] = due

        def release(_: Any) -> None:
            if self._delayed.get((controller, key)) == due:
                del self._delayed[(controller, key)]
                self._queues[controller][key] = None
                self._kick()

        self.at(delay, release, None)

    def enqueue_rate_limited(self, controller: str, key: Any) -> None:
        """``AddRateLimited`` with client-go's default controller limiter: the larger of a
        5 ms per-item back-off (reset by each successful sync) and a token bucket of
        10 per second with a burst of 100, shared by the controller's queue."""
        tokens, last = self._buckets.get(controller, (float(RATE_LIMIT_BURST), self.now))
        tokens = min(float(RATE_LIMIT_BURST), tokens + (self.now - last) * RATE_LIMIT_QPS) - 1.0
        self._buckets[controller] = (tokens, self.now)
        wait = -tokens / RATE_LIMIT_QPS if tokens < 0 else 0.0
        self.enqueue_after(controller, key, max(RATE_LIMIT_BASE_DELAY, wait))

    def _kick(self) -> None:
        if self._pass is None:
            self._pass = _Pass(self.env, CONTROLLER_PRIORITY)
            self._pass.callbacks.append(self._run_controllers)

    def _run_controllers(self, _: simpy.events.Event) -> None:
        syncs = 0
        queues = list(self._queues.items())
        try:
            while True:
                for name, queue in queues:
                    if queue:
                        key = next(iter(queue))
                        del queue[key]
                        self._handlers[name](key)
                        break
                else:
                    return
                syncs += 1
                if syncs > MAX_SYNCS_PER_INSTANT:
                    raise RuntimeError(f"controllers did not settle at t={self.now}")
        finally:
            self._pass = None

    # Store watch: what each controller's informers would hear.

    def _watch(self, kind: str, old: Any, new: Any) -> None:
        obj = new if new is not None else old
        namespace = obj.metadata.namespace
        self.changed()
        if kind == "ReplicaSet":
            self.replicasets.replica_set_changed(old, new)
            self._enqueue_owner(obj)
        elif kind in ("Deployment", "Rollout"):
            if new is None:
                for rs in self.store.owned_replica_sets(old.metadata.uid):
                    self.store.delete("ReplicaSet", rs.metadata.namespace, rs.metadata.name)
            else:
                self.enqueue(kind.lower(), (namespace, obj.metadata.name))
            if kind == "Deployment":
                self.canaries.deployment_changed(namespace, obj.metadata.name)
        elif kind == "Canary" and old is None:
            # Flagger starts the Canary's ticker when it appears; later edits are read
            # on the next tick, never acted on at once.
            self.enqueue("canary", (namespace, obj.metadata.name))
        elif kind == "Service":
            old_selector = old.spec.selector if old is not None else None
            new_selector = new.spec.selector if new is not None else None
            if old_selector != new_selector:
                self.endpoints.service_changed(namespace, obj.metadata.name, new_selector)

    @staticmethod
    def _controller_of(obj: Any) -> str | None:
        for ref in obj.metadata.owner_references:
            if ref.controller:
                return str(ref.name)
        return None

    def _enqueue_owner(self, rs: Any) -> None:
        """A ReplicaSet changed: its Deployment or Rollout hears of it."""
        for ref in rs.metadata.owner_references:
            if ref.controller and ref.kind in ("Deployment", "Rollout"):
                self.enqueue(ref.kind.lower(), (rs.metadata.namespace, ref.name))

    def pod_gone(self, pod: PodRecord) -> None:
        """A pod finished terminating: Recreate may be waiting for exactly this."""
        rs = self.store.get("ReplicaSet", pod.namespace, pod.owner)
        if rs is not None:
            self._enqueue_owner(rs)

    # Bookkeeping.

    def _new_uid(self) -> str:
        return str(uuid.UUID(bytes=self.rng.bytes(16), version=4))

    def record_event(
        self,
        type_: str,
        reason: str,
        kind: str,
        name: str,
        message: str,
        namespace: str = "default",
        source: str = "",
    ) -> None:
        self._events.append(Event(self.now, type_, reason, kind, name, message, namespace, source))

    @property
    def events(self) -> list[Event]:
        """Every event so far, in the order they happened."""
        return list(self._events)

    # Reading objects.

    @staticmethod
    def _resolve(ref: str | tuple[str, str], name: str | None = None) -> tuple[str, str]:
        if isinstance(ref, tuple):
            kind_text, obj_name = ref
        elif name is not None:
            kind_text, obj_name = ref, name
        elif "/" in ref:
            kind_text, obj_name = ref.split("/", 1)
        else:
            raise ValueError(f"expected KIND/NAME, got {ref!r}")
        kind = KIND_ALIASES.get(kind_text.lower())
        if kind is None:
            kind = {"pod": "Pod", "pods": "Pod", "po": "Pod"}.get(kind_text.lower())
        if kind is None:
            raise ValueError(f'the server doesn\'t have a resource type "{kind_text}"')
        return kind, obj_name

    def get(self, kind: str, name: str | None = None, namespace: str = "default") -> Any:
        """One object, e.g. ``get("deployment", "web")`` or ``get("deploy/web")``."""
        kind, name = self._resolve(kind, name)
        if kind == "Pod":
            pod = self.kubelet.pods.get((namespace, name))
            if pod is None:
                raise NotFoundError(f'pods "{name}" not found')
            return self.kubelet.view(pod)
        obj = self.store.get(kind, namespace, name)
        if obj is None:
            raise NotFoundError(f'{_GROUPS.get(kind, kind.lower())} "{name}" not found')
        return obj

    def list(
        self, kind: str, namespace: str | None = "default", selector: LabelSelector | None = None
    ) -> builtins.list[Any]:
        """Objects of a kind, sorted by name; ``namespace=None`` lists all namespaces."""
        resolved = self._resolve(kind, "")[0]
        if resolved == "Pod":
            records = sorted(
                (
                    p
                    for p in self.kubelet.pods.values()
                    if namespace is None or p.namespace == namespace
                ),
                key=lambda p: (p.namespace, p.name),
            )
            items = [self.kubelet.view(p) for p in records]
        else:
            items = self.store.list(resolved, namespace)
        if selector is not None:
            items = [o for o in items if selector.matches(o.metadata.labels)]
        return items

    def kubectl(
        self, command: str, stdin: str | None = None, stderr: Callable[[str], None] | None = None
    ) -> str:
        """Run a kubectl command line; returns what kubectl prints on stdout.

        Warnings and notices kubectl writes to stderr on success go to
        ``stderr`` (e.g. ``print``) if given. Raises ``rollsim.KubectlError``
        (kubectl's message and exit code) on failure. ``rollout status``
        advances the clock until done.
        """
        from rollsim.kubectl import run

        return run(self, command, stdin=stdin, stderr=stderr)

    # Metrics.

    def add_traffic(self, traffic: Traffic) -> TrafficFlow:
        """Offer ``traffic`` from now on; its counts feed timelines and summaries."""
        namespace = traffic.namespace
        if traffic.service is not None:
            svc = self.store.get("Service", namespace, traffic.service)
            selector = (
                LabelSelector(match_labels=dict(svc.spec.selector))
                if svc is not None and svc.spec.selector
                else None
            )
            key = ("service", namespace, traffic.service)
        elif traffic.selector is not None:
            selector = (
                parse_selector(traffic.selector)
                if isinstance(traffic.selector, str)
                else LabelSelector(match_labels=dict(traffic.selector))
            )
            key = ("selector", namespace, str(selector))
        else:
            deployments = self.store.list("Deployment", namespace)
            if len(deployments) != 1:
                raise ValueError(
                    "Traffic needs a service or a selector when there is not "
                    f"exactly one Deployment (found {len(deployments)})"
                )
            selector = deployments[0].spec.selector
            key = ("selector", namespace, str(selector))
        route = (
            self.endpoints.route(
                (key[0], key[1], f"{key[2]}@{traffic.endpoint_lag}"), selector, traffic.endpoint_lag
            )
            if key[0] == "selector"
            else self.endpoints.route(key, selector, traffic.endpoint_lag)
        )
        flow = TrafficFlow(traffic, route, self)
        self.recorder.flows.append(flow)
        self.changed()
        return flow

    def timeline(self, ref: str | tuple[str, str], namespace: str = "default") -> Timeline:
        """The Deployment's recorded history as NumPy columns (see ``rollsim.Timeline``)."""
        self.run(self.now)
        kind, name = self._resolve(ref)
        if kind not in WORKLOADS:
            raise ValueError(f"timelines are recorded for {', '.join(WORKLOADS)}, not {kind}")
        return self.recorder.timeline(kind, namespace, name)

    def summary(self, ref: str | tuple[str, str], namespace: str = "default") -> RolloutSummary:
        """Figures of the Deployment's most recent rollout (see ``rollsim.RolloutSummary``)."""
        return summarize(self.timeline(ref, namespace))

    def latency(
        self,
        ref: str | tuple[str, str],
        quantiles: Sequence[float] = (0.5, 0.95, 0.99),
        namespace: str = "default",
    ) -> dict[float, float]:
        """Request latency percentiles (seconds) during the most recent rollout: the
        mixture of every version's ``PodBehavior.latency``, weighted by requests served."""
        tl = self.timeline(ref, namespace)
        summary = summarize(tl)
        latencies = {}
        for name in tl.by_replica_set:
            rs = self.store.get("ReplicaSet", namespace, name)
            if rs is not None:
                latencies[name] = as_distribution(
                    self.kubelet.behavior_for(rs.spec.template).latency
                )
        return latency_percentiles(
            tl, latencies, quantiles, summary.start, summary.start + summary.duration
        )

    # Writing objects.

    def apply(self, source: Any) -> builtins.list[Any]:
        """Create or update objects like ``kubectl apply``; all documents or none.

        ``source`` is a path, YAML text (multi-document), a dict, an API object
        or a list of those. Returns the stored objects. Raises
        ``ValidationError`` (listing every problem) and changes nothing if any
        document is invalid.
        """
        planned = []
        errors: list[ValidationError] = []
        for obj, manifest in load_documents(source):
            obj = self._in_namespace(obj)
            current = self.store.get(obj.kind, obj.metadata.namespace, obj.metadata.name)
            desired = self._applied(obj, manifest, current)
            if desired.kind == "Service" and not desired.spec.cluster_ip:
                ip = current.spec.cluster_ip if current is not None else self.allocate_cluster_ip()
                desired = replace(desired, spec=replace(desired.spec, cluster_ip=ip))
            if current is not None and obj.kind == "Deployment":
                problems = validate_deployment_update(desired, current)
                if problems:
                    errors.append(ValidationError(problems, obj.kind, obj.metadata.name))
            planned.append((desired, current))
        if errors:
            raise (
                errors[0]
                if len(errors) == 1
                else ValidationError([e for err in errors for e in err.errors])
            )
        stored = []
        for desired, current in planned:
            if current is None:
                stored.append(self.store.create(desired))
            else:
                stored.append(self.store.update(desired))
        return stored

    def allocate_cluster_ip(self) -> str:
        """The next address of the service range (10.96.0.0/12; .1 is the API server)."""
        self._service_ips += 1
        n = self._service_ips + 1
        return f"10.96.{n // 256 % 256}.{n % 256}"

    @staticmethod
    def _in_namespace(obj: Any) -> Any:
        if obj.metadata.namespace:
            return obj
        return replace(obj, metadata=replace(obj.metadata, namespace="default"))

    @staticmethod
    def _applied(obj: Any, manifest: dict[str, Any], current: Any) -> Any:
        """The object ``kubectl apply`` would leave: the manifest's spec and labels, the
        live object's system annotations and status, and the last-applied record."""
        last_applied = (
            json.dumps(manifest, separators=(",", ":"), ensure_ascii=False, sort_keys=True) + "\n"
        )
        annotations = dict(obj.metadata.annotations)
        annotations[util.LAST_APPLIED_ANNOTATION] = last_applied
        if current is None:
            return replace(obj, metadata=replace(obj.metadata, annotations=annotations))
        previous: dict[str, Any] = {}
        text = current.metadata.annotations.get(util.LAST_APPLIED_ANNOTATION)
        if text:
            previous = json.loads(text)
        previously_applied = set((previous.get("metadata") or {}).get("annotations") or {})
        kept = {
            k: v for k, v in current.metadata.annotations.items() if k not in previously_applied
        }
        annotations = {**kept, **annotations}
        spec: Any = obj.spec
        if hasattr(spec, "__dataclass_fields__") and hasattr(current, "spec"):
            # The three-way merge, at the level of spec's fields: one that neither
            # this manifest nor the last applied one sets was set by someone else
            # (kubectl scale, rollout pause, a patch) and is kept.
            applied = set(manifest.get("spec") or {}) | set(previous.get("spec") or {})
            kept_fields = {
                f.name: getattr(current.spec, f.name)
                for f in dataclasses.fields(spec)
                if wire_name(f) not in applied
            }
            spec = replace(spec, **kept_fields)
        meta = replace(current.metadata, labels=dict(obj.metadata.labels), annotations=annotations)
        if hasattr(current, "status"):
            return replace(obj, metadata=meta, spec=spec, status=current.status)
        return replace(obj, metadata=meta, spec=spec)

    def delete(
        self, ref: str | tuple[str, str], name: str | None = None, namespace: str = "default"
    ) -> None:
        """Delete an object; its ReplicaSets and pods go with it (background propagation)."""
        kind, obj_name = self._resolve(ref, name)
        if kind == "Pod":
            pod = self.kubelet.pods.get((namespace, obj_name))
            if pod is None or pod.deleted_at is not None:
                raise NotFoundError(f'pods "{obj_name}" not found')
            self.kubelet.terminate(pod)
            return
        if self.store.delete(kind, namespace, obj_name) is None:
            raise NotFoundError(f'{_GROUPS.get(kind, kind.lower())} "{obj_name}" not found')

    def _update(
        self, ref: str | tuple[str, str], namespace: str, change: Callable[[Any], Any]
    ) -> Any:
        current = self.get(*self._resolve(ref), namespace=namespace)
        desired = change(current)
        if desired.kind == "Deployment":
            problems = validate_deployment_update(desired, current)
            if problems:
                raise ValidationError(problems, desired.kind, desired.metadata.name)
        return self.store.update(desired)

    def patch(
        self, ref: str | tuple[str, str], patch: Mapping[str, Any], namespace: str = "default"
    ) -> Any:
        """Apply a JSON merge patch (RFC 7386) to an object, as ``kubectl patch --type merge``.

        The patched object is decoded, defaulted and validated like a manifest;
        on any error nothing changes.
        """
        kind, name = self._resolve(ref)
        current = self.get(kind, name, namespace=namespace)
        merged = merge_patch(to_dict(current), patch)
        if not isinstance(merged, dict):
            raise ValidationError(
                [FieldError("Invalid value", "", "patch must be an object", GoText("<patch>"))],
                kind,
                name,
            )
        ((obj, _),) = load_documents(merged)
        desired = replace(obj, status=current.status) if hasattr(current, "status") else obj
        if desired.kind == "Deployment":
            problems = validate_deployment_update(desired, current)
            if problems:
                raise ValidationError(problems, desired.kind, desired.metadata.name)
        return self.store.update(desired)

    def scale(self, ref: str | tuple[str, str], replicas: int, namespace: str = "default") -> Any:
        """Set ``spec.replicas`` of a Deployment or ReplicaSet (``kubectl scale``)."""
        return self._update(
            ref, namespace, lambda o: replace(o, spec=replace(o.spec, replicas=replicas))
        )

    def set_image(
        self,
        ref: str | tuple[str, str],
        images: Mapping[str, str] | None = None,
        namespace: str = "default",
        **by_container: str,
    ) -> Any:
        """``kubectl set image``: ``set_image(ref, nginx="nginx:1.25")``; ``*``: all containers."""
        wanted = {**(images or {}), **by_container}

        def change(obj: Any) -> Any:
            template = obj.spec.template
            names = {c.name for c in template.spec.containers}
            unknown = sorted(set(wanted) - names - {"*"})
            if unknown:
                raise NotFoundError(f'unable to find container named "{unknown[0]}"')
            containers = tuple(
                replace(c, image=wanted.get(c.name, wanted.get("*", c.image)))
                for c in template.spec.containers
            )
            return replace(
                obj,
                spec=replace(
                    obj.spec,
                    template=replace(template, spec=replace(template.spec, containers=containers)),
                ),
            )

        return self._update(ref, namespace, change)

    def pause(self, ref: str | tuple[str, str], namespace: str = "default") -> Deployment:
        """``kubectl rollout pause``."""
        return self._set_paused(ref, namespace, True)

    def resume(self, ref: str | tuple[str, str], namespace: str = "default") -> Deployment:
        """``kubectl rollout resume``."""
        return self._set_paused(ref, namespace, False)

    def _set_paused(self, ref: str | tuple[str, str], namespace: str, paused: bool) -> Deployment:
        d = self.get(*self._resolve(ref), namespace=namespace)
        if d.spec.paused == paused:
            state = "already paused" if paused else "not paused"
            raise ValueError(f'deployments.apps "{d.metadata.name}" is {state}')
        updated: Deployment = self._update(
            ref, namespace, lambda o: replace(o, spec=replace(o.spec, paused=paused))
        )
        return updated

    def promote(
        self, ref: str | tuple[str, str], full: bool = False, namespace: str = "default"
    ) -> Any:
        """``kubectl argo rollouts promote [--full]``: clear the pause conditions (or,
        without any, skip the current step); ``full`` skips every remaining step."""
        r = self._rollout(ref, namespace)
        status = r.status
        steps = r.spec.strategy.canary.steps if r.spec.strategy.canary is not None else ()
        inconclusive = any(p.reason == "InconclusiveAnalysisRun" for p in status.pause_conditions)
        if full:
            status = replace(status, promote_full=True, pause_conditions=(), controller_pause=False)
        elif inconclusive:
            # An inconclusive analysis: skip its step and unpause the controller.
            index = status.current_step_index
            status = replace(
                status,
                pause_conditions=(),
                controller_pause=False,
                current_step_index=index + 1
                if index is not None and steps and index < len(steps)
                else index,
            )
        elif status.pause_conditions:
            status = replace(status, pause_conditions=())
        elif (
            steps
            and status.current_step_index is not None
            and status.current_step_index < len(steps)
        ):
            status = replace(status, current_step_index=status.current_step_index + 1)
        spec = replace(r.spec, paused=False)
        return self.store.update(replace(r, spec=spec, status=status))

    def abort(self, ref: str | tuple[str, str], namespace: str = "default") -> Any:
        """``kubectl argo rollouts abort``: back to the stable version."""
        r = self._rollout(ref, namespace)
        return self.store.update(
            replace(
                r,
                status=replace(
                    r.status,
                    abort=True,
                    aborted_at=self.now,
                    pause_conditions=(),
                    controller_pause=False,
                ),
            )
        )

    def retry(self, ref: str | tuple[str, str], namespace: str = "default") -> Any:
        """``kubectl argo rollouts retry rollout``: clear the abort; steps start over."""
        r = self._rollout(ref, namespace)
        return self.store.update(replace(r, status=replace(r.status, abort=False, aborted_at=None)))

    def undo_rollout(self, name: str, to_revision: int = 0, namespace: str = "default") -> Any:
        """``kubectl argo rollouts undo``: the template of revision ``to_revision`` (0: the
        previous one) back into the Rollout; the controller reuses that ReplicaSet."""
        from rollsim.controllers.rollout.controller import HASH_LABEL, rollout_revision

        r = self.get("Rollout", name, namespace=namespace)
        rss = sorted(self.store.owned_replica_sets(r.metadata.uid), key=rollout_revision)
        if to_revision == 0:
            candidates = rss[:-1]
        else:
            candidates = [rs for rs in rss if rollout_revision(rs) == to_revision]
        if not candidates:
            raise ValueError(
                f"unable to find specified revision {to_revision} in history"
                if to_revision
                else "no rollout history found"
            )
        template = candidates[-1].spec.template
        labels = {k: v for k, v in template.metadata.labels.items() if k != HASH_LABEL}
        template = replace(template, metadata=replace(template.metadata, labels=labels))
        return self.store.update(replace(r, spec=replace(r.spec, template=template)))

    def _rollout(self, ref: str | tuple[str, str], namespace: str) -> Any:
        kind, name = (
            self._resolve(ref) if not isinstance(ref, str) or "/" in ref else ("Rollout", ref)
        )
        if kind != "Rollout":
            raise ValueError(f"{kind} is not an Argo Rollout")
        return self.get("Rollout", name, namespace=namespace)

    def restart(self, ref: str | tuple[str, str], namespace: str = "default") -> Deployment:
        """``kubectl rollout restart``: stamp the template with restartedAt."""
        d = self.get(*self._resolve(ref), namespace=namespace)
        if d.spec.paused:
            raise ValueError("can't restart paused deployment (run rollout resume first)")
        stamp = format_time(self.now)

        def change(obj: Deployment) -> Deployment:
            template = obj.spec.template
            annotations = {
                **template.metadata.annotations,
                "kubectl.kubernetes.io/restartedAt": stamp,
            }
            return replace(
                obj,
                spec=replace(
                    obj.spec,
                    template=replace(
                        template, metadata=replace(template.metadata, annotations=annotations)
                    ),
                ),
            )

        updated: Deployment = self._update(ref, namespace, change)
        return updated

    def rollback(
        self, ref: str | tuple[str, str], to_revision: int = 0, namespace: str = "default"
    ) -> str:
        """``kubectl rollout undo``: returns ``rolled back`` or ``skipped rollback (...)``.

        ``to_revision=0`` means the previous revision. Raises ``ValueError``
        with kubectl's message when the revision does not exist or the
        Deployment is paused.
        """
        d: Deployment = self.get(*self._resolve(ref), namespace=namespace)
        rs_list = self.store.owned_replica_sets(d.metadata.uid)
        plan = plan_rollback(d, rs_list, to_revision)
        if plan.outcome == "skipped":
            return f"skipped rollback (current template already matches revision {plan.revision})"
        if plan.deployment is None:
            raise ValueError(plan.outcome)
        self.store.update(plan.deployment)
        return "rolled back"
