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
    (phase Running), then ``warmup`` until the application answers requests
    correctly. Readiness is the kubelet's, as upstream: without a
    readinessProbe the pod is Ready as soon as its container runs (requests
    routed to it during the warm-up fail); with one, Ready at the probe that
    finds the application warm (the prober's tick grid, ``initialDelaySeconds``,
    ``successThreshold``). Liveness and startup probes run as the kubelet's
    probers do, and a container that fails them is restarted.

    On deletion the pod leaves its ReplicaSet's counts at once; its preStop
    hook runs (``sleep`` and exec ``sleep N`` for their seconds, any other hook
    for ``pre_stop``), then SIGTERM, after which the application goes on
    serving for ``shutdown`` seconds before it exits; everything is capped by
    ``terminationGracePeriodSeconds`` (SIGKILL), as ``killContainer`` does.

    Fault modes:

    - ``image_pull_error``: the pull fails; the pod stays Pending in
      ErrImagePull / ImagePullBackOff.
    - ``crash_loop``: the container exits after running this long; the kubelet
      restarts it at once the first time, then after 10 s doubling up to 300 s
      (CrashLoopBackOff).
    - ``never_ready``: the application never finishes warming up: requests to
      it fail, a readinessProbe never passes (without one the pod is Ready
      anyway, as upstream), a liveness probe restarts it.
    - ``unready_after``: this long after it began serving, the application
      fails its readiness check and every request (a dependency is down), and
      stays so; its liveness check still passes.
    - ``hangs_after``: this long after it began serving, the application stops
      answering anything (probes time out); a livenessProbe restarts it, and
      the new container hangs again as long after its own warm-up.

    ``error_rate`` (0..1) and ``latency`` (seconds) describe the requests this
    version serves, for the traffic model; a probe times out when the mean
    ``latency`` exceeds its ``timeoutSeconds``.
    """

    schedule: Duration = 0.0
    pull: Duration = 0.0
    startup: Duration = 0.0
    warmup: Duration = 0.0
    shutdown: Duration = 0.0
    pre_stop: Duration = 0.0
    image_pull_error: bool = False
    crash_loop: Duration | None = None
    never_ready: bool = False
    unready_after: Duration | None = None
    hangs_after: Duration | None = None
    error_rate: float = 0.0
    latency: Duration = 0.0

    def __post_init__(self) -> None:
        """Refuse what the kubelet could not simulate, naming the field: a timing that
        is not seconds or a distribution (or is negative, NaN or infinite), a fault
        flag that is not a bool, an error rate outside [0, 1]."""
        for name in ("schedule", "pull", "startup", "warmup", "shutdown", "pre_stop", "latency"):
            _check_duration(name, getattr(self, name))
        for name in ("crash_loop", "unready_after", "hangs_after"):
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
