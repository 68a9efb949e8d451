"""The kubelet's probers, as arithmetic on each worker's tick grid.

Mirrors pkg/kubelet/prober. Upstream runs one worker per container and probe
type (``worker.go``): its ticker starts when the pod is first synced on its
node and fires every ``periodSeconds``; a readiness worker is also run at once
when a started container is not yet ready (``UpdatePodStatus``'s manual
trigger). ``doProbe`` skips while the whole seconds since the container
started are fewer than ``initialDelaySeconds``, and while the startup probe
has not succeeded (liveness, readiness) or once it has (startup). Each result
extends a run of identical results (``resultRun``), and a result is published
once the run reaches ``successThreshold`` or ``failureThreshold``.

rollsim never wakes at every tick: an application's answer only changes when
its state does (warming up, serving, failing, hung), so between two changes
every probe gives the same answer, and the tick at which a run reaches its
threshold is arithmetic. ``Prober.plan`` is called at each change; it counts
the probes made since the last plan, and returns the times of the failing
results still to come up to the threshold (for ``Unhealthy`` events) and the
time the threshold is reached, if it is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rollsim.api.core import Container, Probe

__all__ = ["Answer", "AppState", "ProbeTiming", "Prober", "answer", "probe_timing"]

#: What the application does now: ``warming`` (not listening yet), ``serving``,
#: ``failing`` (answers, but its readiness check and requests fail), ``hung``
#: (accepts connections, answers nothing).
AppState = str

_EPSILON = 1e-9


@dataclass(frozen=True)
class ProbeTiming:
    """One probe of the first container, defaulted as the API server defaults it."""

    kind: str  # "Liveness", "Readiness" or "Startup", as the kubelet's events spell it
    initial_delay: float
    period: float
    timeout: float
    success_threshold: int
    failure_threshold: int
    handler: Mapping[str, Any]
    #: The probe's own terminationGracePeriodSeconds (liveness and startup kills only).
    termination_grace: int | None


def probe_timing(kind: str, probe: Probe) -> ProbeTiming:
    """The timing of ``probe``, with upstream's defaults for any field left 0."""
    grace = probe.extra.get("terminationGracePeriodSeconds")
    return ProbeTiming(
        kind=kind,
        initial_delay=float(probe.initial_delay_seconds),
        period=float(probe.period_seconds or 10),
        timeout=float(probe.timeout_seconds or 1),
        success_threshold=max(probe.success_threshold or 1, 1),
        failure_threshold=max(probe.failure_threshold or 3, 1),
        handler=probe.extra,
        termination_grace=grace if isinstance(grace, int) else None,
    )


@dataclass(frozen=True)
class Answer:
    """A probe's result against the application in one state: success, or a failure
    with the prober's output; ``timed_out`` failures land ``timeoutSeconds`` late."""

    success: bool
    output: str = ""
    timed_out: bool = False


_OK = Answer(True)


def _go_seconds(seconds: float) -> str:
    """A whole number of seconds as Go's ``time.Duration.String`` prints it."""
    return f"{seconds:g}s"


def _port(handler: Mapping[str, Any], container: Container) -> str:
    """The probe's port, a named port resolved against the container's ports."""
    port = handler.get("port", "")
    if isinstance(port, str):
        for declared in container.extra.get("ports") or ():
            if isinstance(declared, Mapping) and declared.get("name") == port:
                return str(declared.get("containerPort", port))
    return str(port)


def answer(
    timing: ProbeTiming, app: AppState, ip: str, container: Container, latency: float = 0.0
) -> Answer:
    """What a probe of ``timing``'s handler gets from an application in state ``app``
    that answers in ``latency`` seconds (its mean), worded as pkg/probe's HTTP, TCP,
    gRPC and exec runners report it. An answer slower than ``timeoutSeconds`` is a
    probe that times out, as against a hung application."""
    if app in ("serving", "failing") and latency > timing.timeout:
        app = "hung"
    if app == "serving" or (app == "failing" and timing.kind != "Readiness"):
        return _OK
    handler = timing.handler
    timeout = _go_seconds(timing.timeout)
    if "httpGet" in handler:
        get = handler["httpGet"] or {}
        host = get.get("host") or ip
        scheme = str(get.get("scheme") or "HTTP").lower()
        url = f"{scheme}://{host}:{_port(get, container)}{get.get('path') or '/'}"
        if app == "failing":
            return Answer(False, "HTTP probe failed with statuscode: 503")
        if app == "hung":
            reason = "context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
            return Answer(False, f'Get "{url}": {reason}', timed_out=True)
        address = f"{host}:{_port(get, container)}"
        return Answer(False, f'Get "{url}": dial tcp {address}: connect: connection refused')
    if "tcpSocket" in handler:
        socket = handler["tcpSocket"] or {}
        if app in ("failing", "hung"):
            # The kernel accepts the connection: a TCP probe sees neither.
            return _OK
        address = f"{socket.get('host') or ip}:{_port(socket, container)}"
        return Answer(False, f"dial tcp {address}: connect: connection refused")
    if "grpc" in handler:
        address = f"{ip}:{(handler['grpc'] or {}).get('port', '')}"
        if app == "failing":
            return Answer(False, 'service unhealthy (responded with "NOT_SERVING")')
        if app == "hung":
            return Answer(False, f"timeout: health rpc did not complete within {timeout}", True)
        text = f'timeout: failed to connect service "{address}" within {timeout}'
        return Answer(False, f"{text}: context deadline exceeded", timed_out=True)
    command: Sequence[str] = (handler.get("exec") or {}).get("command") or ()
    if app == "hung":
        return Answer(False, f'command "{" ".join(command)}" timed out', timed_out=True)
    return Answer(False, "")


class Prober:
    """One probe worker's state: its last result, the length of the run of identical
    results (``resultRun``) and when its last probe was made.

    ``anchor`` is when the worker's ticker started; ``eligible`` is the first time
    a probe counts (the container's start plus ``initialDelaySeconds``, or when the
    startup probe let it run); ``trigger`` is a one-off run at that time (the
    readiness worker's manual trigger).
    """

    __slots__ = ("anchor", "current", "eligible", "last", "result", "run", "timing", "trigger")

    def __init__(self, timing: ProbeTiming, anchor: float) -> None:
        self.timing = timing
        #: The answer the application gives this probe since the last plan.
        self.current = _OK
        self.anchor = anchor
        self.eligible = math.inf
        self.trigger: float | None = None
        self.result: bool | None = None
        self.run = 0
        self.last = -math.inf

    def arm(self, started_at: float, now: float, trigger: bool) -> None:
        """A new container started (or its startup probe passed, at ``now``): runs are
        counted afresh, from the first probe the initial delay allows."""
        self.result = None
        self.run = 0
        self.last = now - _EPSILON if trigger else now
        self.eligible = max(now, started_at + self.timing.initial_delay)
        self.trigger = now if trigger and now >= self.eligible - _EPSILON else None

    def disarm(self) -> None:
        """The worker stops probing (on hold after a kill, or the pod is terminating)."""
        self.eligible = math.inf
        self.trigger = None

    def _instants(self, after: float, answer: Answer) -> Any:
        """The probe times after ``after``: the manual trigger, then the ticker's ticks;
        a probe that times out holds the worker, and a tick missed meanwhile fires as
        soon as it returns (Go's ticker buffers one tick)."""
        period, timeout = self.timing.period, self.timing.timeout
        start = max(after, self.eligible - _EPSILON)
        if self.trigger is not None and self.trigger > after:
            t = self.trigger
        else:
            k = max(math.floor((start - self.anchor) / period + _EPSILON) + 1, 1)
            t = self.anchor + k * period
        while True:
            yield t
            if answer.timed_out and timeout >= period:
                t += timeout
            else:
                k = math.floor((t - self.anchor) / period + _EPSILON) + 1
                t = self.anchor + k * period

    def catch_up(self, now: float, previous: Answer) -> None:
        """Count the probes made before ``now`` under the answer that held until now
        (a probe at ``now`` itself gets the new answer)."""
        if self.eligible == math.inf:
            return
        lag = self.timing.timeout if previous.timed_out else 0.0
        for t in self._instants(self.last, previous):
            if t + lag >= now - _EPSILON:
                break
            self._count(previous.success)
            self.last = t
            self.trigger = None

    def _count(self, success: bool) -> None:
        if self.result is success:
            self.run += 1
        else:
            self.result = success
            self.run = 1

    def plan(self, current: Answer) -> tuple[list[float], float | None, int]:
        """Under ``current`` from now on: the times of the failing results still to come
        until the run reaches its threshold, the time it does (None if never: probing
        is disarmed), and the run length the threshold needs."""
        if self.eligible == math.inf:
            return [], None, 0
        success = current.success
        need = self.timing.success_threshold if success else self.timing.failure_threshold
        run = self.run if self.result is success else 0
        if run >= need:
            # Published already: later probes of the same answer change nothing, and
            # their events are not recorded one by one (kubectl would count them).
            return [], None, need
        lag = self.timing.timeout if current.timed_out else 0.0
        failures: list[float] = []
        reached = None
        for t in self._instants(self.last, current):
            run += 1
            if not success:
                failures.append(t + lag)
            if run >= need:
                reached = t + lag
                break
        return failures, reached, need
