"""Work queues as client-go's, and the pass that drains them.

Each controller gets one ``WorkQueue``: keys are de-duplicated while they
wait (a key added twice is synced once), ``add_after`` is ``AddAfter`` (the
earliest request wins) and ``add_rate_limited`` is ``AddRateLimited`` with
client-go's ``DefaultControllerRateLimiter``. An optional per-controller
``latency`` delays every reaction, the informer-to-handler delay of a real
control plane; the default 0 is the idealised control plane upstream's unit
tables assume.

``Workqueues`` drains the queues at the end of an instant, in the order the
controllers were registered, one key at a time and always from the first
non-empty queue: pending ReplicaSet work therefore runs before the next
Deployment sync, so a sync reads fresh ReplicaSet status.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rollsim.api.errors import ControllerDidNotSettle
from rollsim.world.clock import CONTROLLER_PRIORITY, Clock

__all__ = [
    "MAX_SYNCS_PER_INSTANT",
    "MAX_SYNCS_PER_KEY",
    "RateLimiter",
    "WorkQueue",
    "Workqueues",
]

#: client-go's DefaultControllerRateLimiter: 5 ms base delay, 10 qps bucket, burst 100.
RATE_LIMIT_BASE_DELAY = 0.005
RATE_LIMIT_QPS = 10.0
RATE_LIMIT_BURST = 100
#: Syncs in one pass beyond which the controllers are taken to be looping (a bug).
MAX_SYNCS_PER_INSTANT = 1_000_000
#: Syncs of one key by one controller in one pass: a real reconcile needs a few,
#: a controller that re-queues its own key at once reaches this in well under a
#: second. Upstream such a loop only burns CPU while time passes; here the clock
#: waits for the controllers to settle, so it would never end.
MAX_SYNCS_PER_KEY = 10_000

#: A queue key: the (namespace, name) of the object to sync, as client-go's MetaNamespaceKey.
Key = tuple[str, str]
Sync = Callable[[Key], None]


class RateLimiter:
    """The larger of a 5 ms per-item back-off and a token bucket of 10 per second with
    a burst of 100 shared by the queue (``MaxOfRateLimiter`` of client-go's default)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._tokens = float(RATE_LIMIT_BURST)
        self._last = clock.now

    def when(self) -> float:
        """Seconds until the next rate-limited add may be handed out."""
        now = self._clock.now
        refill = (now - self._last) * RATE_LIMIT_QPS
        self._tokens = min(float(RATE_LIMIT_BURST), self._tokens + refill) - 1.0
        self._last = now
        wait = -self._tokens / RATE_LIMIT_QPS if self._tokens < 0 else 0.0
        return max(RATE_LIMIT_BASE_DELAY, wait)


class WorkQueue:
    """One controller's queue of keys waiting to be synced."""

    def __init__(self, name: str, clock: Clock, latency: float, kick: Callable[[], None]) -> None:
        #: The controller's name, as it registered (``replicaset``, ``rollout``).
        self.name = name
        self._clock = clock
        self._latency = latency
        self._kick = kick
        self._limiter: RateLimiter | None = None
        self._delayed: dict[Key, float] = {}
        self.keys: dict[Key, None] = {}

    def add(self, key: Key) -> None:
        """A change the controller watches: queue ``key`` (after the controller's latency)."""
        if self._latency > 0:
            self.add_after(key, self._latency)
            return
        self.keys[key] = None
        self._kick()

    def add_after(self, key: Key, delay: float) -> None:
        """``AddAfter``: queue ``key`` in ``delay`` seconds (the earliest request wins)."""
        due = self._clock.now + delay
        pending = self._delayed.get(key)
        if pending is not None and pending <= due:
            return
        self._delayed[key] = due
        self._clock.at(delay, self._release, (key, due))

    def _release(self, entry: tuple[Key, float]) -> None:
        key, due = entry
        if self._delayed.get(key) == due:
            del self._delayed[key]
            self.keys[key] = None
            self._kick()

    def add_rate_limited(self, key: Key) -> None:
        """``AddRateLimited`` with client-go's default controller limiter."""
        if self._limiter is None:
            self._limiter = RateLimiter(self._clock)
        self.add_after(key, self._limiter.when())


class Workqueues:
    """Every controller's queue, drained in registration order once an instant settles."""

    def __init__(self, clock: Clock, latency: float | Mapping[str, float] = 0.0) -> None:
        self._clock = clock
        self._latency = latency
        self._queues: list[tuple[WorkQueue, Sync]] = []
        self._scheduled = False

    def register(self, controller: str, sync: Sync) -> WorkQueue:
        """The queue of a new controller whose ``sync`` handles one key."""
        latency = (
            self._latency.get(controller, 0.0)
            if isinstance(self._latency, Mapping)
            else self._latency
        )
        queue = WorkQueue(controller, self._clock, float(latency), self._kick)
        self._queues.append((queue, sync))
        return queue

    def _kick(self) -> None:
        if not self._scheduled:
            self._scheduled = True
            self._clock.after_instant(CONTROLLER_PRIORITY, self._drain)

    def _drain(self) -> None:
        syncs = 0
        per_key: dict[tuple[str, Key], int] = {}
        try:
            while True:
                for queue, sync in self._queues:
                    if queue.keys:
                        key = next(iter(queue.keys))
                        del queue.keys[key]
                        self._charge(per_key, queue.name, key)
                        sync(key)
                        break
                else:
                    return
                syncs += 1
                if syncs > MAX_SYNCS_PER_INSTANT:
                    raise ControllerDidNotSettle(
                        f"controllers synced {syncs - 1} times at t={self._clock.now:g} "
                        "without settling"
                    )
        finally:
            self._scheduled = False

    def _charge(self, per_key: dict[tuple[str, Key], int], controller: str, key: Key) -> None:
        count = per_key.get((controller, key), 0) + 1
        per_key[(controller, key)] = count
        if count > MAX_SYNCS_PER_KEY:
            namespace, name = key
            raise ControllerDidNotSettle(
                f"{controller} controller synced {namespace}/{name} {count - 1} times "
                f"at t={self._clock.now:g} without settling"
            )
