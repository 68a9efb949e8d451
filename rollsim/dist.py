"""Seeded distributions for pod timings.

Every distribution draws from the cluster's single ``numpy.random.Generator``,
so a run is reproducible from its seed. ``sample(rng, n)`` returns ``n``
non-negative seconds at once (one vectorised draw for a batch of pods).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Real
from statistics import NormalDist
from typing import Any

import numpy as np
import numpy.typing as npt

from rollsim.api.errors import FieldError, ValidationError

__all__ = [
    "Distribution",
    "Empirical",
    "Exponential",
    "Fixed",
    "KwokDelay",
    "LogNormal",
    "Uniform",
    "as_distribution",
    "check_seconds",
    "invalid_argument",
]

Seconds = npt.NDArray[np.float64]


def invalid_argument(owner: str, field: str, value: Any, detail: str) -> ValidationError:
    """The error for one rejected argument of ``owner`` (``PodBehavior``, ``Uniform``),
    in the API server's field-error words (``startup: Invalid value: -1: ...``)."""
    return ValidationError([FieldError("Invalid value", field, detail, value)], owner, None)


def check_seconds(owner: str, field: str, value: Any, minimum: float = 0.0) -> float:
    """``value`` as seconds: a real number (not a bool), finite, at least ``minimum``;
    else the ``ValidationError`` naming ``owner.field``. Returns it as a float.

    NaN would pass every ``<`` check and then stall the clock; infinity would run
    it forever; a string would fail deep inside NumPy.
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise invalid_argument(owner, field, value, "must be a number of seconds")
    seconds = float(value)
    if not math.isfinite(seconds):
        raise invalid_argument(owner, field, value, "must be a finite number")
    if seconds < minimum:
        bound = f"{minimum:g}"
        raise invalid_argument(owner, field, value, f"must be >= {bound}")
    return seconds


class Distribution:
    """A distribution of durations in seconds: draws, mean, CDF and quantiles."""

    def sample(self, rng: np.random.Generator, n: int) -> Seconds:
        raise NotImplementedError

    @property
    def mean(self) -> float:
        raise NotImplementedError

    def cdf(self, x: float) -> float:
        """P(duration <= x)."""
        raise NotImplementedError

    def quantile(self, q: float) -> float:
        """The smallest x with cdf(x) >= q."""
        raise NotImplementedError


@dataclass(frozen=True)
class Fixed(Distribution):
    """Always ``value`` seconds; draws nothing from the generator."""

    value: float

    def __post_init__(self) -> None:
        check_seconds("Fixed", "value", self.value)

    def sample(self, rng: np.random.Generator, n: int) -> Seconds:
        return np.full(n, float(self.value))

    @property
    def mean(self) -> float:
        return float(self.value)

    def cdf(self, x: float) -> float:
        return 1.0 if x >= self.value else 0.0

    def quantile(self, q: float) -> float:
        return float(self.value)


@dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform between ``low`` and ``high`` seconds."""

    low: float
    high: float

    def __post_init__(self) -> None:
        low = check_seconds("Uniform", "low", self.low)
        check_seconds("Uniform", "high", self.high, minimum=low)

    def sample(self, rng: np.random.Generator, n: int) -> Seconds:
        return rng.uniform(self.low, self.high, n)

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    def cdf(self, x: float) -> float:
        if self.high == self.low:
            return 1.0 if x >= self.low else 0.0
        return min(1.0, max(0.0, (x - self.low) / (self.high - self.low)))

    def quantile(self, q: float) -> float:
        return self.low + q * (self.high - self.low)


@dataclass(frozen=True)
class Exponential(Distribution):
    """Exponential with the given ``mean`` seconds."""

    mean_seconds: float

    def __post_init__(self) -> None:
        check_seconds("Exponential", "mean_seconds", self.mean_seconds)

    def sample(self, rng: np.random.Generator, n: int) -> Seconds:
        return rng.exponential(self.mean_seconds, n)

    @property
    def mean(self) -> float:
        return self.mean_seconds

    def cdf(self, x: float) -> float:
        if x < 0:
            return 0.0
        if self.mean_seconds == 0:
            return 1.0
        return 1.0 - math.exp(-x / self.mean_seconds)

    def quantile(self, q: float) -> float:
        return -self.mean_seconds * math.log1p(-q) if q < 1 else math.inf


@dataclass(frozen=True)
class LogNormal(Distribution):
    """Log-normal with the given ``median`` seconds and log-space ``sigma``.

    ``LogNormal(3, 0.5)`` is centred on 3 s with a right tail, the usual shape
    of container start-up and image pull times.
    """

    median: float
    sigma: float

    def __post_init__(self) -> None:
        if check_seconds("LogNormal", "median", self.median) == 0:
            raise invalid_argument("LogNormal", "median", self.median, "must be greater than 0")
        check_seconds("LogNormal", "sigma", self.sigma)

    def sample(self, rng: np.random.Generator, n: int) -> Seconds:
        return rng.lognormal(float(np.log(self.median)), self.sigma, n)

    @property
    def mean(self) -> float:
        return float(self.median * np.exp(self.sigma**2 / 2))

    def cdf(self, x: float) -> float:
        if x <= 0:
            return 0.0
        if self.sigma == 0:
            return 1.0 if x >= self.median else 0.0
        return NormalDist().cdf(math.log(x / self.median) / self.sigma)

    def quantile(self, q: float) -> float:
        if q <= 0:
            return 0.0
        if q >= 1:
            return math.inf
        return self.median * math.exp(self.sigma * NormalDist().inv_cdf(q))


@dataclass(frozen=True)
class Empirical(Distribution):
    """Resample uniformly from observed durations (e.g. measured start-up times)."""

    values: Sequence[float]

    def __post_init__(self) -> None:
        if isinstance(self.values, (str, bytes)) or not isinstance(
            self.values, (Sequence, np.ndarray)
        ):
            raise invalid_argument(
                "Empirical", "values", self.values, "must be a sequence of seconds"
            )
        if len(self.values) == 0:
            raise invalid_argument("Empirical", "values", [], "must hold at least one value")
        for i, value in enumerate(self.values):
            check_seconds("Empirical", f"values[{i}]", value)

    def sample(self, rng: np.random.Generator, n: int) -> Seconds:
        return rng.choice(np.asarray(self.values, dtype=np.float64), n)

    @property
    def mean(self) -> float:
        return float(np.mean(self.values))

    def cdf(self, x: float) -> float:
        return sum(1 for v in self.values if v <= x) / len(self.values)

    def quantile(self, q: float) -> float:
        ordered = sorted(self.values)
        index = max(0, math.ceil(q * len(ordered)) - 1)
        return float(ordered[min(index, len(ordered) - 1)])


@dataclass(frozen=True)
class KwokDelay(Distribution):
    """A KWOK stage delay: uniform between ``duration`` and ``jitter_duration`` seconds.

    As KWOK's ``delay.durationMilliseconds`` / ``jitterDurationMilliseconds``;
    without a jitter (or a jitter below the duration) the delay is fixed.
    """

    duration: float
    jitter_duration: float | None = None

    def __post_init__(self) -> None:
        check_seconds("KwokDelay", "duration", self.duration)
        if self.jitter_duration is not None:
            check_seconds("KwokDelay", "jitter_duration", self.jitter_duration)

    def sample(self, rng: np.random.Generator, n: int) -> Seconds:
        top = self.jitter_duration
        if top is None or top <= self.duration:
            return np.full(n, float(self.duration))
        return rng.uniform(self.duration, top, n)

    @property
    def mean(self) -> float:
        return self._uniform.mean

    @property
    def _uniform(self) -> Uniform:
        top = self.jitter_duration
        return Uniform(self.duration, max(self.duration, top if top is not None else 0.0))

    def cdf(self, x: float) -> float:
        return self._uniform.cdf(x)

    def quantile(self, q: float) -> float:
        return self._uniform.quantile(q)


def as_distribution(value: float | Distribution) -> Distribution:
    """Numbers become ``Fixed``; distributions pass through."""
    if isinstance(value, Distribution):
        return value
    return Fixed(float(value))
