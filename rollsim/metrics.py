"""The metrics recorder: one row per workload at the end of every instant with changes.

The ``Recorder`` samples every workload kind registered in ``rollsim.api.kinds``
(Deployment; Argo's Rollout and Flagger's Canary register themselves) after the
controllers settled, so the columns are exact step functions of time. Rows go
into compact ``array('d')`` buffers and become NumPy arrays in a
``rollsim.timeline.Timeline``. Request counts come from the fluid traffic model
and are cumulative (piecewise linear between rows).

The recorder reads the store and the kubelet's pod index; it never scans pods.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from rollsim.api.apps import ReplicaSet
from rollsim.api.argo import Rollout
from rollsim.api.flagger import Canary
from rollsim.api.kinds import Workload, WorkloadFacts, workloads
from rollsim.pods import PodIndex, ReplicaSetPods
from rollsim.timeline import (
    CUMULATIVE,
    FLOW_COLUMNS,
    GAUGES,
    REVISION_GAUGES,
    FlowTimeline,
    RevisionTimeline,
    Timeline,
)
from rollsim.traffic import FlowSum, TrafficFlow
from rollsim.world.clock import RECORDER_PRIORITY, Clock
from rollsim.world.store import Store

__all__ = ["Recorder", "analysis_service", "flow_names"]

Array = npt.NDArray[np.float64]


def _buffers(names: tuple[str, ...]) -> dict[str, array[float]]:
    return {name: array("d") for name in names}


def analysis_service(about: Rollout | Canary, analysis: str) -> str:
    """The Service whose requests an analysis of ``about`` is about ("" if none).

    Argo: ``canaryService`` for a canary's step and background runs (the
    canary pods' own Service); for blue-green, ``previewService`` before
    promotion and ``activeService`` after it (``analysis`` is the run's kind:
    ``step``, ``background``, ``pre-promotion``, ``post-promotion``). Flagger
    measures the canary workload behind ``<target>-canary``, the Service its
    router sends the canary weight to.
    """
    if isinstance(about, Canary):
        return f"{about.spec.target_ref.name}-canary"
    strategy = about.spec.strategy
    if strategy.blue_green is not None:
        if analysis == "pre-promotion":
            return strategy.blue_green.preview_service
        if analysis == "post-promotion":
            return strategy.blue_green.active_service
        return ""
    return strategy.canary.canary_service if strategy.canary is not None else ""


class _ReplicaSetSeries:
    __slots__ = ("columns", "first", "name", "revision", "uid")

    def __init__(self, uid: str, name: str, first: int) -> None:
        self.uid = uid
        self.name = name
        self.revision = 0
        self.first = first
        self.columns = _buffers(REVISION_GAUGES + CUMULATIVE)


@dataclass
class _Rollout:
    start: float
    targets: tuple[str, ...] = ()
    end: float | None = None
    rolled_back: bool = False


class _DeploymentSeries:
    def __init__(self) -> None:
        self.t: array[float] = array("d")
        self.columns = _buffers(GAUGES + CUMULATIVE)
        self.replica_sets: dict[str, _ReplicaSetSeries] = {}
        #: The ReplicaSets sampled in the last row: those the next row continues.
        self.sampled: tuple[_ReplicaSetSeries, ...] = ()
        self.rollouts: list[_Rollout] = []
        self.template: Any = None
        #: Every flow seen reaching this workload, in the order added: their counts
        #: stay with it even after a selector moves away.
        self.flows: tuple[TrafficFlow, ...] = ()


class _WorkloadTraffic:
    """The flows reaching one workload, read as the sum of what each sends its pods.

    One flow reads exactly as that flow (the sums of one term are its values),
    so a single flow's columns are what they always were.
    """

    def __init__(self, flows: Sequence[TrafficFlow], now: float) -> None:
        self.flows = flows
        self._rates = [flow.traffic.rate(now) for flow in flows]
        self.rps = math.fsum(self._rates)
        if len(flows) == 1:
            self._shares = flows[0].shares()
        else:
            self._shares = self._weighted_shares() if flows else {}

    def _weighted_shares(self) -> dict[str, float]:
        """Each ReplicaSet's share of all the workload's requests, the flows weighted by
        their rates now (equally while none offers any)."""
        total = self.rps
        weights = (
            [r / total for r in self._rates]
            if total > 0
            else [1 / len(self.flows)] * len(self.flows)
        )
        shares: dict[str, float] = {}
        for flow, weight in zip(self.flows, weights, strict=True):
            for uid, share in flow.shares().items():
                shares[uid] = shares.get(uid, 0.0) + weight * share
        return shares

    def share(self, uid: str) -> float:
        return self._shares.get(uid, 0.0)

    def listed(self, uid: str) -> int:
        """Endpoints of this ReplicaSet in the busiest route: a pod listed by two
        Services is one endpoint, not two."""
        counts = (flow.route.counts.get(uid) for flow in self.flows)
        return max((c.listed for c in counts if c is not None), default=0)

    def sent(self, uid: str) -> float:
        return math.fsum(flow.sent.get(uid, 0.0) for flow in self.flows)

    def failed_by_rs(self, uid: str) -> float:
        return math.fsum(flow.failed_by_rs.get(uid, 0.0) for flow in self.flows)

    @property
    def offered(self) -> float:
        return math.fsum(flow.offered for flow in self.flows)

    @property
    def failed(self) -> float:
        return math.fsum(flow.failed for flow in self.flows)


class Recorder:
    """Samples every workload (and its ReplicaSets) after each instant with changes."""

    def __init__(self, store: Store, pods: PodIndex, clock: Clock) -> None:
        self._store = store
        self._pods = pods
        self._clock = clock
        self._due = False
        self.flows: list[TrafficFlow] = []
        self.series: dict[tuple[str, str, str], _DeploymentSeries] = {}
        store.watchers.append(self._object_written)

    def add_flow(self, flow: TrafficFlow) -> None:
        """Count ``flow`` from now on; a second flow of the same name is refused, as its
        Timeline columns could not be told apart."""
        if flow.name and any(other.name == flow.name for other in self.flows):
            raise ValueError(f"a traffic flow named {flow.name!r} was already added")
        self.flows.append(flow)
        self.changed()

    def _object_written(self, _kind: str, _old: Any, _new: Any) -> None:
        self.changed()

    def changed(self) -> None:
        """Something observable changed: record a row once this instant has settled."""
        if not self._due:
            self._due = True
            self._clock.after_instant(RECORDER_PRIORITY, self._record_due)

    def _record_due(self) -> None:
        self._due = False
        self.record()

    def flow_for(
        self, rss: Sequence[ReplicaSet], about: Rollout | Canary | None = None, analysis: str = ""
    ) -> TrafficFlow | FlowSum | None:
        """The traffic an analysis of ``about`` measures on these ReplicaSets' pods.

        With one flow, that flow if it reaches their pods. With several, the
        flows reaching the Service the analysis is about (``analysis_service``),
        else every flow reaching their pods; several are read as their sum, as a
        query over the pods' request metrics would count every client.
        """
        reaching = self._reaching(rss)
        if len(self.flows) <= 1 or about is None:
            return reaching[0] if reaching else None
        service = analysis_service(about, analysis)
        namespace = about.metadata.namespace
        chosen = [f for f in self.flows if service and f.reaches_service(namespace, service)]
        chosen = chosen or reaching
        if len(chosen) == 1:
            return chosen[0]
        return FlowSum(chosen) if chosen else None

    def flows_reaching(self, kind: str, namespace: str, name: str) -> tuple[TrafficFlow, ...]:
        """Every flow the workload's timeline has counted (those that reached its pods at
        any recorded row), in the order added; none before its first row."""
        series = self.series.get((kind, namespace, name))
        return series.flows if series is not None else ()

    def _reaching(self, rss: Sequence[ReplicaSet]) -> list[TrafficFlow]:
        """The flows whose route (or its router's canary route) selects pods of these
        ReplicaSets, in the order they were added."""
        label_sets = [rs.spec.template.metadata.labels for rs in rss]
        found = []
        for flow in self.flows:
            for route in (flow.route, flow.route.canary):
                selector = route.selector if route is not None else None
                if selector is None or selector.empty:
                    continue
                if any(selector.matches(labels) for labels in label_sets):
                    found.append(flow)
                    break
        return found

    def record(self) -> None:
        """Append a row to every workload's series (and its ReplicaSets') at ``now``."""
        now = self._clock.now
        for flow in self.flows:
            flow.step(now)
        for kind, workload in workloads().items():
            for d in self._store.list(kind, None):
                key = (kind, d.metadata.namespace, d.metadata.name)
                series = self.series.get(key)
                if series is None:
                    series = self.series[key] = _DeploymentSeries()
                rss = workload.replica_sets(self._store, d)
                self._append(series, d, now, workload, rss)

    def _append(
        self,
        series: _DeploymentSeries,
        d: Any,
        now: float,
        workload: Workload,
        rss: list[ReplicaSet],
    ) -> None:
        facts = workload.facts(d, rss)
        self._track_rollout(series, d, facts, now)
        reaching = self._reaching(rss)
        series.flows = tuple(f for f in self.flows if f in reaching or f in series.flows)
        traffic = _WorkloadTraffic(series.flows, now)
        row = len(series.t)
        series.t.append(now)
        totals = dict.fromkeys(("pods", "terminating", "ready", "available", "endpoints"), 0.0)
        sampled = []
        for rs in rss:
            uid = rs.metadata.uid
            rs_series = series.replica_sets.get(uid)
            if rs_series is None:
                rs_series = series.replica_sets[uid] = _ReplicaSetSeries(uid, rs.metadata.name, row)
            rs_series.revision = workload.revision(rs)
            self._append_replica_set(rs_series, self._pods.of_owner(uid), traffic, totals)
            sampled.append(rs_series)
        stored = {rs.metadata.uid for rs in rss}
        for rs_series in series.sampled:
            # A ReplicaSet deleted by history cleanup can still have terminating pods,
            # listed endpoints and traffic in flight: follow it until all are gone,
            # so no request it served goes missing from the timeline.
            uid = rs_series.uid
            if uid in stored:
                continue
            pods = self._pods.of_owner(uid)
            if (
                pods is None
                and not traffic.listed(uid)
                and traffic.sent(uid) == rs_series.columns["requests"][-1]
            ):
                continue
            self._append_replica_set(rs_series, pods, traffic, totals)
            sampled.append(rs_series)
        series.sampled = tuple(sampled)
        c = series.columns
        c["desired"].append(float(facts.desired))
        for name, value in totals.items():
            c[name].append(value)
        c["updated"].append(float(facts.updated))
        c["min_available"].append(float(facts.min_available))
        c["max_pods"].append(float(facts.max_pods))
        c["rps"].append(traffic.rps)
        c["requests"].append(traffic.offered)
        c["errors"].append(traffic.failed)

    @staticmethod
    def _append_replica_set(
        rs_series: _ReplicaSetSeries,
        pods: ReplicaSetPods | None,
        traffic: _WorkloadTraffic,
        totals: dict[str, float],
    ) -> None:
        uid = rs_series.uid
        values = {
            "pods": float(pods.active + pods.terminating) if pods is not None else 0.0,
            "terminating": float(pods.terminating) if pods is not None else 0.0,
            "ready": float(len(pods.ready)) if pods is not None else 0.0,
            "available": float(pods.available) if pods is not None else 0.0,
            "endpoints": float(traffic.listed(uid)),
        }
        columns = rs_series.columns
        for name, value in values.items():
            totals[name] += value
            columns[name].append(value)
        columns["traffic_share"].append(traffic.share(uid))
        columns["requests"].append(traffic.sent(uid))
        columns["errors"].append(traffic.failed_by_rs(uid))

    @staticmethod
    def _track_rollout(series: _DeploymentSeries, d: Any, facts: WorkloadFacts, now: float) -> None:
        template = facts.template
        if series.template is None or series.template != template:
            series.rollouts.append(_Rollout(start=now))
        series.template = template
        rollout = series.rollouts[-1]
        for new_rs in facts.new_replica_sets:
            if new_rs.metadata.uid in rollout.targets:
                continue
            if not rollout.targets:
                created = new_rs.metadata.creation_timestamp
                rollout.rolled_back = created is not None and created < rollout.start
            rollout.targets = (*rollout.targets, new_rs.metadata.uid)
        if rollout.end is None and facts.complete:
            rollout.end = now

    def timeline(self, kind: str, namespace: str, name: str) -> Timeline:
        """The recorded rows, plus a final row at ``now`` if time has moved on since."""
        series = self.series.get((kind, namespace, name))
        if series is None or not len(series.t):
            raise LookupError(f'no timeline recorded for {kind.lower()} "{name}"')
        rows = len(series.t)
        t = np.frombuffer(series.t, dtype=np.float64).copy()
        columns = {k: np.frombuffer(v, dtype=np.float64).copy() for k, v in series.columns.items()}
        replica_sets: dict[str, dict[str, Array]] = {}
        for uid, rs_series in series.replica_sets.items():
            cols = {}
            for key, values in rs_series.columns.items():
                recorded = np.frombuffer(values, dtype=np.float64)
                data = np.zeros(rows)
                end = rs_series.first + len(recorded)
                data[rs_series.first : end] = recorded
                if key in CUMULATIVE and len(recorded):
                    data[end:] = recorded[-1]
                cols[key] = data
            replica_sets[uid] = cols
        now = self._clock.now
        if now > t[-1]:
            t = _extend_to(now, series, t, columns, replica_sets)
        revisions: dict[int, RevisionTimeline] = {}
        by_name: dict[str, RevisionTimeline] = {}
        for uid, cols in replica_sets.items():
            rs_series = series.replica_sets[uid]
            earlier = by_name.get(rs_series.name)
            if earlier is not None:
                # The same name again: a template whose ReplicaSet the history cleanup
                # deleted came back. Under its name, both objects' pods and requests
                # count, as the earlier one's may still terminate and serve.
                cols = {key: earlier[key] + column for key, column in cols.items()}
            revision_timeline = RevisionTimeline(t, cols, rs_series.revision, rs_series.name, uid)
            by_name[rs_series.name] = revision_timeline
            if rs_series.revision:
                revisions[rs_series.revision] = revision_timeline
        rollouts = tuple((r.start, r.end, r.targets, r.rolled_back) for r in series.rollouts)
        flows = self._flow_timelines(series.flows, t)
        return Timeline(t, columns, revisions, by_name, name, rollouts, flows)

    def _flow_timelines(self, flows: Sequence[TrafficFlow], t: Array) -> dict[str, FlowTimeline]:
        """Each flow's own columns at the workload's rows (its logged rows, every one a
        recorder row), and at ``now`` what it offered since its last row."""
        names = dict(zip(map(id, self.flows), flow_names(self.flows), strict=True))
        now = self._clock.now
        found = {}
        for flow in flows:
            logged = np.frombuffer(flow.log_t, dtype=np.float64)
            index = np.searchsorted(logged, t, side="right") - 1
            before = index < 0
            columns = {}
            for key in FLOW_COLUMNS:
                recorded = np.append(np.frombuffer(flow.columns[key], dtype=np.float64), 0.0)
                column = recorded[np.where(before, -1, index)]
                if key == "latency":
                    column[before] = np.nan
                columns[key] = column
            if len(t) and t[-1] == now and now > flow.since:
                _flow_row_now(flow, now, columns)
            name = names[id(flow)]
            found[name] = FlowTimeline(t, columns, name)
        return found


def flow_names(flows: Sequence[TrafficFlow]) -> list[str]:
    """Each flow's name in its Timeline: its own, or ``flow-N`` (N from 1, in the order
    added) for one left unnamed."""
    return [flow.name or f"flow-{index}" for index, flow in enumerate(flows, 1)]


def _flow_row_now(flow: TrafficFlow, now: float, columns: dict[str, Array]) -> None:
    """The last row of a flow's columns, at ``now`` after its last recorded row: what it
    offered since, under the split of that row."""
    offered = flow.traffic.offered(flow.since, now)
    failed = offered * flow.failing_fraction
    mirrored, mirror_failed = flow.mirror_fractions
    columns["requests"][-1] = flow.offered + offered
    columns["failed"][-1] = flow.failed + failed
    columns["served"][-1] = columns["requests"][-1] - columns["failed"][-1]
    columns["mirrored"][-1] = flow.mirrored + offered * mirrored
    columns["mirror_failed"][-1] = flow.mirror_failed + offered * mirror_failed
    columns["rps"][-1] = flow.traffic.rate(now)
    columns["latency"][-1] = flow.latency


def _extend_to(
    now: float,
    series: _DeploymentSeries,
    t: Array,
    columns: dict[str, Array],
    replica_sets: dict[str, dict[str, Array]],
) -> Array:
    """Append a row at ``now`` to copies of the recorded columns: gauges hold, counts
    grow by what every flow reaching the workload offered since its last row."""
    rows = len(t)
    flows = series.flows
    offered = [flow.traffic.offered(flow.since, now) for flow in flows]
    for key, column in columns.items():
        columns[key] = np.append(column, column[-1])
    for uid, cols in replica_sets.items():
        rs_series = series.replica_sets[uid]
        alive = rs_series.first + len(rs_series.columns["pods"]) == rows
        for key, column in cols.items():
            keep = alive or key in CUMULATIVE
            cols[key] = np.append(column, column[-1] if keep else 0.0)
        if flows:
            splits = [flow.split_of(uid) for flow in flows]
            pairs = list(zip(offered, splits, strict=True))
            cols["requests"][-1] += math.fsum(o * share for o, (share, _) in pairs)
            cols["errors"][-1] += math.fsum(o * failing for o, (_, failing) in pairs)
    if flows:
        failing = [flow.failing_fraction for flow in flows]
        columns["rps"][-1] = math.fsum(flow.traffic.rate(now) for flow in flows)
        columns["requests"][-1] += math.fsum(offered)
        columns["errors"][-1] += math.fsum(o * f for o, f in zip(offered, failing, strict=True))
    return np.append(t, now)
