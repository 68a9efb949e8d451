"""The parts a controller may be handed, as kube-controller-manager's ``ControllerContext``.

Upstream, ``cmd/kube-controller-manager/app`` builds one ``ControllerContext``
(the shared informers, the client builder, the stop channel) and calls each
entry of ``NewControllerInitializers`` with it; every ``startXController``
picks out the narrow parts its ``NewXController`` takes. Here the context
holds the world's parts and each controller module ends with its own
``start`` function that does the picking, so a controller never sees the
``Cluster`` and the façade never knows a controller's constructor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from rollsim.api.errors import RollsimError

if TYPE_CHECKING:
    from rollsim.behavior import PodBehaviors
    from rollsim.controllers.endpoints import EndpointsController
    from rollsim.kubelet import Kubelet
    from rollsim.metrics import Recorder
    from rollsim.world.clock import Clock
    from rollsim.world.events import EventRecorder
    from rollsim.world.random import RandomStreams
    from rollsim.world.store import Store
    from rollsim.world.workqueue import Workqueues

__all__ = [
    "MAX_SYNCS_PER_KEY_PER_INSTANT",
    "ControllerContext",
    "ControllerDidNotSettle",
    "Initializer",
    "SyncBudget",
]

#: Syncs of one object in one instant past which its controller is taken to loop: a
#: valid rollout syncs a handful of times per instant, a loop thousands of times a second.
MAX_SYNCS_PER_KEY_PER_INSTANT: Final = 10_000


@dataclass(frozen=True)
class ControllerContext:
    """Everything a ``start`` function may pass on to its controller.

    ``events(source)`` makes an event recorder reporting as ``source`` (the
    component name kubectl prints under FROM). ``endpoints`` is the routing
    table traffic flows through: the traffic-shifting controllers (Argo's
    routers, Flagger) set its weights, so it is built with the world, before
    the registered controllers. ``random.stream(concern)`` gives a controller
    its own child stream, so its draws never shift another concern's.
    """

    store: Store
    kubelet: Kubelet
    queues: Workqueues
    clock: Clock
    events: Callable[[str], EventRecorder]
    recorder: Recorder
    endpoints: EndpointsController
    behaviors: PodBehaviors
    random: RandomStreams


#: A controller module's ``start``: builds the controller, which registers its
#: own watches and queue, and returns it.
Initializer = Callable[[ControllerContext], object]


class ControllerDidNotSettle(RollsimError, RuntimeError):
    """A controller kept reconciling one object without the clock advancing.

    No valid input should reach it; it stands where the simulation would otherwise
    hang, and names the object, the controller and the instant.
    """


class SyncBudget:
    """Counts one controller's syncs of each key within the current instant.

    Upstream a hot loop only burns CPU while time passes; in a simulation whose
    clock waits for the controllers to settle it would never end, so past
    ``limit`` syncs of one key at one instant ``charge`` raises instead.
    """

    def __init__(self, controller: str, limit: int = MAX_SYNCS_PER_KEY_PER_INSTANT) -> None:
        self._controller = controller
        self._limit = limit
        self._instant = -1.0
        self._counts: dict[tuple[str, str], int] = {}

    def charge(self, key: tuple[str, str], now: float) -> None:
        """One more sync of ``key`` at ``now``; raises ``ControllerDidNotSettle`` past the limit."""
        if now != self._instant:
            self._instant = now
            self._counts.clear()
        count = self._counts.get(key, 0) + 1
        self._counts[key] = count
        if count > self._limit:
            namespace, name = key
            raise ControllerDidNotSettle(
                f"{self._controller} controller synced {namespace}/{name} {count - 1} times "
                f"at t={now:g} without settling"
            )
