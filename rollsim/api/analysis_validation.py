"""An AnalysisTemplate metric's rules, and how its int-or-string and duration fields read.

Mirrors ``ValidateMetric`` in argo-rollouts utils/analysis/helpers.go (whose
words the field errors carry), ``intstr.IntValue`` and ``DurationString.Duration``.
The AnalysisRun simulation in ``controllers/rollout/analysis.py`` reads the same
fields through the same two functions, so what apply accepts is what runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rollsim.api.duration import parse_duration, parse_int
from rollsim.api.errors import FieldError

if TYPE_CHECKING:
    from rollsim.api.argo import AnalysisMetric

__all__ = ["int_value", "metric_duration_seconds", "validate_metric"]


def int_value(value: int | str | None) -> int:
    """``intstr.IntValue``: an int as it is, a string through ``strconv.Atoi`` (ASCII
    digits only), 0 for any other string or none."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    return parse_int(value) or 0


def metric_duration_seconds(text: str) -> float:
    """``DurationString.Duration`` of a metric's interval or initialDelay, in seconds:
    a Go duration and, beyond upstream, bare seconds (``"30"``); empty is 0. Raises
    Go's ``ValueError`` for anything else."""
    if not text:
        return 0.0
    seconds = parse_int(text)
    return float(seconds) if seconds is not None else parse_duration(text)


def validate_metric(metric: AnalysisMetric, path: str) -> list[FieldError]:
    """``ValidateMetric`` (utils/analysis/helpers.go), its words at the field they are
    about: limits within count, an interval when counting more than once, durations
    that parse, no negative limit. Beyond upstream a negative interval or
    initialDelay is refused with Argo's duration words: it would schedule
    measurements in the past."""
    errors: list[FieldError] = []
    count = int_value(metric.count)
    for name, wire in (
        ("failure_limit", "failureLimit"),
        ("inconclusive_limit", "inconclusiveLimit"),
    ):
        if count > 0 and count < int_value(getattr(metric, name)):
            errors.append(
                FieldError("Invalid value", f"{path}.count", f"count must be >= {wire}", count)
            )
    if count > 1 and not metric.interval:
        errors.append(
            FieldError(
                "Required value", f"{path}.interval", "interval must be specified when count > 1"
            )
        )
    for text, wire, word in (
        (metric.interval, "interval", "interval"),
        (metric.initial_delay, "initialDelay", "startDelay"),
    ):
        try:
            seconds = metric_duration_seconds(text)
        except ValueError as error:
            detail = f"invalid {word} string: {error}"
            errors.append(FieldError("Invalid value", f"{path}.{wire}", detail, text))
            continue
        if seconds < 0:
            detail = "Duration needs to be greater than 0"
            errors.append(FieldError("Invalid value", f"{path}.{wire}", detail, text))
    for name, wire in (
        ("failure_limit", "failureLimit"),
        ("inconclusive_limit", "inconclusiveLimit"),
        ("consecutive_error_limit", "consecutiveErrorLimit"),
    ):
        limit = int_value(getattr(metric, name))
        if limit < 0:
            errors.append(
                FieldError("Invalid value", f"{path}.{wire}", f"{wire} must be >= 0", limit)
            )
    return errors
