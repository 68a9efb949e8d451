"""The seed article, replayed: rolling updates of a Deployment, as kubectl shows them.

Run from anywhere: ``python examples/seed_walkthrough.py``. Pods become ready
2 s after creation; every line below is what kubectl would print, with the
simulated clock standing in for the wall clock.
"""

import os
from pathlib import Path

import rollsim

HERE = Path(__file__).resolve().parent


def kubectl(c: rollsim.Cluster, command: str) -> None:
    print(f"[t={c.now:g}s] $ kubectl {command}")
    try:
        print(c.kubectl(command), end="")
    except rollsim.KubectlError as err:
        print(err.output + err.message)


def main() -> None:
    os.chdir(HERE)  # the manifests are named as in the article, relative to this folder
    c = rollsim.Cluster(seed=0, pods=rollsim.PodBehavior(startup=2.0))

    # 1. Create the Deployment and look at it.
    kubectl(c, "apply -f ngx-dep-v1.yaml")
    kubectl(c, "get pod")
    c.run(until=30)
    kubectl(c, "get deploy")
    kubectl(c, "describe deploy ngx-dep")

    # 2-3. A new pod template (image) is a new revision: a rolling update.
    kubectl(c, "apply -f ngx-dep-v2.yaml")
    kubectl(c, "rollout status deploy ngx-dep")
    kubectl(c, "set image deploy/ngx-dep nginx=nginx:1.26-alpine")
    kubectl(c, "rollout status deploy ngx-dep")

    # 4. History, and one revision's pod template.
    kubectl(c, "rollout history deploy ngx-dep")
    kubectl(c, "rollout history deploy ngx-dep --revision=2")

    # 5. Undo reuses revision 2's ReplicaSet as revision 4: history 1,2,3 becomes 1,3,4.
    kubectl(c, "rollout undo deploy ngx-dep")
    kubectl(c, "rollout status deploy ngx-dep")
    kubectl(c, "rollout history deploy ngx-dep")

    # 6. Back to a named revision; the pods then run its image.
    kubectl(c, "rollout undo deploy ngx-dep --to-revision=3")
    kubectl(c, "rollout status deploy ngx-dep")
    kubectl(c, "get deploy ngx-dep -o wide")

    # 7. A change-cause annotation names the reason in the history.
    kubectl(c, "apply -f ngx-dep-v3.yaml")
    kubectl(c, "rollout status deploy ngx-dep")
    kubectl(c, "rollout history deploy ngx-dep")


if __name__ == "__main__":
    main()
