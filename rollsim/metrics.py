"""What happened, as data: per-workload timelines and rollout summaries.

The ``Recorder`` appends one row per workload (Deployment, or any kind
registered with ``register_workload``, such as Argo's Rollout) at the end of every instant
in which anything changed (after the controllers settled), so the columns are
exact step functions of time. Rows go into compact ``array('d')`` buffers and
become NumPy arrays in a ``Timeline``. Request counts come from the fluid
traffic model and are cumulative (piecewise linear between rows).
"""

from __future__ import annotations

import html
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from rollsim.api.apps import Deployment, ReplicaSet
from rollsim.controllers.deployment import util
from rollsim.dist import Distribution

if TYPE_CHECKING:
    import pandas as pd

    from rollsim.cluster import Cluster
    from rollsim.controllers.replicaset import ReplicaSetPods
    from rollsim.traffic import TrafficFlow

__all__ = ["Recorder", "RevisionTimeline", "RolloutSummary", "Timeline"]

Array = npt.NDArray[np.float64]

#: Deployment columns: gauges (step functions) then cumulative request counts.
GAUGES = (
    "desired",
    "pods",
    "terminating",
    "ready",
    "available",
    "updated",
    "endpoints",
    "rps",
    "min_available",
    "max_pods",
)
CUMULATIVE = ("requests", "errors")
#: Per-revision columns.
REVISION_GAUGES = ("pods", "terminating", "ready", "available", "endpoints", "traffic_share")


def _buffers(names: tuple[str, ...]) -> dict[str, array[float]]:
    return {name: array("d") for name in names}


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
        #: The traffic last seen reaching this workload: its counts stay with it even
        #: after a selector moves away.
        self.flow: TrafficFlow | None = None


@dataclass(frozen=True)
class WorkloadFacts:
    """What the recorder reads from a workload object and its ReplicaSets."""

    desired: int
    updated: int
    min_available: int
    max_pods: int
    #: The ReplicaSets running the version being rolled out (usually one; a Flagger
    #: canary and its promoted primary are two).
    new_replica_sets: tuple[ReplicaSet, ...]
    complete: bool
    #: What identifies the version: a change of it starts a new rollout.
    template: Any


FactsFunction = Callable[[Any, Sequence[ReplicaSet]], WorkloadFacts]
RevisionFunction = Callable[[ReplicaSet], int]
#: A workload's ReplicaSets, read from the store (default: those it controls).
ReplicaSetsFunction = Callable[[Any, Any], list[ReplicaSet]]


def _owned(store: Any, obj: Any) -> list[ReplicaSet]:
    owned: list[ReplicaSet] = store.owned_replica_sets(obj.metadata.uid)
    return owned


def _deployment_facts(d: Deployment, rss: Sequence[ReplicaSet]) -> WorkloadFacts:
    return WorkloadFacts(
        desired=d.replicas,
        updated=d.status.updated_replicas,
        min_available=d.replicas - util.max_unavailable(d),
        max_pods=d.replicas + util.max_surge(d),
        new_replica_sets=tuple(rs for rs in [util.find_new_replica_set(d, rss)] if rs is not None),
        complete=util.rollout_complete(d),
        template=d.spec.template,
    )


def _deployment_revision(rs: ReplicaSet) -> int:
    try:
        return util.revision(rs)
    except ValueError:
        return 0


#: Workload kinds the recorder samples: how to read their facts, revisions, ReplicaSets.
WORKLOADS: dict[str, tuple[FactsFunction, RevisionFunction, ReplicaSetsFunction]] = {
    "Deployment": (_deployment_facts, _deployment_revision, _owned),
}


def register_workload(
    kind: str,
    facts: FactsFunction,
    revision: RevisionFunction,
    replica_sets: ReplicaSetsFunction = _owned,
) -> None:
    """Record timelines for another kind of workload that runs ReplicaSets."""
    WORKLOADS[kind] = (facts, revision, replica_sets)


class Recorder:
    """Samples every workload (and its ReplicaSets) after each instant with changes."""

    def __init__(self, cluster: Cluster) -> None:
        self._cluster = cluster
        self.flows: list[TrafficFlow] = []
        self.series: dict[tuple[str, str, str], _DeploymentSeries] = {}

    def flow_for(self, rss: Sequence[ReplicaSet]) -> TrafficFlow | None:
        """The first traffic whose route (or its router's canary route) selects pods of
        these ReplicaSets."""
        label_sets = [rs.spec.template.metadata.labels for rs in rss]
        for flow in self.flows:
            for route in (flow.route, flow.route.canary):
                selector = route.selector if route is not None else None
                if selector is None or selector.empty:
                    continue
                if any(selector.matches(labels) for labels in label_sets):
                    return flow
        return None

    def record(self) -> None:
        now = self._cluster.now
        for flow in self.flows:
            flow.advance(now)
            flow.snapshot()
        for kind, (facts_of, revision_of, replica_sets_of) in WORKLOADS.items():
            for d in self._cluster.store.list(kind, None):
                key = (kind, d.metadata.namespace, d.metadata.name)
                series = self.series.get(key)
                if series is None:
                    series = self.series[key] = _DeploymentSeries()
                rss = replica_sets_of(self._cluster.store, d)
                self._append(series, d, now, facts_of, revision_of, rss)

    def _append(
        self,
        series: _DeploymentSeries,
        d: Any,
        now: float,
        facts_of: FactsFunction,
        revision_of: RevisionFunction,
        rss: list[ReplicaSet],
    ) -> None:
        cluster = self._cluster
        facts = facts_of(d, rss)
        self._track_rollout(series, d, facts, now)
        flow = self.flow_for(rss) or series.flow
        series.flow = flow
        shares = flow.shares() if flow is not None else {}
        row = len(series.t)
        series.t.append(now)
        totals = dict.fromkeys(("pods", "terminating", "ready", "available", "endpoints"), 0.0)
        sampled = []
        for rs in rss:
            uid = rs.metadata.uid
            rs_series = series.replica_sets.get(uid)
            if rs_series is None:
                rs_series = series.replica_sets[uid] = _ReplicaSetSeries(uid, rs.metadata.name, row)
            rs_series.revision = revision_of(rs)
            self._append_replica_set(
                rs_series, cluster.replicasets.pods_of(uid), flow, shares, totals
            )
            sampled.append(rs_series)
        stored = {rs.metadata.uid for rs in rss}
        for rs_series in series.sampled:
            # A ReplicaSet deleted by history cleanup can still have terminating pods,
            # listed endpoints and traffic in flight: follow it until all are gone,
            # so no request it served goes missing from the timeline.
            uid = rs_series.uid
            if uid in stored:
                continue
            pods = cluster.replicasets.live_pods_of(uid)
            counts = flow.route.counts.get(uid) if flow is not None else None
            sent = flow.sent.get(uid, 0.0) if flow is not None else 0.0
            if (
                pods is None
                and (counts is None or not counts.listed)
                and sent == rs_series.columns["requests"][-1]
            ):
                continue
            self._append_replica_set(rs_series, pods, flow, shares, totals)
            sampled.append(rs_series)
        series.sampled = tuple(sampled)
        c = series.columns
        c["desired"].append(float(facts.desired))
        for name, value in totals.items():
            c[name].append(value)
        c["updated"].append(float(facts.updated))
        c["min_available"].append(float(facts.min_available))
        c["max_pods"].append(float(facts.max_pods))
        c["rps"].append(flow.traffic.rate(now) if flow is not None else 0.0)
        c["requests"].append(flow.offered if flow is not None else 0.0)
        c["errors"].append(flow.failed if flow is not None else 0.0)

    @staticmethod
    def _append_replica_set(
        rs_series: _ReplicaSetSeries,
        pods: ReplicaSetPods | None,
        flow: TrafficFlow | None,
        shares: Mapping[str, float],
        totals: dict[str, float],
    ) -> None:
        uid = rs_series.uid
        counts = flow.route.counts.get(uid) if flow is not None else None
        values = {
            "pods": float(pods.active + pods.terminating) if pods is not None else 0.0,
            "terminating": float(pods.terminating) if pods is not None else 0.0,
            "ready": float(len(pods.ready)) if pods is not None else 0.0,
            "available": float(pods.available) if pods is not None else 0.0,
            "endpoints": float(counts.listed) if counts is not None else 0.0,
        }
        columns = rs_series.columns
        for name, value in values.items():
            totals[name] += value
            columns[name].append(value)
        columns["traffic_share"].append(shares.get(uid, 0.0))
        columns["requests"].append(flow.sent.get(uid, 0.0) if flow is not None else 0.0)
        columns["errors"].append(flow.failed_by_rs.get(uid, 0.0) if flow is not None else 0.0)

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
        now = self._cluster.now
        if now > t[-1]:
            flow = series.flow
            offered = flow.traffic.offered(flow.since, now) if flow is not None else 0.0
            t = np.append(t, now)
            for key, column in columns.items():
                columns[key] = np.append(column, column[-1])
            for uid, cols in replica_sets.items():
                alive = (
                    series.replica_sets[uid].first + len(series.replica_sets[uid].columns["pods"])
                    == rows
                )
                for key, column in cols.items():
                    keep = alive or key in CUMULATIVE
                    cols[key] = np.append(column, column[-1] if keep else 0.0)
                if flow is not None:
                    share, failing = flow.split_of(uid)
                    cols["requests"][-1] += offered * share
                    cols["errors"][-1] += offered * failing
            if flow is not None:
                columns["rps"][-1] = flow.traffic.rate(now)
                columns["requests"][-1] += offered
                columns["errors"][-1] += offered * flow.failing_fraction
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
        return Timeline(t, columns, revisions, by_name, name, rollouts)


class _Columns:
    """Shared behaviour of a set of aligned step-function columns."""

    t: Array
    _columns: dict[str, Array]

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self._columns)

    def __getitem__(self, column: str) -> Array:
        try:
            return self._columns[column]
        except KeyError:
            raise KeyError(
                f"no column {column!r}; columns are {', '.join(self._columns)}"
            ) from None

    def __contains__(self, column: object) -> bool:
        return column in self._columns

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self.t)

    def at(self, time: float) -> dict[str, float]:
        """Every column at ``time``: gauges hold their last value, counts interpolate."""
        index = int(np.searchsorted(self.t, time, side="right")) - 1
        if index < 0:
            raise ValueError(f"t={time} is before the first sample (t={self.t[0]})")
        values = {}
        for key, data in self._columns.items():
            if key in CUMULATIVE:
                values[key] = float(np.interp(time, self.t, data))
            else:
                values[key] = float(data[index])
        return values

    def _resampled(self, dt: float) -> tuple[Array, dict[str, Array]]:
        if dt <= 0:
            raise ValueError("dt must be > 0")
        grid = np.arange(self.t[0], self.t[-1] + dt / 2, dt)
        index = np.searchsorted(self.t, grid, side="right") - 1
        columns = {}
        for key, data in self._columns.items():
            columns[key] = np.interp(grid, self.t, data) if key in CUMULATIVE else data[index]
        return grid, columns

    def to_pandas(self) -> pd.DataFrame:
        """A DataFrame indexed by ``t`` (needs pandas: ``pip install rollsim[pandas]``)."""
        try:
            import pandas as pd
        except ImportError as err:
            raise ImportError("to_pandas needs pandas: pip install 'rollsim[pandas]'") from err
        frame = pd.DataFrame(self._columns, index=pd.Index(self.t, name="t"))
        return frame


class RevisionTimeline(_Columns):
    """One ReplicaSet's columns, aligned with its Deployment's ``t``."""

    def __init__(
        self, t: Array, columns: Mapping[str, Array], revision: int, name: str, uid: str = ""
    ) -> None:
        self.t = t
        self._columns = dict(columns)
        self.revision = revision
        self.name = name
        self.uid = uid

    def __repr__(self) -> str:
        return f"RevisionTimeline(revision={self.revision}, name={self.name!r}, rows={len(self)})"


class Timeline(_Columns):
    """A Deployment's history as NumPy step functions sampled at every state change.

    ``tl.t`` and ``tl["available"]`` are arrays; ``tl.by_revision[2]`` has the
    same columns per revision plus ``traffic_share``; ``requests`` and
    ``errors`` are cumulative counts. ``min_available`` and ``max_pods`` are
    the strategy's band: replicas - maxUnavailable and replicas + maxSurge.
    ``rollouts`` lists (start, end or None, target ReplicaSet UIDs, rolled_back)
    for every template change.
    """

    def __init__(
        self,
        t: Array,
        columns: Mapping[str, Array],
        by_revision: Mapping[int, RevisionTimeline],
        by_replica_set: Mapping[str, RevisionTimeline],
        name: str = "",
        rollouts: tuple[tuple[float, float | None, tuple[str, ...], bool], ...] = (),
    ) -> None:
        self.t = t
        self._columns = dict(columns)
        self.by_revision = dict(sorted(by_revision.items()))
        self.by_replica_set = dict(by_replica_set)
        self.name = name
        self.rollouts = rollouts

    def __repr__(self) -> str:
        return (
            f"Timeline({self.name!r}, rows={len(self)}, t=[{self.t[0]:g}, {self.t[-1]:g}], "
            f"revisions={list(self.by_revision)})"
        )

    def resample(self, dt: float) -> Timeline:
        """Sample every ``dt`` seconds from the first row to the last."""
        grid, columns = self._resampled(dt)
        revisions = {}
        names = {}
        for rev_timeline in self.by_replica_set.values():
            _, cols = rev_timeline._resampled(dt)
            resampled = RevisionTimeline(
                grid, cols, rev_timeline.revision, rev_timeline.name, rev_timeline.uid
            )
            names[rev_timeline.name] = resampled
            if rev_timeline.revision:
                revisions[rev_timeline.revision] = resampled
        return Timeline(grid, columns, revisions, names, self.name, self.rollouts)

    def save(self, path: str | Path) -> None:
        """Write to ``.npz``; ``Timeline.load`` gives back an identical timeline."""
        arrays: dict[str, Any] = {"t": self.t, "name": np.array(self.name)}
        for key, data in self._columns.items():
            arrays[f"col:{key}"] = data
        for rev_timeline in self.by_replica_set.values():
            prefix = f"rs:{rev_timeline.name}:{rev_timeline.revision}:{rev_timeline.uid}:"
            for key, data in rev_timeline._columns.items():
                arrays[prefix + key] = data
        arrays["rollouts"] = np.array(
            [[s, np.nan if e is None else e, float(b)] for s, e, _, b in self.rollouts]
            or np.zeros((0, 3))
        )
        arrays["rollout_targets"] = np.array(
            ["|".join(tgt) for _, _, tgt, _ in self.rollouts], dtype=str
        )
        np.savez(path, **arrays)

    @classmethod
    def load(cls, path: str | Path) -> Timeline:
        with np.load(path) as data:
            t = data["t"]
            columns = {k[4:]: data[k] for k in data.files if k.startswith("col:")}
            grouped: dict[tuple[str, int, str], dict[str, Array]] = {}
            for key in data.files:
                if key.startswith("rs:"):
                    _, rs_name, revision, uid, column = key.split(":", 4)
                    grouped.setdefault((rs_name, int(revision), uid), {})[column] = data[key]
            rollouts = tuple(
                (
                    float(s),
                    None if np.isnan(e) else float(e),
                    tuple(str(tgt).split("|")) if str(tgt) else (),
                    bool(b),
                )
                for (s, e, b), tgt in zip(data["rollouts"], data["rollout_targets"], strict=True)
            )
            name = str(data["name"])
        by_name = {
            rs: RevisionTimeline(t, cols, rev, rs, uid) for (rs, rev, uid), cols in grouped.items()
        }
        by_revision = {rev: by_name[rs] for (rs, rev, _) in grouped if rev}
        return cls(t, columns, by_revision, by_name, name, rollouts)

    def _repr_html_(self) -> str:
        """A compact table for notebooks: the rows where the rollout changed most."""
        head = "".join(f"<th>{html.escape(c)}</th>" for c in ("t", *self.columns))
        picks = np.unique(np.linspace(0, len(self) - 1, min(len(self), 12)).astype(int))
        rows = []
        for i in picks:
            cells = "".join(f"<td>{self._columns[c][i]:.6g}</td>" for c in self.columns)
            rows.append(f"<tr><td>{self.t[i]:.6g}</td>{cells}</tr>")
        revisions = ", ".join(str(r) for r in self.by_revision) or "none"
        return (
            f"<div><b>Timeline</b> {html.escape(self.name)}: {len(self)} rows, "
            f"t from {self.t[0]:g} to {self.t[-1]:g} s, revisions {revisions}"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"</div>"
        )


@dataclass(frozen=True)
class RolloutSummary:
    """The figures of one rollout, from its template change to Complete (or to now).

    - ``duration``: seconds from the template change to the rollout completing
      (to now if it has not completed).
    - ``min_available``: fewest available replicas at any moment of it.
    - ``min_available_fraction``: the least ``available / desired`` over it.
    - ``peak_pods``: most pods at once, terminating pods included.
    - ``peak_surge``: most pods beyond ``desired`` at once (``peak_pods`` - desired).
    - ``unavailable_seconds``: time during which available < desired.
    - ``capacity_deficit_pod_seconds``: integral of (desired - available)+.
    - ``extra_pod_seconds``: integral of (pods - desired)+, what the surge costs.
    - ``requests`` / ``failed_requests``: requests offered to the Deployment's
      Service and how many failed, during the rollout.
    - ``requests_to_new``: requests sent to the new revision's pods.
    - ``completed``: the rollout reached Complete.
    - ``rolled_back``: its target was an earlier revision (an undo or a revert).
    """

    start: float
    duration: float
    min_available: int
    min_available_fraction: float
    peak_pods: int
    peak_surge: int
    unavailable_seconds: float
    capacity_deficit_pod_seconds: float
    extra_pod_seconds: float
    requests: float
    failed_requests: float
    requests_to_new: float
    completed: bool
    rolled_back: bool

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def summarize(tl: Timeline) -> RolloutSummary:
    """The ``RolloutSummary`` of the most recent rollout in ``tl``."""
    if not tl.rollouts:
        raise LookupError(f'no rollout recorded for deployment "{tl.name}"')
    start, end, targets, rolled_back = tl.rollouts[-1]
    stop = end if end is not None else float(tl.t[-1])
    window = (tl.t >= start) & (tl.t <= stop)
    first = int(np.argmax(window))
    last = len(tl.t) - 1 - int(np.argmax(window[::-1]))
    times = np.append(tl.t[first : last + 1], stop)
    widths = np.diff(times)
    desired = tl["desired"][first : last + 1]
    available = tl["available"][first : last + 1]
    pods = tl["pods"][first : last + 1]
    # The row at ``stop`` (completion) starts a new state; it holds for no time here.
    deficit = np.maximum(desired - available, 0.0)
    extra = np.maximum(pods - desired, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(desired > 0, available / np.maximum(desired, 1), 1.0)
    requests = float(np.interp(stop, tl.t, tl["requests"]) - np.interp(start, tl.t, tl["requests"]))
    failed = float(np.interp(stop, tl.t, tl["errors"]) - np.interp(start, tl.t, tl["errors"]))
    to_new = 0.0
    for rev_timeline in tl.by_replica_set.values():
        if rev_timeline.uid in targets:
            to_new += float(
                np.interp(stop, tl.t, rev_timeline["requests"])
                - np.interp(start, tl.t, rev_timeline["requests"])
            )
    return RolloutSummary(
        start=float(start),
        duration=float(stop - start),
        min_available=int(available.min()),
        min_available_fraction=float(fraction.min()),
        peak_pods=int(pods.max()),
        peak_surge=int(extra.max()),
        unavailable_seconds=float(widths[deficit > 0].sum()),
        capacity_deficit_pod_seconds=float((deficit * widths).sum()),
        extra_pod_seconds=float((extra * widths).sum()),
        requests=requests,
        failed_requests=failed,
        requests_to_new=to_new,
        completed=end is not None,
        rolled_back=rolled_back,
    )


def latency_percentiles(
    tl: Timeline,
    latencies: Mapping[str, Distribution],
    quantiles: Sequence[float],
    start: float,
    end: float,
) -> dict[float, float]:
    """Percentiles of request latency over ``[start, end]``: the mixture of each
    ReplicaSet's latency distribution, weighted by the requests it served.

    ``latencies`` maps ReplicaSet names to distributions. The mixture's CDF is
    the weighted sum of theirs; each percentile is found by bisection, so the
    figures are exact and involve no random draws.
    """
    parts: list[tuple[float, Distribution]] = []
    for name in sorted(latencies):
        rev = tl.by_replica_set.get(name)
        if rev is None:
            continue
        served = (
            np.interp(end, tl.t, rev["requests"])
            - np.interp(start, tl.t, rev["requests"])
            - (np.interp(end, tl.t, rev["errors"]) - np.interp(start, tl.t, rev["errors"]))
        )
        if served > 0:
            parts.append((float(served), latencies[name]))
    if not parts:
        return {q: float("nan") for q in quantiles}
    total = sum(w for w, _ in parts)

    def mixture_cdf(x: float) -> float:
        return sum(w * d.cdf(x) for w, d in parts) / total

    results = {}
    for q in quantiles:
        low = min(d.quantile(q) for _, d in parts)
        high = max(d.quantile(q) for _, d in parts)
        # Point masses (Fixed latencies) jump: the answer is one of the candidates.
        candidates = sorted({d.quantile(q) for _, d in parts} | {low, high})
        exact = next((c for c in candidates if mixture_cdf(c) >= q - 1e-12), high)
        for _ in range(200):
            if high - low <= 1e-12 * max(1.0, high):
                break
            mid = (low + high) / 2
            if mixture_cdf(mid) >= q - 1e-12:
                high = mid
            else:
                low = mid
        results[q] = min(exact, high)
    return results
