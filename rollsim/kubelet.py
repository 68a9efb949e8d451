"""Pod lifecycles, as the scheduler and the kubelet would drive them.

Pods are compact mutable records (``rollsim.pods.PodRecord``), kept in the
kubelet's ``PodIndex``; ``view`` materialises the ``Pod`` the API would return.

A pod's timings are drawn when it is created, one vectorised draw per batch
and field, from the pod-timings random stream (no other concern's draws can
shift them). Transitions are scheduled on the
cluster's agenda; a per-pod ``epoch`` invalidates transitions that a crash or
a deletion made stale, instead of cancelling events.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from rollsim.api.core import (
    ContainerStatus,
    Pod,
    PodCondition,
    PodSpec,
    PodStatus,
    PodTemplateSpec,
)
from rollsim.api.meta import ObjectMeta, OwnerReference
from rollsim.api.timefmt import format_time
from rollsim.behavior import PodBehaviors
from rollsim.dist import as_distribution
from rollsim.pods import PodIndex, PodRecord
from rollsim.world.clock import Clock
from rollsim.world.events import EventRecorder
from rollsim.world.store import Store

__all__ = ["NODE_NAME", "Kubelet"]

PodHandler = Callable[[PodRecord], None]
#: Told a pod and the owner UID it was grouped under before its owner or labels changed.
RegroupHandler = Callable[[PodRecord, str], None]

#: The one node rollsim schedules onto (node capacity is not modelled).
NODE_NAME = "node-1"

#: Kubelet crash-loop back-off: the first restart is immediate, then 10 s doubling to 300 s.
BACKOFF_INITIAL = 10.0
BACKOFF_MAX = 300.0


def crash_backoff(restarts: int) -> float:
    """Seconds the kubelet waits before restart number ``restarts`` (1-based)."""
    if restarts <= 1:
        return 0.0
    return min(BACKOFF_INITIAL * 2.0 ** (restarts - 2), BACKOFF_MAX)


class Kubelet:
    """Drives every pod from creation to gone and keeps the pod index.

    Mirrors what the scheduler's binding and the kubelet's pod workers do to a
    pod's status. Watchers registered with ``watch`` hear of every change and
    of every pod that finished terminating, as pod informers would.
    """

    def __init__(
        self,
        clock: Clock,
        events: EventRecorder,
        behaviors: PodBehaviors,
        timings: np.random.Generator,
    ) -> None:
        self._clock = clock
        self._events = events
        self._timings = timings
        self.behaviors = behaviors
        self.index = PodIndex()
        self._on_change: list[PodHandler] = []
        self._on_gone: list[PodHandler] = []
        self._on_regroup: list[RegroupHandler] = []
        self._bound = 0

    @property
    def pods(self) -> dict[tuple[str, str], PodRecord]:
        """Every pod not yet gone, by (namespace, name)."""
        return self.index.by_name

    def watch(self, on_change: PodHandler | None, on_gone: PodHandler | None = None) -> None:
        """Hear of every pod change (``on_change``) and every pod gone (``on_gone``)."""
        if on_change is not None:
            self._on_change.append(on_change)
        if on_gone is not None:
            self._on_gone.append(on_gone)

    def watch_regroup(self, handler: RegroupHandler) -> None:
        """Hear of every pod adopted, released or relabelled, with the owner UID it was
        counted under before, ahead of the change report itself: a reader that groups
        pods by owner (endpoints) moves the pod between its groups there."""
        self._on_regroup.append(handler)

    def _changed(self, pod: PodRecord) -> None:
        for handler in self._on_change:
            handler(pod)

    def _regrouped(self, pod: PodRecord, previous_owner_uid: str) -> None:
        for handler in self._on_regroup:
            handler(pod, previous_owner_uid)
        self._changed(pod)

    def serve(self, store: Store) -> None:
        """Run the pods written to the API server, as the kubelet's API server source
        (pkg/kubelet/config/apiserver.go ``NewSourceApiserver``) does.

        A Pod the user applies (a bare pod: no controller made it) becomes a pod
        record here, bound and started as any other; its labels and spec follow
        later writes (an image changed restarts its container), and deleting the
        object deletes the pod. Once its pod has finished
        terminating the object goes from the store too. The ReplicaSet controller's
        pods are never written to the store, so this costs them nothing.
        """

        def written(old: Pod | None, new: Pod | None) -> None:
            obj = new if new is not None else old
            assert obj is not None
            pod = self.index.by_name.get((obj.metadata.namespace, obj.metadata.name))
            if new is None:
                if pod is not None:
                    self.terminate(pod)
            elif pod is None:
                self.admit(new)
            elif old is not None:
                if old.spec != new.spec:
                    self.update_spec(pod, new.spec)
                if old.metadata.labels != new.metadata.labels:
                    self.relabel(pod, new.metadata.labels)

        def gone(pod: PodRecord) -> None:
            obj = store.get(Pod, pod.namespace, pod.name)
            if obj is not None and obj.metadata.uid == pod.uid:
                store.delete(Pod, pod.namespace, pod.name)

        store.on("Pod", written)
        self.watch(None, gone)

    def admit(self, pod: Pod) -> PodRecord:
        """Run one bare pod: a record with the object's UID, labels and spec, and no owner."""
        meta = pod.metadata
        template = PodTemplateSpec(
            metadata=ObjectMeta(
                generate_name=meta.generate_name,
                labels=dict(meta.labels),
                annotations=dict(meta.annotations),
            ),
            spec=pod.spec,
        )
        (record,) = self.create([meta.name], [meta.uid], meta.namespace, "", meta.uid, template)
        record.own_labels = True
        self.index.orphans[record.uid] = record
        self._changed(record)
        return record

    def relabel(self, pod: PodRecord, labels: Mapping[str, str]) -> None:
        """The pod's labels changed (a write of its object): every watcher hears of it."""
        template = pod.template
        pod.template = replace(template, metadata=replace(template.metadata, labels=dict(labels)))
        pod.own_labels = True
        self._regrouped(pod, pod.owner_uid)

    def update_spec(self, pod: PodRecord, spec: PodSpec) -> None:
        """The pod's spec changed (only where ``validate_pod_update`` lets it). A container
        whose image changed has a new hash, so the kubelet kills it and starts it again
        with the new image (``computePodActions``: "definition changed", whatever the
        restart policy): the pod is not Ready until the new container is, its restart
        count goes up, and the new image's ``PodBehavior`` applies from then on."""
        before = pod.template.spec.containers
        pod.template = replace(pod.template, spec=spec)
        changed = [
            c.name for c, was in zip(spec.containers, before, strict=True) if c.image != was.image
        ]
        if not changed:
            return
        pod.behavior = self.behaviors.for_template(pod.template)
        if not pod.started or pod.deleted_at is not None:
            # No container running (not started yet, backing off, stopping): the next
            # start is already the new image's.
            return
        for name in changed:
            message = f"Container {name} definition changed, will be restarted"
            self._event(pod, "Normal", "Killing", message)
        pod.epoch += 1
        pod.restarts += 1
        pod.started = False
        pod.serving = False
        pod.waiting_reason = "ContainerCreating"
        if pod.ready:
            pod.ready = False
            pod.ready_since = self._clock.now
        pod.available = False
        self._changed(pod)
        grace = spec.termination_grace_period_seconds
        stopped = pod.shutdown if grace is None else min(pod.shutdown, float(grace))
        self._after(stopped, self._pull, pod)

    def _pull(self, pod: PodRecord) -> None:
        if pod.behavior.image_pull_error:
            self._after(pod.pull, self._pull_failed, pod)
        else:
            self._after(pod.pull, self._pulled, pod)

    def disown(self, pod: PodRecord) -> None:
        """Remove the pod's controller (``ReleasePod``, or an orphaning deletion of its
        ReplicaSet): it keeps running as an orphan, and remembers the generateName
        its ReplicaSet gave it."""
        template = pod.template
        if pod.owner and not template.metadata.generate_name:
            meta = replace(template.metadata, generate_name=pod.owner + "-")
            pod.template = replace(template, metadata=meta)
        previous_owner_uid = pod.owner_uid
        self.index.disown(pod)
        self._regrouped(pod, previous_owner_uid)

    def adopt(self, pod: PodRecord, owner: str, owner_uid: str) -> None:
        """Give the orphan ``pod`` a controller (``AdoptPod``); every watcher hears of it."""
        previous_owner_uid = pod.owner_uid
        self.index.adopt(pod, owner, owner_uid)
        self._regrouped(pod, previous_owner_uid)

    def create(
        self,
        names: Sequence[str],
        uids: Sequence[str],
        namespace: str,
        owner: str,
        owner_uid: str,
        template: PodTemplateSpec,
    ) -> list[PodRecord]:
        """Create a batch of pods of one template; each starts unscheduled and Pending."""
        behavior = self.behaviors.for_template(template)
        n = len(names)
        rng = self._timings

        def draw(value: Any) -> np.ndarray[Any, np.dtype[np.float64]]:
            return np.maximum(as_distribution(value).sample(rng, n), 0.0)

        schedule = draw(behavior.schedule)
        pull = draw(behavior.pull)
        start = draw(behavior.startup)
        ready = draw(behavior.ready)
        shutdown = draw(behavior.shutdown)
        crash = draw(behavior.crash_loop) if behavior.crash_loop is not None else None
        unready = draw(behavior.unready_after) if behavior.unready_after is not None else None
        now = self._clock.now
        pods = []
        for i in range(n):
            pod = PodRecord(uids[i], names[i], namespace, owner, owner_uid, template, behavior, now)
            pod.pull = float(pull[i])
            pod.start_delay = float(start[i])
            pod.ready_delay = float(ready[i])
            pod.shutdown = float(shutdown[i])
            pod.crash_after = float(crash[i]) if crash is not None else None
            pod.unready_after = float(unready[i]) if unready is not None else None
            self.index.by_name[(namespace, names[i])] = pod
            pods.append(pod)
            self._after(float(schedule[i]), self._bind, pod)
        return pods

    def _after(self, delay: float, action: Callable[[PodRecord], None], pod: PodRecord) -> None:
        epoch = pod.epoch

        def fire(p: PodRecord) -> None:
            if p.epoch == epoch and p.deleted_at is None:
                action(p)

        self._clock.at(delay, fire, pod)

    def _event(
        self, pod: PodRecord, type_: str, reason: str, message: str, source: str = "kubelet"
    ) -> None:
        self._events.event(type_, reason, "Pod", pod.name, message, pod.namespace, source)

    def _bind(self, pod: PodRecord) -> None:
        pod.node = NODE_NAME
        pod.scheduled_at = self._clock.now
        self._bound += 1
        pod.ip = f"10.244.{self._bound // 250 % 256}.{self._bound % 250 + 2}"
        self._event(
            pod,
            "Normal",
            "Scheduled",
            f"Successfully assigned {pod.namespace}/{pod.name} to {NODE_NAME}",
            "default-scheduler",
        )
        self._changed(pod)
        self._pull(pod)

    def _pull_failed(self, pod: PodRecord) -> None:
        pod.waiting_reason = "ImagePullBackOff"
        self._event(pod, "Normal", "Pulling", f'Pulling image "{pod.image}"')
        self._event(
            pod,
            "Warning",
            "Failed",
            f'Failed to pull image "{pod.image}": rpc error: code = NotFound desc = '
            f'failed to pull and unpack image "{pod.image}": not found',
        )
        self._event(pod, "Warning", "Failed", "Error: ErrImagePull")
        self._event(pod, "Normal", "BackOff", f'Back-off pulling image "{pod.image}"')
        self._changed(pod)

    def _pulled(self, pod: PodRecord) -> None:
        if pod.pull > 0:
            self._event(pod, "Normal", "Pulling", f'Pulling image "{pod.image}"')
            self._event(
                pod,
                "Normal",
                "Pulled",
                f'Successfully pulled image "{pod.image}" in {pod.pull:.3g}s '
                f"({pod.pull:.3g}s including waiting)",
            )
        else:
            self._event(
                pod, "Normal", "Pulled", f'Container image "{pod.image}" already present on machine'
            )
        self._after(pod.start_delay, self._start, pod)

    def _start(self, pod: PodRecord) -> None:
        now = self._clock.now
        pod.phase = "Running"
        pod.started = True
        pod.started_at = now
        pod.waiting_reason = ""
        self._event(pod, "Normal", "Created", f"Created container: {pod.container}")
        self._event(pod, "Normal", "Started", f"Started container: {pod.container}")
        self._changed(pod)
        if pod.crash_after is not None:
            self._after(pod.crash_after, self._crash, pod)
        if not pod.behavior.never_ready:
            self._after(self._readiness_delay(pod), self._turn_ready, pod)

    def _readiness_delay(self, pod: PodRecord) -> float:
        """Seconds from container start to Ready: the probe grid, if there is a probe."""
        probe = pod.template.spec.containers[0].readiness_probe
        if probe is None:
            return pod.ready_delay
        period = float(probe.period_seconds or 10)
        initial = float(probe.initial_delay_seconds)
        probes = (
            0 if pod.ready_delay <= initial else math.ceil((pod.ready_delay - initial) / period)
        )
        return initial + (probes + max(probe.success_threshold, 1) - 1) * period

    def _turn_ready(self, pod: PodRecord) -> None:
        pod.ready = True
        pod.serving = True
        pod.ready_since = self._clock.now
        self._changed(pod)
        if pod.unready_after is not None:
            self._after(self._unready_delay(pod, pod.unready_after), self._turn_unready, pod)

    def _unready_delay(self, pod: PodRecord, failing_in: float) -> float:
        """Seconds until the kubelet marks the pod NotReady once the application fails
        ``failing_in`` seconds from now: the first probe on the grid that finds it
        failing, plus failureThreshold - 1 more periods."""
        probe = pod.template.spec.containers[0].readiness_probe
        if probe is None or pod.started_at is None:
            return failing_in
        now = self._clock.now
        period = float(probe.period_seconds or 10)
        first_probe = pod.started_at + float(probe.initial_delay_seconds)
        failing_at = now + failing_in
        probes = max(0, math.ceil((failing_at - first_probe) / period))
        detected = first_probe + (probes + max(probe.failure_threshold, 1) - 1) * period
        return max(0.0, detected - now)

    def _turn_unready(self, pod: PodRecord) -> None:
        pod.ready = False
        pod.serving = False
        pod.ready_since = self._clock.now
        pod.available = False
        self._event(
            pod,
            "Warning",
            "Unhealthy",
            "Readiness probe failed: HTTP probe failed with statuscode: 503",
        )
        self._changed(pod)

    def _crash(self, pod: PodRecord) -> None:
        pod.epoch += 1
        pod.restarts += 1
        pod.started = False
        pod.serving = False
        if pod.ready:
            pod.ready = False
            pod.ready_since = self._clock.now
        pod.available = False
        backoff = crash_backoff(pod.restarts)
        pod.waiting_reason = "CrashLoopBackOff" if backoff > 0 else ""
        if backoff > 0:
            self._event(
                pod,
                "Warning",
                "BackOff",
                f"Back-off restarting failed container {pod.container} in pod "
                f"{pod.name}_{pod.namespace}({pod.uid})",
            )
        self._changed(pod)
        self._after(backoff + pod.start_delay, self._start, pod)

    def terminate(self, pod: PodRecord) -> None:
        """Delete a pod: it leaves every count now and is gone after its shutdown."""
        if pod.deleted_at is not None:
            return
        pod.deleted_at = self._clock.now
        pod.epoch += 1
        pod.available = False
        if pod.started:
            self._event(pod, "Normal", "Killing", f"Stopping container {pod.container}")
        self._changed(pod)
        grace = pod.template.spec.termination_grace_period_seconds
        delay = pod.shutdown if grace is None else min(pod.shutdown, float(grace))
        self._clock.at(delay, self._gone, pod)

    def _gone(self, pod: PodRecord) -> None:
        pod.serving = False
        del self.index.by_name[(pod.namespace, pod.name)]
        self.index.orphans.pop(pod.uid, None)
        for handler in self._on_gone:
            handler(pod)

    def view(self, pod: PodRecord) -> Pod:
        """The pod as the API server would return it."""
        spec = replace(pod.template.spec, node_name=pod.node)
        return Pod(metadata=_pod_metadata(pod), spec=spec, status=_pod_status(pod))


def _pod_metadata(pod: PodRecord) -> ObjectMeta:
    """The pod's metadata: its template's labels and annotations, owned by its ReplicaSet
    (an orphan has no owner reference)."""
    template = pod.template
    owners = (
        (
            OwnerReference(
                api_version="apps/v1",
                kind="ReplicaSet",
                name=pod.owner,
                uid=pod.owner_uid,
                controller=True,
                block_owner_deletion=True,
            ),
        )
        if pod.owner
        else ()
    )
    return ObjectMeta(
        name=pod.name,
        generate_name=pod.owner + "-" if pod.owner else template.metadata.generate_name,
        namespace=pod.namespace,
        labels=dict(template.metadata.labels),
        annotations=dict(template.metadata.annotations),
        uid=pod.uid,
        creation_timestamp=pod.created,
        deletion_timestamp=pod.deleted_at,
        generation=1,
        owner_references=owners,
    )


def _pod_status(pod: PodRecord) -> PodStatus:
    """The pod's status; only a scheduled pod has a start time, a host and containers."""
    return PodStatus(
        phase=pod.phase,
        conditions=_pod_conditions(pod),
        container_statuses=_container_statuses(pod) if pod.node else (),
        start_time=pod.created if pod.node else None,
        host_ip="10.0.0.1" if pod.node else "",
        pod_ip=pod.ip,
    )


def _pod_conditions(pod: PodRecord) -> tuple[PodCondition, ...]:
    """PodScheduled alone until the pod is bound to a node; Initialized, Ready,
    ContainersReady and PodScheduled from then on."""
    scheduled = PodCondition(
        "PodScheduled",
        "True" if pod.node else "False",
        last_transition_time=pod.scheduled_at or pod.created,
    )
    if not pod.node:
        return (scheduled,)
    ready_text = "True" if pod.ready else "False"
    ready_at = pod.ready_since if pod.ready_since is not None else pod.created
    return (
        PodCondition("Initialized", "True", last_transition_time=pod.created),
        PodCondition("Ready", ready_text, last_transition_time=ready_at),
        PodCondition("ContainersReady", ready_text, last_transition_time=ready_at),
        scheduled,
    )


def _container_statuses(pod: PodRecord) -> tuple[ContainerStatus, ...]:
    """One status per container, all in the pod's one state: the record models the first
    container's lifecycle, so only that one counts restarts."""
    state: dict[str, Any]
    if pod.started and pod.started_at is not None:
        state = {"running": {"startedAt": format_time(pod.started_at)}}
    else:
        state = {"waiting": {"reason": pod.waiting_reason or "ContainerCreating"}}
    return tuple(
        ContainerStatus(
            name=c.name,
            image=c.image,
            ready=pod.ready,
            started=pod.started,
            restart_count=pod.restarts if i == 0 else 0,
            state=state,
        )
        for i, c in enumerate(pod.template.spec.containers)
    )
