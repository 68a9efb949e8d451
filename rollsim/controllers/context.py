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
from typing import TYPE_CHECKING

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

__all__ = ["ControllerContext", "Initializer"]


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
