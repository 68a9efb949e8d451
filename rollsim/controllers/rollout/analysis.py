"""Argo Rollouts analysis on simulated metrics: AnalysisRuns and their measurements.

Mirrors the AnalysisRun reconciler (argo-rollouts analysis/analysis.go and
utils/analysis): each metric is measured at ``initialDelay + k * interval``,
``count`` times (once without an interval); a measurement is Successful,
Failed, Inconclusive or Error by its success/failure conditions; a metric
fails once its failures exceed ``failureLimit`` (default 0), is inconclusive
past ``inconclusiveLimit`` and errors past ``consecutiveErrorLimit``
(default 4) consecutive errors. The run takes the worst phase of its metrics.

Values come from the traffic model over the measurement's window: the
success or error rate of requests the new ReplicaSet served, or a latency
quantile of its version. Conditions are Argo's expr syntax, evaluated by a
small safe interpreter (comparisons, ``&&``, ``||``, ``!``, ``result[0]``,
``len``, ``isNaN``, ``asFloat``), never ``eval``.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rollsim.api.analysis_validation import metric_duration_seconds
from rollsim.api.argo import AnalysisMetric
from rollsim.api.duration import parse_int
from rollsim.dist import Distribution, as_distribution

__all__ = [
    "AnalysisRun",
    "MetricRun",
    "evaluate_condition",
    "measurement_phase",
    "simulated_metric",
]

SUCCESSFUL = "Successful"
FAILED = "Failed"
INCONCLUSIVE = "Inconclusive"
ERROR = "Error"
RUNNING = "Running"
DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4


def _duration_seconds(text: str | int | None) -> float:
    """A metric's ``interval`` or ``initialDelay`` in seconds, read as apply validated it
    (``metric_duration_seconds``: a Go duration or bare seconds); unset is 0."""
    if text is None:
        return 0.0
    if isinstance(text, int):
        return float(text)
    return metric_duration_seconds(text)


class _Result(float):
    """A measurement value usable as ``result`` and as ``result[0]``."""

    def __getitem__(self, index: int) -> float:
        if index != 0:
            raise IndexError("result has one value")
        return float(self)

    def __len__(self) -> int:
        return 1


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "len": len,
    "isNaN": lambda v: math.isnan(float(v)),
    "asFloat": float,
    "isNil": lambda v: v is None,
}
_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
}
_ARITHMETIC: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


def _to_python(expression: str) -> str:
    text = expression.replace("&&", " and ").replace("||", " or ")
    return re.sub(r"!(?!=)", " not ", text)


def _evaluate(node: ast.AST, result: _Result) -> Any:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, result)
    if isinstance(node, ast.BoolOp):
        values = [_evaluate(v, result) for v in node.values]
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, result)
        if isinstance(node.op, ast.Not):
            return not operand
        if isinstance(node.op, ast.USub):
            return -operand
    if isinstance(node, ast.Compare):
        left = _evaluate(node.left, result)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = _evaluate(right_node, result)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
        return _ARITHMETIC[type(node.op)](
            _evaluate(node.left, result), _evaluate(node.right, result)
        )
    if isinstance(node, ast.Name) and node.id == "result":
        return result
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, bool)):
        return node.value
    if isinstance(node, ast.Subscript):
        return _evaluate(node.value, result)[_evaluate(node.slice, result)]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _FUNCTIONS
    ):
        return _FUNCTIONS[node.func.id](*(_evaluate(a, result) for a in node.args))
    raise ValueError(f"unsupported expression: {ast.dump(node)}")


def evaluate_condition(expression: str, value: float) -> bool:
    """Evaluate an Argo success/failure condition with ``result`` bound to ``value``."""
    tree = ast.parse(_to_python(expression), mode="eval")
    return bool(_evaluate(tree, _Result(value)))


def measurement_phase(metric: AnalysisMetric, value: float) -> str:
    """``evaluateResult``: a missing success condition means "not failed" and vice versa."""
    success_text, failure_text = metric.success_condition, metric.failure_condition
    if not success_text and not failure_text:
        return SUCCESSFUL
    try:
        failure = evaluate_condition(failure_text, value) if failure_text else False
        success = evaluate_condition(success_text, value) if success_text else False
    except (ValueError, IndexError, TypeError, ZeroDivisionError, SyntaxError):
        return ERROR
    if success_text and not failure_text:
        failure = not success
    elif failure_text and not success_text:
        success = not failure
    if failure:
        return FAILED
    if success:
        return SUCCESSFUL
    return INCONCLUSIVE


def _limit(value: int | str | None, default: int) -> int:
    """A count or limit: an int, a string ``strconv.Atoi`` reads (ASCII digits only, so
    '²' is not one), else ``default`` (an unresolved ``{{args...}}`` placeholder)."""
    if value is None:
        return default
    if isinstance(value, str):
        number = parse_int(value)
        return default if number is None else number
    return value


@dataclass
class MetricRun:
    """One metric's measurements so far."""

    metric: AnalysisMetric
    phases: list[str] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    consecutive_errors: int = 0

    @property
    def interval(self) -> float:
        return _duration_seconds(self.metric.interval)

    @property
    def count(self) -> int | None:
        """Measurements to take: ``count``, else one without an interval, else unbounded."""
        if self.metric.count is not None:
            return _limit(self.metric.count, 1)
        return None if self.interval > 0 else 1

    def record(self, phase: str, value: float) -> None:
        self.phases.append(phase)
        self.values.append(value)
        self.consecutive_errors = self.consecutive_errors + 1 if phase == ERROR else 0

    @property
    def phase(self) -> str:
        if self.phases.count(FAILED) > _limit(self.metric.failure_limit, 0):
            return FAILED
        if self.consecutive_errors > _limit(
            self.metric.consecutive_error_limit, DEFAULT_CONSECUTIVE_ERROR_LIMIT
        ):
            return ERROR
        if self.phases.count(INCONCLUSIVE) > _limit(self.metric.inconclusive_limit, 0):
            return INCONCLUSIVE
        count = self.count
        # Error measurements do not count towards ``count`` (metricResult.Count).
        if count is not None and len(self.phases) - self.phases.count(ERROR) >= count:
            return SUCCESSFUL
        return RUNNING

    def message(self) -> str:
        """Why the metric ended the run, worded as the AnalysisRun's message."""
        name = self.metric.name
        phase = self.phase
        if phase == FAILED:
            return (
                f'Metric "{name}" assessed Failed due to failed '
                f"({self.phases.count(FAILED)}) > failureLimit "
                f"({_limit(self.metric.failure_limit, 0)})"
            )
        if phase == ERROR:
            return (
                f'Metric "{name}" assessed Error due to consecutiveErrors '
                f"({self.consecutive_errors}) > consecutiveErrorLimit "
                f"({_limit(self.metric.consecutive_error_limit, 4)})"
            )
        if phase == INCONCLUSIVE:
            return (
                f'Metric "{name}" assessed Inconclusive due to inconclusive '
                f"({self.phases.count(INCONCLUSIVE)}) > inconclusiveLimit "
                f"({_limit(self.metric.inconclusive_limit, 0)})"
            )
        return ""


Measure = Callable[[AnalysisMetric, float, float], float]


@dataclass
class AnalysisRun:
    """An AnalysisRun of a rollout: its metrics, when it started, its phase.

    ``kind`` is ``step``, ``background``, ``pre-promotion`` or
    ``post-promotion``; ``revision`` is the rollout revision it analyses.
    """

    name: str
    kind: str
    started: float
    revision: int
    metrics: list[MetricRun]
    terminated: bool = False

    @classmethod
    def start(
        cls, name: str, kind: str, revision: int, now: float, metrics: Sequence[AnalysisMetric]
    ) -> AnalysisRun:
        return cls(name, kind, now, revision, [MetricRun(m) for m in metrics])

    @property
    def phase(self) -> str:
        """The worst metric phase: Failed, Error, Inconclusive, else Running or Successful."""
        phases = [m.phase for m in self.metrics]
        for worst in (FAILED, ERROR, INCONCLUSIVE):
            if worst in phases:
                return worst
        if self.terminated or all(p == SUCCESSFUL for p in phases):
            return SUCCESSFUL
        return RUNNING

    def due(self) -> list[tuple[MetricRun, float]]:
        """Each running metric with the time of its next measurement."""
        out = []
        for run in self.metrics:
            if run.phase != RUNNING:
                continue
            delay = _duration_seconds(run.metric.initial_delay)
            out.append((run, self.started + delay + len(run.phases) * run.interval))
        return out

    def measure(self, now: float, value_of: Measure) -> bool:
        """Take every measurement due by ``now``; returns whether any was taken."""
        taken = False
        for run, at in self.due():
            if at <= now and self.phase == RUNNING:
                window_start = at - run.interval if run.interval > 0 else self.started
                value = value_of(run.metric, window_start, at)
                phase = ERROR if math.isnan(value) else measurement_phase(run.metric, value)
                run.record(phase, value)
                taken = True
        return taken

    def message(self) -> str:
        """The first ended metric's reason (what the rollout's abort message quotes)."""
        for run in self.metrics:
            if run.phase in (FAILED, ERROR, INCONCLUSIVE):
                return run.message()
        return ""

    def next_measurement(self) -> float | None:
        times = [at for _, at in self.due()]
        return min(times) if times and self.phase == RUNNING else None

    def counts(self) -> Mapping[str, int]:
        totals = {SUCCESSFUL: 0, FAILED: 0, INCONCLUSIVE: 0, ERROR: 0}
        for run in self.metrics:
            for phase in run.phases:
                totals[phase] += 1
        return totals


def _quantity(metric: AnalysisMetric) -> tuple[str, float]:
    """Which simulated quantity a metric asks for: from a ``rollsim`` provider, else its name."""
    spec = metric.provider.get("rollsim") if isinstance(metric.provider, Mapping) else None
    if isinstance(spec, Mapping) and spec.get("metric"):
        return str(spec["metric"]), float(spec.get("quantile", 0.99))
    name = metric.name.lower()
    for word, quantity in (
        ("success", "success-rate"),
        ("error", "error-rate"),
        ("latency", "latency"),
        ("duration", "latency"),
    ):
        if word in name:
            return quantity, 0.99
    return "success-rate", 0.99


def simulated_metric(
    metric: AnalysisMetric, sent: float, failed: float, latency: float | Distribution
) -> float:
    """A measurement from the traffic model: success or error rate (0..1) of the
    requests the new version got in the window, or its latency quantile in
    seconds. No requests in the window means no data: NaN, an Error measurement."""
    quantity, quantile = _quantity(metric)
    if quantity == "latency":
        return as_distribution(latency).quantile(quantile)
    if sent <= 0:
        return float("nan")
    if quantity == "error-rate":
        return failed / sent
    return 1.0 - failed / sent
