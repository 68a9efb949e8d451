"""``kubectl apply``'s line per object when one file holds the same object twice.

kubectl applies each object in turn (pkg/cmd/apply ``applyOneObject``), so the
second copy meets what the first left: ``unchanged`` when it says the same,
``configured`` when it differs.
"""

from __future__ import annotations

from pathlib import Path

import rollsim

DEPLOYMENT = (Path(__file__).resolve().parents[2] / "examples" / "ngx-dep-v1.yaml").read_text()


def test_a_repeated_document_is_unchanged_after_its_first_copy() -> None:
    cluster = rollsim.Cluster()
    out = cluster.kubectl("apply -f -", stdin=f"{DEPLOYMENT}\n---\n{DEPLOYMENT}")
    assert out == "deployment.apps/ngx-dep created\ndeployment.apps/ngx-dep unchanged\n"


def test_a_repeated_document_that_differs_configures_the_first() -> None:
    cluster = rollsim.Cluster()
    scaled = DEPLOYMENT.replace("replicas: 4", "replicas: 5")
    assert scaled != DEPLOYMENT
    out = cluster.kubectl("apply -f -", stdin=f"{DEPLOYMENT}\n---\n{scaled}")
    assert out == "deployment.apps/ngx-dep created\ndeployment.apps/ngx-dep configured\n"
    assert cluster.get("deploy/ngx-dep").spec.replicas == 5
