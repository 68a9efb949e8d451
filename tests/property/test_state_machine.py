"""``RolloutStateMachine`` on three Deployments: random operator sessions keep every
invariant after every step, replay to the same digest, and healthy rollouts finish."""

from __future__ import annotations

from typing import Any, ClassVar

from hypothesis import settings

import rollsim
from rollsim.testing import RolloutStateMachine

from .support import budget


class DefaultDeployment(RolloutStateMachine):
    """The built-in manifest: 4 replicas, 25%/25%, minReadySeconds 5, history 3."""


class RecreateWithProbe(RolloutStateMachine):
    manifest: ClassVar[Any] = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "api"},
        "spec": {
            "replicas": 3,
            "strategy": {"type": "Recreate"},
            "revisionHistoryLimit": 1,
            "selector": {"matchLabels": {"app": "api"}},
            "template": {
                "metadata": {"labels": {"app": "api"}},
                "spec": {
                    "terminationGracePeriodSeconds": 5,
                    "containers": [
                        {
                            "name": "api",
                            "image": "registry:5000/api:1.0",
                            "readinessProbe": {"httpGet": {"port": 80}, "periodSeconds": 3},
                        }
                    ],
                },
            },
        },
    }
    pods = rollsim.PodBehavior(startup=rollsim.dist.Uniform(0, 4), shutdown=3.0)
    max_replicas = 5


class SurgeOnlyWithTraffic(RolloutStateMachine):
    """maxUnavailable 0 behind a Service with endpoint lag; history cleanup
    deletes ReplicaSets whose endpoints still linger."""

    manifest: ClassVar[Any] = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop}
spec:
  replicas: 3
  revisionHistoryLimit: 1
  strategy:
    rollingUpdate: {maxSurge: 2, maxUnavailable: 0}
  selector:
    matchLabels: {app: shop}
  template:
    metadata:
      labels: {app: shop}
    spec:
      containers:
      - name: shop
        image: shop:1.0
---
apiVersion: v1
kind: Service
metadata: {name: shop}
spec:
  selector: {app: shop}
  ports: [{port: 80}]
"""
    traffic = rollsim.Traffic(rps=200, service="shop", endpoint_lag=1.5)
    max_replicas = 6


for machine in (DefaultDeployment, RecreateWithProbe, SurgeOnlyWithTraffic):
    machine.TestCase.settings = settings(max_examples=budget(1))

TestDefaultDeployment = DefaultDeployment.TestCase
TestRecreateWithProbe = RecreateWithProbe.TestCase
TestSurgeOnlyWithTraffic = SurgeOnlyWithTraffic.TestCase
