"""Pictures of rollouts (matplotlib, imported only when a plot is drawn).

Every function returns a ``matplotlib.figure.Figure``; pass ``ax=`` to draw
into an existing axes instead. Step functions are drawn as steps, so what
you see is exactly what the timeline recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from rollsim.timeline import Timeline

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from rollsim.forecast import Comparison

__all__ = ["availability", "comparison", "pods_by_revision", "traffic_share"]


def _axes(ax: Axes | None, figsize: tuple[float, float] = (8, 3.5)) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax  # type: ignore[return-value]
    from matplotlib.figure import Figure

    figure = Figure(figsize=figsize, layout="constrained")
    return figure, figure.add_subplot()


def _revision_label(revision: int, name: str) -> str:
    return f"rev {revision}" if revision else name


def availability(tl: Timeline, ax: Axes | None = None, title: str | None = None) -> Figure:
    """Available and ready replicas against desired, inside the strategy's band
    (replicas - maxUnavailable .. replicas + maxSurge), with total pods."""
    figure, ax = _axes(ax)
    ax.fill_between(
        tl.t,
        tl["min_available"],
        tl["max_pods"],
        step="post",
        alpha=0.15,
        color="tab:blue",
        label="maxUnavailable..maxSurge band",
    )
    ax.step(tl.t, tl["desired"], where="post", color="black", linestyle="--", label="desired")
    ax.step(tl.t, tl["pods"], where="post", color="tab:gray", label="pods")
    ax.step(tl.t, tl["ready"], where="post", color="tab:orange", label="ready")
    ax.step(tl.t, tl["available"], where="post", color="tab:green", linewidth=2, label="available")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("replicas")
    ax.set_title(title or f"{tl.name}: availability")
    ax.legend(loc="lower right", fontsize="small")
    return figure


def pods_by_revision(tl: Timeline, ax: Axes | None = None, title: str | None = None) -> Figure:
    """Pods of each revision, stacked (terminating pods included)."""
    figure, ax = _axes(ax)
    series = list(tl.by_replica_set.values())
    if series:
        stacks = np.vstack([s["pods"] for s in series])
        ax.stackplot(
            tl.t, stacks, step="post", labels=[_revision_label(s.revision, s.name) for s in series]
        )
    ax.step(tl.t, tl["desired"], where="post", color="black", linestyle="--", label="desired")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("pods")
    ax.set_title(title or f"{tl.name}: pods by revision")
    ax.legend(loc="lower right", fontsize="small")
    return figure


def traffic_share(tl: Timeline, ax: Axes | None = None, title: str | None = None) -> Figure:
    """The share of requests each revision receives."""
    figure, ax = _axes(ax)
    for s in tl.by_replica_set.values():
        if np.any(s["traffic_share"] > 0):
            ax.step(
                tl.t, s["traffic_share"], where="post", label=_revision_label(s.revision, s.name)
            )
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("traffic share")
    ax.set_title(title or f"{tl.name}: traffic share")
    ax.legend(loc="center right", fontsize="small")
    return figure


def comparison(
    result: Comparison,
    columns: tuple[str, ...] = ("availability", "pods_by_revision", "traffic_share"),
) -> Figure:
    """A grid: one row per strategy, one column per kind of plot."""
    from matplotlib.figure import Figure

    drawers: dict[str, Any] = {
        "availability": availability,
        "pods_by_revision": pods_by_revision,
        "traffic_share": traffic_share,
    }
    names = list(result.timelines)
    figure = Figure(figsize=(5 * len(columns), 3 * len(names)), layout="constrained")
    axes = figure.subplots(len(names), len(columns), squeeze=False, sharex="row")
    for row, name in enumerate(names):
        for col, kind in enumerate(columns):
            drawers[kind](
                result.timelines[name], ax=axes[row][col], title=f"{name}: {kind.replace('_', ' ')}"
            )
    return figure
