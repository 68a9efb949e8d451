"""A workload's recorded history as NumPy columns: ``Timeline`` and ``RevisionTimeline``.

Columns are exact step functions of time, sampled at every instant in which
something changed (see ``rollsim.metrics.Recorder``); request counts are
cumulative and piecewise linear between rows. ``at``, ``resample`` and
``to_pandas`` read them; ``save``/``load`` keep them as ``.npz``. Each traffic
flow that reached the workload has columns of its own, ``tl.flows[name]``.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CUMULATIVE",
    "FLOW_COLUMNS",
    "FLOW_CUMULATIVE",
    "GAUGES",
    "REVISION_GAUGES",
    "FlowTimeline",
    "RevisionTimeline",
    "Timeline",
]

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
#: A traffic flow's columns: its client's requests, those answered without error
#: (``served``) and those that failed; the copies a router mirrored to the canary
#: and how many of them failed (never seen by the client); then the gauges ``rps``
#: and ``latency`` (mean seconds of the pods its requests reach, NaN if none).
FLOW_CUMULATIVE = ("requests", "served", "failed", "mirrored", "mirror_failed")
FLOW_COLUMNS = (*FLOW_CUMULATIVE, "rps", "latency")


class _Columns:
    """Shared behaviour of a set of aligned step-function columns."""

    t: Array
    _columns: dict[str, Array]
    #: The columns that are cumulative counts (interpolated), not step functions.
    _cumulative: tuple[str, ...] = CUMULATIVE

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
            if key in self._cumulative:
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
            cumulative = key in self._cumulative
            columns[key] = np.interp(grid, self.t, data) if cumulative else data[index]
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


class FlowTimeline(_Columns):
    """One traffic flow's columns (``FLOW_COLUMNS``), aligned with its workload's ``t``:
    zero counts (and no latency) before the flow was added."""

    _cumulative = FLOW_CUMULATIVE

    def __init__(self, t: Array, columns: Mapping[str, Array], name: str) -> None:
        self.t = t
        self._columns = dict(columns)
        self.name = name

    def __repr__(self) -> str:
        return f"FlowTimeline({self.name!r}, rows={len(self)})"


class Timeline(_Columns):
    """A Deployment's history as NumPy step functions sampled at every state change.

    ``tl.t`` and ``tl["available"]`` are arrays; ``tl.by_revision[2]`` has the
    same columns per revision plus ``traffic_share``; ``requests`` and
    ``errors`` are cumulative counts and ``rps`` the offered rate, each summed
    over every traffic flow that reached the workload's pods (``traffic_share``
    weighs the flows by their rates). ``min_available`` and ``max_pods`` are
    the strategy's band: replicas - maxUnavailable and replicas + maxSurge.
    ``rollouts`` lists (start, end or None, target ReplicaSet UIDs, rolled_back)
    for every template change. ``flows`` has, by flow name, a ``FlowTimeline``
    for every traffic flow that reached the workload: ``tl.flows["beta"]["failed"]``.
    """

    def __init__(
        self,
        t: Array,
        columns: Mapping[str, Array],
        by_revision: Mapping[int, RevisionTimeline],
        by_replica_set: Mapping[str, RevisionTimeline],
        name: str = "",
        rollouts: tuple[tuple[float, float | None, tuple[str, ...], bool], ...] = (),
        flows: Mapping[str, FlowTimeline] | None = None,
    ) -> None:
        self.t = t
        self._columns = dict(columns)
        self.by_revision = dict(sorted(by_revision.items()))
        self.by_replica_set = dict(by_replica_set)
        self.name = name
        self.rollouts = rollouts
        self.flows = dict(flows or {})

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
        flows = {}
        for name, flow in self.flows.items():
            flows[name] = FlowTimeline(grid, flow._resampled(dt)[1], name)
        return Timeline(grid, columns, revisions, names, self.name, self.rollouts, flows)

    def save(self, path: str | Path) -> None:
        """Write to ``.npz``; ``Timeline.load`` gives back an identical timeline."""
        arrays: dict[str, Any] = {"t": self.t, "name": np.array(self.name)}
        for key, data in self._columns.items():
            arrays[f"col:{key}"] = data
        for rev_timeline in self.by_replica_set.values():
            prefix = f"rs:{rev_timeline.name}:{rev_timeline.revision}:{rev_timeline.uid}:"
            for key, data in rev_timeline._columns.items():
                arrays[prefix + key] = data
        for flow in self.flows.values():
            for key, data in flow._columns.items():
                arrays[f"flow:{key}:{flow.name}"] = data
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
            flow_columns: dict[str, dict[str, Array]] = {}
            for key in data.files:
                if key.startswith("flow:"):
                    _, column, flow_name = key.split(":", 2)
                    flow_columns.setdefault(flow_name, {})[column] = data[key]
        flows = {n: FlowTimeline(t, cols, n) for n, cols in flow_columns.items()}
        by_name = {
            rs: RevisionTimeline(t, cols, rev, rs, uid) for (rs, rev, uid), cols in grouped.items()
        }
        by_revision = {rev: by_name[rs] for (rs, rev, _) in grouped if rev}
        return cls(t, columns, by_revision, by_name, name, rollouts, flows)

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
