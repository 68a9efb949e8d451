"""How the kubelet stops a container (the preStop hook, SIGTERM, SIGKILL) and how
long it waits to start it again.

Mirrors pkg/kubelet/kuberuntime/kuberuntime_container.go ``killContainer`` and
``executePreStopHook``, and pkg/kubelet/lifecycle/handlers.go. The kubelet runs
the preStop hook and waits for it at most the grace period; it then takes the
hook's whole seconds off the grace period, keeps at least two seconds
(``minimumGracePeriodInSeconds``, the docs' "one-off grace period extension of
2 seconds"), sends SIGTERM, and SIGKILL when those seconds are up. A hook that
fails is reported (``FailedPreStopHook``, with a fixed message so that no
secret leaks into events) and termination goes on.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rollsim.api.core import Container
from rollsim.kubelet.prober import AppState

__all__ = [
    "MINIMUM_GRACE_PERIOD",
    "PreStopHook",
    "StopTimeline",
    "crash_backoff",
    "pre_stop_hook",
    "stop_timeline",
]

MINIMUM_GRACE_PERIOD = 2.0

#: Kubelet crash-loop back-off: the first restart is immediate, then 10 s doubling to 300 s.
BACKOFF_INITIAL = 10.0
BACKOFF_MAX = 300.0


def crash_backoff(restarts: int) -> float:
    """Seconds the kubelet waits before restart number ``restarts`` (1-based)."""
    if restarts <= 1:
        return 0.0
    return min(BACKOFF_INITIAL * 2.0 ** (restarts - 2), BACKOFF_MAX)


_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "busybox"})
_SLEEP = re.compile(r"\s*sleep\s+(\d+(?:\.\d+)?)([smhd]?)\s*(?:$|[;&|\n])")
_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


@dataclass(frozen=True)
class PreStopHook:
    """A preStop hook as it would run now: for how long, and whether it fails."""

    seconds: float
    fails: bool = False


def _sleep_seconds(command: Sequence[str]) -> float | None:
    """The seconds of an exec hook that sleeps (``sleep 5``, ``sh -c "sleep 5 && ..."``),
    as GNU sleep reads its argument; None for any other command."""
    if not command:
        return None
    program = str(command[0]).rsplit("/", 1)[-1]
    if program == "sleep" and len(command) >= 2:
        script = f"sleep {command[1]}"
    elif program in _SHELLS and "-c" in command[1:-1]:
        script = str(command[command.index("-c") + 1])
    else:
        return None
    match = _SLEEP.match(script)
    if match is None:
        return None
    return float(match.group(1)) * _UNITS[match.group(2)]


def pre_stop_hook(container: Container, app: AppState, other: float) -> PreStopHook | None:
    """The container's preStop hook (None without one), given the application's state.

    ``sleep`` (KEP-3960) and an exec of ``sleep N`` last N seconds; any other exec,
    and an httpGet the application answers, last ``other`` (``PodBehavior.pre_stop``:
    the manifest does not say). An httpGet to an application not listening fails
    at once; to a hung one, it waits until the grace period cuts it. A tcpSocket
    hook is not a valid handler (``HandlerRunner.Run``'s default case): it fails.
    """
    lifecycle = container.extra.get("lifecycle")
    hook: Mapping[str, Any] | None = (
        lifecycle.get("preStop") if isinstance(lifecycle, Mapping) else None
    )
    if not hook:
        return None
    if "sleep" in hook:
        return PreStopHook(float((hook["sleep"] or {}).get("seconds", 0)))
    if "exec" in hook:
        seconds = _sleep_seconds((hook["exec"] or {}).get("command") or ())
        return PreStopHook(other if seconds is None else seconds)
    if "httpGet" in hook:
        if app in ("serving", "failing"):
            return PreStopHook(other)
        if app == "hung":
            return PreStopHook(math.inf)
    return PreStopHook(0.0, fails=True)


@dataclass(frozen=True)
class StopTimeline:
    """Seconds from the kill: the hook's run, SIGTERM, and SIGKILL."""

    hook: float
    sigterm: float
    sigkill: float


def stop_timeline(grace: float, hook: PreStopHook | None) -> StopTimeline:
    """``killContainer``'s arithmetic for a grace period and a preStop hook."""
    ran = 0.0
    left = grace
    if hook is not None and grace > 0:
        ran = min(hook.seconds, grace)
        left = grace - math.floor(ran)
    left = max(left, MINIMUM_GRACE_PERIOD)
    return StopTimeline(hook=ran, sigterm=ran, sigkill=ran + left)
