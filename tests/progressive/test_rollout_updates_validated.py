"""A verb that rewrites a Rollout is validated as the manifest was: ``argo rollouts
set image ro c=`` is refused, not stored with an empty image."""

from __future__ import annotations

import pytest

import rollsim

from .support import rollout_yaml

CANARY = """    canary:
      steps:
      - setWeight: 50
"""


def test_set_image_to_nothing_is_refused_and_nothing_changes() -> None:
    cluster = rollsim.Cluster()
    cluster.apply(rollout_yaml(strategy=CANARY))
    cluster.run(until=30)
    before = cluster.get("rollout", "web")
    with pytest.raises(rollsim.KubectlError) as refused:
        cluster.kubectl("argo rollouts set image web web=")
    assert str(refused.value) == (
        'The Rollout "web" is invalid: spec.template.spec.containers[0].image: Required value'
    )
    assert cluster.get("rollout", "web") == before
