"""The simulated cluster: a façade that wires the world's parts and the controllers.

``Cluster`` builds the parts a controller is handed (``rollsim.world``: the
clock, the store, the work queues, the event log, the random streams), the
kubelet with its pod index, the metrics recorder, and then every controller,
each with the narrow parts it needs, as kube-controller-manager's
``NewControllerInitializers`` does. Its methods are the public API; they
delegate to the store, the verbs (``rollsim.verbs``) and the recorder.

Order is part of the model: pod transitions first, then the controllers to
quiescence (their queues drain in registration order: ReplicaSets before
Deployments, so a sync reads fresh ReplicaSet status), then the recorder's
row. Nothing reads the wall clock; every draw comes from one of the random
streams made from ``seed``.
"""

from __future__ import annotations

import builtins
import gc
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from numbers import Integral
from typing import Any

from rollsim.api.apps import Deployment, ReplicaSet
from rollsim.api.argo import Rollout
from rollsim.api.core import Pod
from rollsim.api.errors import (
    ApplyError,
    FieldError,
    InvalidOperation,
    ValidationError,
    not_found,
)
from rollsim.api.inert import InertObject, default_inert
from rollsim.api.kinds import KindInfo, workloads
from rollsim.api.meta import LabelSelector, ObjectMeta
from rollsim.api.names import qualified_name_errors
from rollsim.behavior import PodBehavior, PodBehaviors
from rollsim.controllers.context import ControllerContext
from rollsim.controllers.endpoints import EndpointsController
from rollsim.controllers.registry import CONTROLLERS
from rollsim.dist import as_distribution, check_seconds, invalid_argument
from rollsim.kubelet import Kubelet
from rollsim.kubelet.status import KUBELET_CONDITIONS
from rollsim.metrics import Recorder
from rollsim.summary import RolloutSummary, latency_percentiles, summarize
from rollsim.timeline import Timeline
from rollsim.traffic import Traffic, TrafficFlow, noise_stream, start_flow
from rollsim.verbs import apply as apply_verbs
from rollsim.verbs import create as create_verbs
from rollsim.verbs import delete as delete_verbs
from rollsim.verbs import deployments, rollouts
from rollsim.verbs import labels as label_verbs
from rollsim.verbs import patch as patch_verbs
from rollsim.verbs.budget import DEFAULT_MAX_PODS
from rollsim.world.clock import Clock
from rollsim.world.events import Event, EventLog
from rollsim.world.random import RandomStreams
from rollsim.world.store import SYSTEM_NAMESPACES, Store
from rollsim.world.workqueue import Workqueues

__all__ = ["Cluster", "Event"]

Ref = str | tuple[str, str]


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


def _check_arguments(seed: int, latency: float | Mapping[str, float], max_pods: int) -> None:
    """Refuse what would otherwise fail deep in NumPy or stall the clock, naming the argument."""
    for name, value in (("seed", seed), ("max_pods", max_pods)):
        if isinstance(value, bool) or not isinstance(value, Integral) or value < 0:
            raise invalid_argument("Cluster", name, value, "must be a non-negative integer")
    if isinstance(latency, Mapping):
        for controller, seconds in latency.items():
            check_seconds("Cluster", f"latency[{controller}]", seconds)
    else:
        check_seconds("Cluster", "latency", latency)


class Cluster:
    """A deterministic, in-memory Kubernetes control plane.

    ``pods`` is the default ``PodBehavior``; ``images`` maps an image to its own.
    ``latency`` (seconds, or per controller: ``{"deployment": 0.5}``) delays
    each controller's reaction to changes; the default 0 is an idealised
    control plane, which upstream's unit tables assume.

    ``max_pods`` is the simulation budget, rollsim's own limit (the API server
    has none): the most pods the cluster's workloads may ask for, counting
    each rollout's surge and Flagger's primary copies. ``apply``, ``patch`` and
    ``scale`` refuse a write that would exceed it with a ``ValidationError``
    naming the field (``spec.replicas``) and change nothing. The default, two
    million, is about 8 GB of pod records (4 KB a pod, measured) and 13 times
    Kubernetes' scalability target of 150,000 pods per cluster.
    """

    def __init__(
        self,
        seed: int = 0,
        pods: PodBehavior | None = None,
        images: Mapping[str, PodBehavior] | None = None,
        latency: float | Mapping[str, float] = 0.0,
        max_pods: int = DEFAULT_MAX_PODS,
    ) -> None:
        _check_arguments(seed, latency, max_pods)
        self.seed = seed
        #: The simulation budget: the most pods the workloads may ask for.
        self.max_pods = max_pods
        self.clock = Clock()
        self.random = RandomStreams(seed)
        self.behaviors = PodBehaviors(pods if pods is not None else PodBehavior(), images or {})
        self.store = Store(self._new_uid, lambda: self.clock.now, self.random.stream("node-ports"))
        self._create_system_namespaces()
        self.queues = Workqueues(self.clock, latency)
        self._log = EventLog(self.clock)
        recorder = self._log.recorder
        self.kubelet = Kubelet(
            self.clock, recorder("kubelet"), self.behaviors, self.random.stream("pod-timings")
        )
        self.recorder = Recorder(self.store, self.kubelet.index, self.clock)
        self.endpoints = EndpointsController(
            self.store, self.kubelet, self.clock, self.recorder.changed
        )
        context = ControllerContext(
            store=self.store,
            kubelet=self.kubelet,
            queues=self.queues,
            clock=self.clock,
            events=recorder,
            recorder=self.recorder,
            endpoints=self.endpoints,
            behaviors=self.behaviors,
            random=self.random,
        )
        #: The running controllers by name, started in ``CONTROLLERS`` order.
        self.controllers = {name: start(context) for name, start in CONTROLLERS.items()}

    def _create_system_namespaces(self) -> None:
        """``default`` and the kube-* namespaces, as a new cluster has them; their UIDs
        come from a stream of their own, so no other draw moves."""
        uids = self.random.stream("namespaces")
        for name in SYSTEM_NAMESPACES:
            uid = str(uuid.UUID(bytes=uids.bytes(16), version=4))
            namespace = InertObject("v1", "Namespace", ObjectMeta(name=name, uid=uid))
            self.store.create(default_inert(namespace))

    # Time.

    @property
    def now(self) -> float:
        """Simulated seconds since the cluster started."""
        return self.clock.now

    def run(self, until: float | None = None) -> None:
        """Advance the clock to ``until`` (absolute seconds), processing everything at it.

        Without ``until``, run until nothing is left to happen.
        """
        if until is not None and until < self.now:
            raise ValueError(f"until={until} is before now ({self.now})")
        with _cyclic_gc_paused():
            self.clock.run(until)

    def run_until_complete(
        self, ref: Ref, timeout: float = 3600.0, namespace: str = "default"
    ) -> bool:
        """Run until the rollout of ``ref`` is complete, at most ``timeout`` seconds more.

        Complete means what ``kubectl rollout status`` reports as "successfully
        rolled out": the spec change observed, every replica updated, no old
        replica left, every updated replica available. Returns whether it
        completed; the clock stops at the completing instant.
        """
        info, name = self._resolve(ref)
        deadline = self.now + timeout
        self.run(self.now)
        while True:
            state = self._rollout_state(info, namespace, name)
            if state != "running":
                return state == "complete"
            next_time = self.clock.next_event_time()
            if next_time > deadline:
                self.run(deadline)
                return self._rollout_state(info, namespace, name) == "complete"
            self.run(next_time)

    def _rollout_state(self, info: KindInfo, namespace: str, name: str) -> str:
        """``complete``, ``failed`` (nothing more will happen without a user), or ``running``."""
        obj = self.store.get(info.kind, namespace, name)
        if obj is None:
            raise not_found(info.resource, name)
        if info.rollout_status is None:
            raise ValueError(f"no rollout status for kind {info.kind}")
        rss = (
            info.workload.replica_sets(self.store, obj)
            if info.workload is not None
            else self.store.owned_replica_sets(obj.metadata.uid)
        )
        return info.rollout_status(obj, rss)

    # Bookkeeping.

    def _new_uid(self) -> str:
        return str(uuid.UUID(bytes=self.random.names.bytes(16), version=4))

    @property
    def events(self) -> list[Event]:
        """Every event so far, in the order they happened."""
        return list(self._log.events)

    @property
    def pod_behavior(self) -> PodBehavior:
        """The behaviour of a pod whose image has none of its own."""
        return self.behaviors.default

    @property
    def images(self) -> dict[str, PodBehavior]:
        """Behaviours by image."""
        return self.behaviors.images

    # Reading objects.

    def _resolve(self, ref: Ref, name: str | None = None) -> tuple[KindInfo, str]:
        if isinstance(ref, tuple):
            kind_text, obj_name = ref
        elif name is not None:
            kind_text, obj_name = ref, name
        elif "/" in ref:
            kind_text, obj_name = ref.split("/", 1)
        else:
            raise ValueError(f"expected KIND/NAME, got {ref!r}")
        info = self.store.discovery.lookup(kind_text)
        if info is None:
            raise ValueError(f'the server doesn\'t have a resource type "{kind_text}"')
        return info, obj_name

    def get(self, kind: str, name: str | None = None, namespace: str = "default") -> Any:
        """One object, e.g. ``get("deployment", "web")`` or ``get("deploy/web")``."""
        info, name = self._resolve(kind, name)
        if info.kind == "Pod":
            pod = self.kubelet.pods.get((namespace, name))
            if pod is None:
                raise not_found("pods", name)
            return self.kubelet.view(pod)
        obj = self.store.get(info.store_key, namespace if info.namespaced else "", name)
        if obj is None:
            raise not_found(info.resource, name)
        return obj

    def list(
        self, kind: str, namespace: str | None = "default", selector: LabelSelector | None = None
    ) -> builtins.list[Any]:
        """Objects of a kind, sorted by name; ``namespace=None`` lists all namespaces."""
        info = self._resolve(kind, "")[0]
        if info.kind == "Pod":
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
            items = self.store.list(info.store_key, namespace if info.namespaced else None)
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
        """Offer ``traffic`` from now on, as a load generator aimed at its target does.

        A target that does not exist yet is bound when it appears; until then a
        ``TrafficUnbound`` warning event says so and every request fails (see
        ``rollsim.traffic.start_flow``). Flows add up; each keeps its own counts,
        and its noise draws from a stream of its own. Counts feed timelines,
        summaries and analyses. Each flow's Timeline columns are under its name
        (``tl.flows["beta"]``), so a second flow of the same name is refused, before
        anything is bound.
        """
        if traffic.name and any(f.traffic.name == traffic.name for f in self.recorder.flows):
            raise invalid_argument(
                "Traffic", "name", traffic.name, "a traffic flow of this name was already added"
            )
        stream = self.random.stream(noise_stream(len(self.recorder.flows)))
        flow = start_flow(
            traffic, self.store, self.endpoints, self._log.recorder("traffic"), self.now, stream
        )
        self.recorder.add_flow(flow)
        return flow

    def timeline(self, ref: Ref, namespace: str = "default") -> Timeline:
        """The workload's recorded history as NumPy columns (see ``rollsim.Timeline``)."""
        self.run(self.now)
        info, name = self._resolve(ref)
        recorded = workloads()
        if info.kind not in recorded:
            raise ValueError(f"timelines are recorded for {', '.join(recorded)}, not {info.kind}")
        return self.recorder.timeline(info.kind, namespace, name)

    def summary(self, ref: Ref, namespace: str = "default") -> RolloutSummary:
        """Figures of the workload's most recent rollout (see ``rollsim.RolloutSummary``)."""
        return summarize(self.timeline(ref, namespace))

    def latency(
        self,
        ref: Ref,
        quantiles: Sequence[float] = (0.5, 0.95, 0.99),
        namespace: str = "default",
    ) -> dict[float, float]:
        """Request latency percentiles (seconds) during the most recent rollout: the
        mixture of every version's ``PodBehavior.latency``, weighted by requests served."""
        tl = self.timeline(ref, namespace)
        summary = summarize(tl)
        latencies = {}
        for name in tl.by_replica_set:
            rs = self.store.get(ReplicaSet, namespace, name)
            if rs is not None:
                behavior = self.behaviors.for_template(rs.spec.template)
                latencies[name] = as_distribution(behavior.latency)
        return latency_percentiles(
            tl, latencies, quantiles, summary.start, summary.start + summary.duration
        )

    # Writing objects.

    def apply(self, source: Any, namespace: str | None = None) -> apply_verbs.Applied:
        """Create or update objects like ``kubectl apply -f``, one document at a time.

        ``source`` is a path, YAML text (multi-document), a dict, an API object
        or a list of those. Returns the stored objects, one per document (a
        document naming an object an earlier one created updates it), with
        ``not_simulated``: the objects created of kinds rollsim stores but does
        not simulate, each also reported by a ``NotSimulated`` warning event.
        A document that is invalid, names a missing namespace or would exceed
        ``max_pods`` changes nothing; the others are applied. A lone refused
        document raises its ``ValidationError`` (or ``NotFoundError``); several
        refusals, or one beside applied documents, raise ``ApplyError`` (a
        ``ValidationError``) listing each, with ``applied``. ``namespace`` is
        kubectl's ``-n``: where documents naming none go (else ``default``), and
        a document naming another is refused.
        """
        try:
            applied = apply_verbs.apply(
                self.store,
                source,
                self.max_pods,
                namespace or "default",
                enforce_namespace=namespace is not None,
            )
        except ApplyError as err:
            self._report_not_simulated(err.applied)
            raise
        self._report_not_simulated(applied)
        return applied

    def create(
        self,
        source: Any,
        namespace: str | None = None,
        dry_run: create_verbs.DryRun = "none",
        where: str = "",
    ) -> apply_verbs.Applied:
        """Create objects like ``kubectl create -f``: every document in turn, each refused
        on its own (``AlreadyExists`` for a taken name, a missing or terminating
        namespace); no last-applied record. Raises ``CreateError`` (an ``ApplyError``)
        with each refusal in ``failures`` and what was created in ``applied``.
        ``dry_run`` is kubectl's ``--dry-run``: nothing is written. ``where`` names the
        source in errors (a path given as ``source`` names itself)."""
        try:
            created = create_verbs.create(
                self.store,
                source,
                self.max_pods,
                namespace or "default",
                namespace is not None,
                where or (source if isinstance(source, str) and "\n" not in source else ""),
                dry_run,
            )
        except create_verbs.CreateError as err:
            if dry_run == "none":
                self._report_not_simulated(err.applied)
            raise
        if dry_run == "none":
            self._report_not_simulated(created)
        return created

    def _report_not_simulated(self, applied: apply_verbs.Applied) -> None:
        """A warning event for each object created whose kind rollsim only stores."""
        for obj in applied.not_simulated:
            kind = obj.kind.split(".", 1)[0]
            self._log.recorder("rollsim").event(
                "Warning",
                "NotSimulated",
                kind,
                obj.metadata.name,
                f"{kind} stored, not simulated: nothing in rollsim acts on it",
                obj.metadata.namespace,
            )

    def delete(
        self,
        ref: Ref,
        name: str | None = None,
        namespace: str = "default",
        cascade: str = "background",
        grace_period: int | None = None,
    ) -> None:
        """Delete an object as ``kubectl delete --cascade=... --grace-period=...`` does.

        ``background``: gone now, its dependents (ReplicaSets, pods) after it;
        ``foreground``: listed with a deletionTimestamp until its dependents are
        gone; ``orphan``: gone now, its dependents kept without their reference
        to it (a Deployment's ReplicaSets keep their pods, and a new Deployment
        selecting them adopts them). Another value raises ``InvalidOperation``
        in kubectl's words. ``grace_period`` replaces a pod's
        terminationGracePeriodSeconds for this deletion (0: gone at once).
        """
        if grace_period is not None and (
            isinstance(grace_period, bool) or not isinstance(grace_period, int) or grace_period < 0
        ):
            raise invalid_argument(
                "Cluster.delete", "grace_period", grace_period, "must be an int >= 0"
            )
        info, obj_name = self._resolve(ref, name)
        delete_verbs.delete(
            self.store, self.kubelet, info, namespace, obj_name, cascade, self.now, grace_period
        )

    def patch(
        self,
        ref: Ref,
        patch: Any,
        namespace: str = "default",
        type: str = "merge",
    ) -> Any:
        """Patch an object as ``kubectl patch --type merge|json|strategic`` does: a JSON
        merge patch (RFC 7386, the default here), a JSON patch (RFC 6902, a list of
        operations) or a strategic merge patch (lists merged by their merge keys;
        refused for custom resources, as the API server refuses it).

        The patched object is decoded, defaulted and validated like a manifest;
        on any error nothing changes.
        """
        info, name = self._resolve(ref)
        # A bare pod is patched as stored; ``get`` gives the kubelet's view of it.
        stored = self.store.get(info.store_key, namespace, name) if info.kind == "Pod" else None
        current = stored if stored is not None else self.get(info.kind, name, namespace)
        change = patch_verbs.as_merge_patch(current, patch, type, info)
        return apply_verbs.patch(self.store, current, change, self.max_pods)

    def set_pod_condition(
        self, name: str, condition_type: str, status: str = "True", namespace: str = "default"
    ) -> Pod:
        """Set a condition in a pod's status, as a load balancer controller does for the
        pod's readiness gate (or ``kubectl patch pod --subresource=status``): a pod with
        ``spec.readinessGates`` is Ready only once each gate's condition is True.
        Returns the pod as the API server then returns it.

        As ``validatePodConditions``, the type must be a qualified name and the
        status is free text (only "True" satisfies a gate); the conditions the
        kubelet owns (Ready, ContainersReady, ...) are its own to set.
        """
        record = self.kubelet.pods.get((namespace, name))
        if record is None:
            raise not_found("pods", name)
        types = [c.type for c in self.kubelet.view(record).status.conditions]
        if condition_type in KUBELET_CONDITIONS:
            raise InvalidOperation(
                f"the kubelet sets the {condition_type} condition of pod {name!r}: rollsim "
                "does not simulate writing it"
            )
        index = types.index(condition_type) if condition_type in types else len(types)
        errors = [
            FieldError("Invalid value", f"status.conditions[{index}].Type", m, condition_type)
            for m in qualified_name_errors(condition_type)
        ]
        if errors:
            raise ValidationError(errors, "Pod", name)
        self.kubelet.set_condition(record, condition_type, status)
        return self.kubelet.view(record)

    def label(self, ref: Ref, labels: Mapping[str, str | None], namespace: str = "default") -> Any:
        """``kubectl label``: set each label given a value, remove each given ``None``.

        A pod made by a ReplicaSet is relabelled where it runs; relabelled out of
        its ReplicaSet's selector it is released, and the ReplicaSet replaces it.
        """
        info, name = self._resolve(ref)
        return label_verbs.relabel(
            self.store, self.kubelet, info, namespace, name, labels, self.max_pods
        )

    def scale(self, ref: Ref, replicas: int, namespace: str = "default") -> Any:
        """Set ``spec.replicas`` of a Deployment or ReplicaSet (``kubectl scale``)."""
        current = self._current(ref, namespace)
        return deployments.scale(self.store, current, replicas, self.max_pods)

    def set_image(
        self,
        ref: Ref,
        images: Mapping[str, str] | None = None,
        namespace: str = "default",
        **by_container: str,
    ) -> Any:
        """``kubectl set image``: ``set_image(ref, nginx="nginx:1.25")``; ``*``: all containers."""
        wanted = {**(images or {}), **by_container}
        return deployments.set_image(self.store, self._current(ref, namespace), wanted)

    def pause(self, ref: Ref, namespace: str = "default") -> Deployment:
        """``kubectl rollout pause``."""
        return deployments.set_paused(self.store, self._current(ref, namespace), True)

    def resume(self, ref: Ref, namespace: str = "default") -> Deployment:
        """``kubectl rollout resume``."""
        return deployments.set_paused(self.store, self._current(ref, namespace), False)

    def restart(self, ref: Ref, namespace: str = "default") -> Deployment:
        """``kubectl rollout restart``: stamp the template with restartedAt."""
        return deployments.restart(self.store, self._current(ref, namespace), self.now)

    def rollback(self, ref: Ref, to_revision: int = 0, namespace: str = "default") -> str:
        """``kubectl rollout undo``: returns ``rolled back`` or ``skipped rollback (...)``.

        ``to_revision=0`` means the previous revision. Raises
        ``InvalidOperation`` with kubectl's message when the revision does not
        exist.
        """
        return deployments.rollback(self.store, self._current(ref, namespace), to_revision)

    def promote(self, ref: Ref, full: bool = False, namespace: str = "default") -> Any:
        """``kubectl argo rollouts promote [--full]``: clear the pause conditions (or,
        without any, skip the current step); ``full`` skips every remaining step."""
        return rollouts.promote(self.store, self._rollout(ref, namespace), full)

    def abort(self, ref: Ref, namespace: str = "default") -> Any:
        """``kubectl argo rollouts abort``: back to the stable version."""
        return rollouts.abort(self.store, self._rollout(ref, namespace), self.now)

    def retry(self, ref: Ref, namespace: str = "default") -> Any:
        """``kubectl argo rollouts retry rollout``: clear the abort; steps start over."""
        return rollouts.retry(self.store, self._rollout(ref, namespace))

    def undo_rollout(self, name: str, to_revision: int = 0, namespace: str = "default") -> Any:
        """``kubectl argo rollouts undo``: the template of revision ``to_revision`` (0: the
        previous one) back into the Rollout; the controller reuses that ReplicaSet."""
        return rollouts.undo(self.store, self._rollout(name, namespace), to_revision)

    def _current(self, ref: Ref, namespace: str) -> Any:
        info, name = self._resolve(ref)
        return self.get(info.kind, name, namespace=namespace)

    def _rollout(self, ref: Ref, namespace: str) -> Rollout:
        if isinstance(ref, str) and "/" not in ref:
            ref = ("Rollout", ref)
        info, name = self._resolve(ref)
        if info.kind != "Rollout":
            raise InvalidOperation(f"{info.kind} is not an Argo Rollout")
        rollout: Rollout = self.get("Rollout", name, namespace=namespace)
        return rollout
