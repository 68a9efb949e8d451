"""Which controllers run, in which order: the analogue of ``NewControllerInitializers``.

Adding a controller is one module with a ``start(ctx)`` function and one line
here. Order is part of the model: the queues drain in registration order at
each instant (ReplicaSets before Deployments, so a Deployment sync reads fresh
ReplicaSet status), and watch handlers of one kind run in the order their
controllers were started.
"""

from __future__ import annotations

from collections.abc import Mapping

from rollsim.controllers import canary, garbagecollector, namespace, replicaset
from rollsim.controllers.context import Initializer
from rollsim.controllers.deployment import controller as deployment
from rollsim.controllers.rollout import controller as rollout

__all__ = ["CONTROLLERS"]

CONTROLLERS: Mapping[str, Initializer] = {
    "replicaset": replicaset.start,
    "deployment": deployment.start,
    "rollouts": rollout.start,
    "flagger": canary.start,
    "garbagecollector": garbagecollector.start,
    "namespace": namespace.start,
}
