"""Seeded distributions for pod timings.

Every distribution draws from the cluster's single ``numpy.random.Generator``,
so a run is reproducible from its seed. ``sample(rng, n)`` returns ``n``
non-negative seconds at once (one vectorised draw for a batch of pods).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "Distribution",
    "Empirical",
    "Exponential",
    "Fixed",
    "KwokDelay",
    "LogNormal",
    "Uniform",
    "as_distribution",
]

Seconds = npt.NDArray[np.float64]


class Distribution:
    """A distribution of durations in seconds."""

    def sample(self, rng: np.random.Generator, n: int) -> Seconds:
        raise NotImplementedError

    @property
    def mean(self) -> float:
        raise NotImplementedError


@dataclass(frozen=True)
class Fixed(Distribution):
    """Always ``value`` seconds; draws nothing from the generator."""

    value: float

    def __post_init__(self) -> None:
        if self.value < 0:
            raise ValueError(f"Fixed: value must be >= 0, got {self.value}")

    def sample(self, rng: np.random.Generator, n: int) -> Seconds:
        return np.full(n, float(self.value))

    @property
    def mean(self) -> float:
        return float(self.value)


@dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform between ``low`` and ``high`` seconds."""

    low: float
    high: float

    def __post_init__(self) -> None:
        if not 0 <= self.low <= self.high:
            raise ValueError(f"Uniform: need 0 <= low <= high, got {self.low}, {self.high}")

    def sample(self, rng: np.random.Generator, n: int) -> Seconds:
        return rng.uniform(self.low, self.high, n)

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2


@dataclass(frozen=True)
class Exponential(Distribution):
    """Exponential with the given ``mean`` seconds."""

    mean_seconds: float

    def __post_init__(self) -> None:
        if self.mean_seconds < 0:
            raise ValueError(f"Exponential: mean must be >= 0, got {self.mean_seconds}")

    def sample(self, rng: np.random.Generator, n: int) -> Seconds:
        return rng.exponential(self.mean_seconds, n)

    @property
    def mean(self) -> float:
        return self.mean_seconds


@dataclass(frozen=True)
class LogNormal(Distribution):
    """Log-normal with the given ``median`` seconds and log-space ``sigma``.

    ``LogNormal(3, 0.5)`` is centred on 3 s with a right tail, the usual shape
    of container start-up and image pull times.
    """

    median: float
    sigma: float

    def __post_init__(self) -> None:
        if self.median <= 0 or self.sigma < 0:
            raise ValueError(f"LogNormal: need median > 0 and sigma >= 0, got {self.median}, "
                             f"{self.sigma}")

    def sample(self, rng: np.random.Generator, n: int) -> Seconds:
        return rng.lognormal(float(np.log(self.median)), self.sigma, n)

    @property
    def mean(self) -> float:
        return float(self.median * np.exp(self.sigma**2 / 2))


@dataclass(frozen=True)
class Empirical(Distribution):
    """Resample uniformly from observed durations (e.g. measured start-up times)."""

    values: Sequence[float]

    def __post_init__(self) -> None:
        if not len(self.values) or min(self.values) < 0:
            raise ValueError("Empirical: need at least one value, all >= 0")

    def sample(self, rng: np.random.Generator, n: int) -> Seconds:
        return rng.choice(np.asarray(self.values, dtype=np.float64), n)

    @property
    def mean(self) -> float:
        return float(np.mean(self.values))


@dataclass(frozen=True)
class KwokDelay(Distribution):
    """A KWOK stage delay: uniform between ``duration`` and ``jitter_duration`` seconds.

    As KWOK's ``delay.durationMilliseconds`` / ``jitterDurationMilliseconds``;
    without a jitter (or a jitter below the duration) the delay is fixed.
    """

    duration: float
    jitter_duration: float | None = None

    def __post_init__(self) -> None:
        if self.duration < 0:
            raise ValueError(f"KwokDelay: duration must be >= 0, got {self.duration}")

    def sample(self, rng: np.random.Generator, n: int) -> Seconds:
        top = self.jitter_duration
        if top is None or top <= self.duration:
            return np.full(n, float(self.duration))
        return rng.uniform(self.duration, top, n)

    @property
    def mean(self) -> float:
        top = self.jitter_duration
        if top is None or top <= self.duration:
            return float(self.duration)
        return (self.duration + top) / 2


def as_distribution(value: float | Distribution) -> Distribution:
    """Numbers become ``Fixed``; distributions pass through."""
    if isinstance(value, Distribution):
        return value
    return Fixed(float(value))
