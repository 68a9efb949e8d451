"""How simulated pods behave: timings, faults and service quality.

A ``PodBehavior`` is given per cluster (the default for every pod) and per
image (``Cluster(images={"nginx:1.27": PodBehavior(...)})``). Timing fields
are seconds or ``rollsim.dist`` distributions, sampled once per pod.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Real
from typing import Any

from rollsim.api.core import PodTemplateSpec
from rollsim.dist import Distribution, check_seconds, invalid_argument

__all__ = ["PodBehavior", "PodBehaviors"]

Duration = float | Distribution


@dataclass(frozen=True)
class PodBehavior:
    """Timings and fault modes of one kind of pod.

    Timeline of a healthy pod: created, then ``schedule`` until it is bound
    to a node, ``pull`` for the image, ``startup`` until the container runs
    (phase Running), ``ready`` until the application would answer its
    readiness probe. Without a readinessProbe the pod turns Ready then; with
    one, at the first probe (``initialDelaySeconds`` + k * ``periodSeconds``
    after start) that finds the application ready, plus further periods up to
    ``successThreshold``. On deletion the pod leaves its ReplicaSet's counts at
    once and is gone ``shutdown`` seconds later, capped by
    ``terminationGracePeriodSeconds``.

    Fault modes:

    - ``image_pull_error``: the pull fails; the pod stays Pending in
      ErrImagePull / ImagePullBackOff.
    - ``crash_loop``: the container exits after running this long; the kubelet
      restarts it at once the first time, then after 10 s doubling up to 300 s
      (CrashLoopBackOff).
    - ``never_ready``: the container runs but never passes readiness.
    - ``unready_after``: the application fails this long after the pod became
      Ready, and stays failed; with a readinessProbe the pod turns NotReady at
      the failureThreshold-th failing probe.

    ``error_rate`` (0..1) and ``latency`` (seconds) describe the requests this
    version serves, for the traffic model.
    """

    schedule: Duration = 0.0
    pull: Duration = 0.0
    startup: Duration = 0.0
    ready: Duration = 0.0
    shutdown: Duration = 0.0
    image_pull_error: bool = False
    crash_loop: Duration | None = None
    never_ready: bool = False
    unready_after: Duration | None = None
    error_rate: float = 0.0
    latency: Duration = 0.0

    def __post_init__(self) -> None:
        """Refuse what the kubelet could not simulate, naming the field: a timing that
        is not seconds or a distribution (or is negative, NaN or infinite), a fault
        flag that is not a bool, an error rate outside [0, 1]."""
        for name in ("schedule", "pull", "startup", "ready", "shutdown", "latency"):
            _check_duration(name, getattr(self, name))
        for name in ("crash_loop", "unready_after"):
            value = getattr(self, name)
            if value is not None:
                _check_duration(name, value)
        for name in ("image_pull_error", "never_ready"):
            value = getattr(self, name)
            if not isinstance(value, bool):
                raise invalid_argument("PodBehavior", name, value, "must be a bool")
        rate = self.error_rate
        if isinstance(rate, bool) or not isinstance(rate, Real) or not 0.0 <= rate <= 1.0:
            raise invalid_argument(
                "PodBehavior", "error_rate", rate, "must be a number between 0 and 1, inclusive"
            )


def _check_duration(name: str, value: Any) -> None:
    """A timing field: a distribution, or seconds as ``check_seconds`` takes them."""
    if isinstance(value, Distribution):
        return
    if isinstance(value, bool) or not isinstance(value, Real):
        raise invalid_argument(
            "PodBehavior", name, value, "must be seconds or a rollsim.dist distribution"
        )
    check_seconds("PodBehavior", name, value)


class PodBehaviors:
    """The behaviour of every pod: per image where one is given, else the default."""

    def __init__(self, default: PodBehavior, images: Mapping[str, PodBehavior]) -> None:
        self.default = default
        self.images = dict(images)

    def for_template(self, template: PodTemplateSpec) -> PodBehavior:
        """The behaviour of the first container whose image has one, else the default."""
        for container in template.spec.containers:
            behavior = self.images.get(container.image)
            if behavior is not None:
                return behavior
        return self.default
