"""Pod lifecycles, as the scheduler and the kubelet would drive them.

Pods are compact mutable records (``rollsim.pods.PodRecord``), kept in the
kubelet's ``PodIndex``; ``view`` materialises the ``Pod`` the API would return.

A pod's timings are drawn when it is created, one vectorised draw per batch
and field, from the pod-timings random stream (no other concern's draws can
shift them). Transitions are scheduled on the cluster's agenda; a per-pod
``epoch`` invalidates the transitions of a container that stopped, and
``probe_epoch`` the probe results planned before the application changed,
instead of cancelling events.

What the application does (``PodRecord.app``: warming up, serving, failing,
hung) is apart from what the kubelet concludes (Ready, restarts): requests
reach a pod while its endpoint is listed and fail while its application does
not serve, which is why a pod without a readinessProbe serves errors during
its warm-up and why a preStop sleep longer than the endpoint lag saves them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from rollsim.api.core import Pod, PodSpec, PodTemplateSpec
from rollsim.api.meta import ObjectMeta
from rollsim.behavior import PodBehaviors
from rollsim.dist import as_distribution
from rollsim.kubelet.lifecycle import crash_backoff, pre_stop_hook, stop_timeline
from rollsim.kubelet.prober import Prober, answer, probe_timing
from rollsim.kubelet.status import grace_period, pod_view, readiness_gates
from rollsim.pods import PodIndex, PodRecord
from rollsim.world.clock import Clock
from rollsim.world.events import EventRecorder

__all__ = ["NODE_NAME", "Kubelet"]

PodHandler = Callable[[PodRecord], None]
#: Told a pod and the owner UID it was grouped under before its owner or labels changed.
RegroupHandler = Callable[[PodRecord, str], None]

#: The one node rollsim schedules onto (node capacity is not modelled).
NODE_NAME = "node-1"


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
        if not pod.started or pod.deleted_at is not None or pod.stopping:
            # No container running (not started yet, backing off, stopping): the next
            # start is already the new image's.
            return
        for name in changed[1:]:
            self._event(pod, "Normal", "Killing", f"Container {name} definition changed")
        message = f"Container {changed[0]} definition changed, will be restarted"
        self._stop_container(pod, message, float(grace_period(pod)), self._redefined)

    def _redefined(self, pod: PodRecord) -> None:
        """The old definition's container has stopped: start the new one, no back-off
        (a new definition is a new back-off key)."""
        pod.restarts += 1
        pod.waiting_reason = "ContainerCreating"
        self._changed(pod)
        self._pull(pod)

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

        def draw(value: Any) -> list[float]:
            return [float(x) for x in np.maximum(as_distribution(value).sample(rng, n), 0.0)]

        def maybe(value: Any) -> list[float | None]:
            return [None] * n if value is None else list(draw(value))

        # The draw order is the stream's contract: a new field draws after the others.
        schedule = draw(behavior.schedule)
        pull = draw(behavior.pull)
        start = draw(behavior.startup)
        warmup = draw(behavior.warmup)
        shutdown = draw(behavior.shutdown)
        crash = maybe(behavior.crash_loop)
        unready = maybe(behavior.unready_after)
        hang = maybe(behavior.hangs_after)
        pre_stop = draw(behavior.pre_stop) if behavior.pre_stop != 0.0 else [0.0] * n
        now = self._clock.now
        pods = []
        for i in range(n):
            pod = PodRecord(uids[i], names[i], namespace, owner, owner_uid, template, behavior, now)
            pod.pull = pull[i]
            pod.start_delay = start[i]
            pod.warmup = math.inf if behavior.never_ready else warmup[i]
            pod.shutdown = shutdown[i]
            pod.crash_after = crash[i]
            pod.unready_after = unready[i]
            pod.hang_after = hang[i]
            pod.pre_stop = pre_stop[i]
            self.index.by_name[(namespace, names[i])] = pod
            pods.append(pod)
            self._after(schedule[i], self._bind, pod)
        return pods

    def _after(self, delay: float, action: Callable[[PodRecord], None], pod: PodRecord) -> None:
        """Run ``action`` in ``delay`` seconds unless the container has changed since, or
        the pod was deleted."""
        epoch = pod.epoch

        def fire(p: PodRecord) -> None:
            if p.epoch == epoch and p.deleted_at is None:
                action(p)

        self._clock.at(delay, fire, pod)

    def _after_stop(
        self, delay: float, action: Callable[[PodRecord], None], pod: PodRecord
    ) -> None:
        """As ``_after``, for the steps of stopping a container: they go on once the pod
        is deleted too."""
        epoch = pod.epoch

        def fire(p: PodRecord) -> None:
            if p.epoch == epoch:
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
        pod.probers = self._probers(pod)
        self._changed(pod)
        self._pull(pod)

    def _probers(self, pod: PodRecord) -> dict[str, Prober] | None:
        """The first container's probe workers, their tickers started now: the kubelet
        adds them when it first syncs the pod (``prober.Manager.AddPod``)."""
        container = pod.template.spec.containers[0]
        probes = (
            ("Startup", container.startup_probe),
            ("Readiness", container.readiness_probe),
            ("Liveness", container.liveness_probe),
        )
        now = self._clock.now
        found = {kind: Prober(probe_timing(kind, p), now) for kind, p in probes if p is not None}
        return found or None

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
            self._image_present(pod)
            return
        self._after(pod.start_delay, self._start, pod)

    def _start(self, pod: PodRecord) -> None:
        """The container runs: its application starts warming up, its probers count
        from now, and without a startup or readiness probe it is Ready at once
        ("no readinessProbe -> always ready", ``UpdatePodStatus``)."""
        now = self._clock.now
        pod.phase = "Running"
        pod.started = True
        pod.started_at = now
        pod.waiting_reason = ""
        self._event(pod, "Normal", "Created", f"Created container: {pod.container}")
        self._event(pod, "Normal", "Started", f"Started container: {pod.container}")
        probers = pod.probers or {}
        pod.startup_done = "Startup" not in probers
        if "Startup" in probers:
            probers["Startup"].arm(now, now, trigger=False)
        else:
            self._arm_started(pod)
        if pod.crash_after is not None:
            self._after(pod.crash_after, self._crash, pod)
        if pod.warmup <= 0:
            self._warmed(pod)
            return
        if pod.warmup < math.inf:
            self._after(pod.warmup, self._warmed, pod)
        self._set_app(pod, "warming")

    def _arm_started(self, pod: PodRecord) -> None:
        """The container counts as started: liveness and readiness probing begin (the
        readiness worker at once), or, without a readinessProbe, it is ready."""
        probers = pod.probers or {}
        now = self._clock.now
        assert pod.started_at is not None
        if "Liveness" in probers:
            probers["Liveness"].arm(pod.started_at, now, trigger=False)
        if "Readiness" in probers:
            probers["Readiness"].arm(pod.started_at, now, trigger=True)
        else:
            pod.containers_ready = True
            self._update_ready(pod)

    def _warmed(self, pod: PodRecord) -> None:
        """The application answers correctly from now; its faults count from here."""
        if pod.unready_after is not None:
            self._after(pod.unready_after, self._fails, pod)
        if pod.hang_after is not None:
            self._after(pod.hang_after, self._hangs, pod)
        self._set_app(pod, "serving")

    def _fails(self, pod: PodRecord) -> None:
        if pod.app == "serving":
            self._set_app(pod, "failing")

    def _hangs(self, pod: PodRecord) -> None:
        if pod.app in ("serving", "failing"):
            self._set_app(pod, "hung")

    def _set_app(self, pod: PodRecord, app: str) -> None:
        pod.app = app
        pod.serving = app == "serving"
        self._plan_probes(pod)
        self._changed(pod)

    def _plan_probes(self, pod: PodRecord) -> None:
        """Plan every armed prober again under the application's new answers: the
        ``Unhealthy`` events of the failing probes to come, and the probe at which its
        result is published (``worker.doProbe``'s thresholds)."""
        if pod.probers is None:
            return
        pod.probe_epoch += 1
        now = self._clock.now
        container = pod.template.spec.containers[0]
        latency = as_distribution(pod.behavior.latency).mean
        for kind, prober in pod.probers.items():
            prober.catch_up(now, prober.current)
            prober.current = answer(prober.timing, pod.app, pod.ip, container, latency)
            failures, reached, _ = prober.plan(prober.current)
            message = f"{kind} probe failed: {prober.current.output}"
            for t in failures:
                self._probe_at(pod, t - now, self._unhealthy, message)
            if reached is not None:
                self._probe_at(pod, reached - now, self._published, kind)

    def _probe_at(
        self,
        pod: PodRecord,
        delay: float,
        action: Callable[[PodRecord, str], None],
        argument: str,
    ) -> None:
        epoch, probe_epoch = pod.epoch, pod.probe_epoch

        def fire(p: PodRecord) -> None:
            if p.epoch == epoch and p.probe_epoch == probe_epoch and p.deleted_at is None:
                action(p, argument)

        self._clock.at(max(delay, 0.0), fire, pod)

    def _unhealthy(self, pod: PodRecord, message: str) -> None:
        self._event(pod, "Warning", "Unhealthy", message)

    def _published(self, pod: PodRecord, kind: str) -> None:
        """A prober's run reached its threshold: readiness sets the container's
        readiness; a failed liveness or startup probe has the container restarted
        (``computePodActions``); a passed startup probe lets the others begin."""
        assert pod.probers is not None
        prober = pod.probers[kind]
        success = prober.current.success
        if kind == "Readiness":
            pod.containers_ready = success
            self._update_ready(pod)
            self._changed(pod)
        elif kind == "Startup" and success:
            pod.startup_done = True
            prober.disarm()
            self._arm_started(pod)
            self._plan_probes(pod)
            self._changed(pod)
        elif not success:
            will = "" if self._never_restarts(pod) else ", will be restarted"
            message = f"Container {pod.container} failed {kind.lower()} probe{will}"
            grace = prober.timing.termination_grace
            seconds = float(grace if grace is not None else grace_period(pod))
            self._stop_container(pod, message, seconds, self._restart)

    def _never_restarts(self, pod: PodRecord) -> bool:
        return pod.template.spec.restart_policy == "Never"

    def _update_ready(self, pod: PodRecord) -> None:
        """Pod Ready: its containers are ready and every readiness gate's condition is
        True (``GeneratePodReadyCondition``); a pod no longer Ready is no longer
        available."""
        ready = pod.containers_ready and all(
            (pod.gates or {}).get(gate) == "True" for gate in readiness_gates(pod)
        )
        if ready != pod.ready:
            pod.ready = ready
            pod.ready_since = self._clock.now
            if not ready:
                pod.available = False

    def set_condition(self, pod: PodRecord, condition_type: str, status: str) -> None:
        """Set a condition of the pod's status, as a router or ``kubectl patch
        --subresource=status`` does for a readiness gate; Ready follows."""
        if pod.gates is None:
            pod.gates = {}
        pod.gates[condition_type] = status
        self._update_ready(pod)
        self._changed(pod)

    def _stop_container(
        self,
        pod: PodRecord,
        message: str,
        grace: float,
        then: Callable[[PodRecord], None],
    ) -> None:
        """Kill the running container as ``killContainer`` does: the ``Killing`` event, the
        preStop hook, SIGTERM, and SIGKILL once the grace period is up; the application
        serves until it exits. ``then`` runs once it has (unless the pod was deleted
        meanwhile: then the pod is gone)."""
        pod.stopping = True
        pod.epoch += 1
        for prober in (pod.probers or {}).values():
            prober.disarm()
        self._event(pod, "Normal", "Killing", message)
        hook = pre_stop_hook(pod.template.spec.containers[0], pod.app, pod.pre_stop)
        if hook is not None and hook.fails and grace > 0:
            self._event(pod, "Warning", "FailedPreStopHook", "PreStopHook failed")
        timeline = stop_timeline(grace, hook)
        if pod.app == "hung":
            exit_at, code = timeline.sigkill, 137
        else:
            exit_at = min(timeline.sigterm + pod.shutdown, timeline.sigkill)
            code = 137 if timeline.sigterm + pod.shutdown > timeline.sigkill else 0
        reason = "Error" if code else "Completed"

        def exited(p: PodRecord) -> None:
            self._exited(p, reason, code)
            if p.deleted_at is not None:
                self._gone(p)
            else:
                then(p)

        self._after_stop(exit_at, exited, pod)

    def _exited(self, pod: PodRecord, reason: str, code: int) -> None:
        """The container has exited: nothing runs until the next one starts."""
        assert pod.started_at is not None
        pod.last_exit = (reason, code, pod.started_at, self._clock.now)
        pod.epoch += 1
        pod.stopping = False
        pod.started = False
        pod.startup_done = False
        pod.app = "off"
        pod.serving = False
        pod.containers_ready = False
        self._update_ready(pod)
        pod.available = False

    def _restart(self, pod: PodRecord) -> None:
        """Start the container again after the kubelet's back-off (``doBackOff``), or,
        with ``restartPolicy: Never``, leave the pod Failed."""
        if self._never_restarts(pod):
            pod.phase = "Failed"
            self._changed(pod)
            return
        pod.restarts += 1
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
        self._after(backoff, self._image_present, pod)

    def _image_present(self, pod: PodRecord) -> None:
        """A restart: the image is on the node already (``EnsureImageExists``)."""
        message = f'Container image "{pod.image}" already present on machine'
        self._event(pod, "Normal", "Pulled", message)
        self._after(pod.start_delay, self._start, pod)

    def _crash(self, pod: PodRecord) -> None:
        """The application exits on its own (``crash_loop``), with an error."""
        self._exited(pod, "Error", 1)
        self._restart(pod)

    def terminate(self, pod: PodRecord, grace: int | None = None) -> None:
        """Delete a pod: it leaves every count now; its container is stopped as
        ``killContainer`` does (preStop, SIGTERM, grace period), and the pod is gone
        once it has exited. A pod with no running container is gone at once.

        ``grace`` is the delete's own grace period (``DeleteOptions``, ``kubectl delete
        --grace-period``), else the spec's; 0 is a force deletion: the pod is gone from
        the API at once, whatever its container still does."""
        if pod.deleted_at is not None:
            return
        pod.deleted_at = self._clock.now
        pod.deletion_grace = grace_period(pod) if grace is None else grace
        pod.available = False
        if pod.stopping and pod.deletion_grace > 0:
            # A restart's kill is under way: the pod is gone when that container exits.
            self._changed(pod)
            return
        if not pod.started or pod.deletion_grace <= 0:
            pod.epoch += 1
            self._changed(pod)
            self._clock.at(0.0, self._gone, pod)
            return
        message = f"Stopping container {pod.container}"
        self._stop_container(pod, message, float(pod.deletion_grace), self._gone)
        self._changed(pod)

    def _gone(self, pod: PodRecord) -> None:
        pod.serving = False
        pod.epoch += 1
        if self.index.by_name.get((pod.namespace, pod.name)) is not pod:
            return
        del self.index.by_name[(pod.namespace, pod.name)]
        self.index.orphans.pop(pod.uid, None)
        for handler in self._on_gone:
            handler(pod)

    def view(self, pod: PodRecord) -> Pod:
        """The pod as the API server would return it."""
        return pod_view(pod)
