"""Many runs at once: strategy comparisons and seeded forecasts.

``compare`` plays one ``Scenario`` per strategy and tabulates their
``RolloutSummary`` figures; ``forecast`` plays one scenario under many seeds
to show the spread when pod timings are random. Both take any
``concurrent.futures.Executor`` (a process pool, or a Dask client's
``get_executor()``); results do not depend on what runs them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from rollsim.behavior import PodBehavior
from rollsim.scenario import Scenario
from rollsim.summary import RolloutSummary
from rollsim.timeline import Timeline
from rollsim.traffic import Traffic

__all__ = ["Comparison", "Forecast", "compare", "forecast"]


def _play(scenario: Scenario, seed: int | None) -> tuple[RolloutSummary, Timeline]:
    cluster = scenario.run(seed)
    target, namespace = scenario.target_ref()
    return cluster.summary(target, namespace), cluster.timeline(target, namespace)


def _table(rows: Mapping[str, RolloutSummary], index: str) -> Any:
    records = [{index: name, **summary.as_dict()} for name, summary in rows.items()]
    try:
        import pandas as pd
    except ImportError:
        return records
    return pd.DataFrame.from_records(records).set_index(index)


@dataclass(frozen=True)
class Comparison:
    """One row of summary figures per strategy (a DataFrame when pandas is installed),
    and each strategy's timeline."""

    table: Any
    summaries: dict[str, RolloutSummary]
    timelines: dict[str, Timeline]

    def _repr_html_(self) -> str:
        if hasattr(self.table, "to_html"):
            return str(self.table.to_html(float_format=lambda v: f"{v:.6g}"))
        return "<pre>" + "\n".join(str(row) for row in self.table) + "</pre>"


def compare(
    scenarios: Mapping[str, Scenario | Any],
    traffic: Traffic | None = None,
    pods: PodBehavior | None = None,
    executor: Executor | None = None,
) -> Comparison:
    """Run each scenario (or manifests, made into a Scenario with ``traffic`` and ``pods``)."""
    built: dict[str, Scenario] = {}
    for name, item in scenarios.items():
        if isinstance(item, Scenario):
            built[name] = item
        else:
            built[name] = Scenario(
                manifests=item, traffic=traffic, pods=pods if pods is not None else PodBehavior()
            )
    if executor is None:
        results = [_play(s, None) for s in built.values()]
    else:
        futures = [executor.submit(_play, s, None) for s in built.values()]
        results = [f.result() for f in futures]
    summaries = {name: r[0] for name, r in zip(built, results, strict=True)}
    timelines = {name: r[1] for name, r in zip(built, results, strict=True)}
    return Comparison(_table(summaries, "strategy"), summaries, timelines)


@dataclass(frozen=True)
class Forecast:
    """One summary per seed (a DataFrame when pandas is installed)."""

    table: Any
    summaries: list[RolloutSummary]

    def quantiles(self, field: str, q: Sequence[float] = (0.5, 0.9, 0.99)) -> dict[float, float]:
        import numpy as np

        values = np.array([getattr(s, field) for s in self.summaries], dtype=float)
        return {p: float(np.quantile(values, p)) for p in q}


def forecast(
    scenario: Scenario | Any,
    runs: int = 100,
    seed: int = 0,
    executor: Executor | None = None,
    traffic: Traffic | None = None,
    pods: PodBehavior | None = None,
) -> Forecast:
    """Play ``scenario`` (or manifests, with ``traffic`` and ``pods``) with seeds
    ``seed .. seed + runs - 1``."""
    if not isinstance(scenario, Scenario):
        scenario = Scenario(
            manifests=scenario, traffic=traffic, pods=pods if pods is not None else PodBehavior()
        )
    seeds = range(seed, seed + runs)
    if executor is None:
        summaries = [_play(scenario, s)[0] for s in seeds]
    else:
        futures = [executor.submit(_play, scenario, s) for s in seeds]
        summaries = [f.result()[0] for f in futures]
    rows = {str(s): summary for s, summary in zip(seeds, summaries, strict=True)}
    return Forecast(_table(rows, "seed"), summaries)
