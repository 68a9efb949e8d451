"""The Kubernetes docs' Deployments page, typed as it is written (issue 12, "Done when").

Source: kubernetes/website ``content/en/docs/concepts/workloads/controllers/deployment.md``
(commit 0008cd26e2dc3d7c153c5596a7435b02fc252c89), applying
``content/en/examples/controllers/nginx-deployment.yaml`` unchanged
(``tests/manifests/kubernetes-website/controllers/``). Each test is one section
of the page; each command is the page's, and each assertion is an outcome the
page prints (replica counts, images, revisions, the ReplicaSets listed). The
page's sample output still shows ``app=nginx``; the published file labels its
pods ``app.kubernetes.io/name=nginx``, which is what a user sees today.

Pods start in 2 s. The page's typo image ``nginx:1.161`` and its "unresolvable"
``nginx:sometag`` cannot be pulled, as on a real cluster.
"""

from __future__ import annotations

import rollsim

from .walkthrough import MANIFESTS, Terminal, names, table

URL = "https://k8s.io/examples/controllers/nginx-deployment.yaml"
FILE = MANIFESTS / "kubernetes-website" / "controllers" / "nginx-deployment.yaml"
LABEL = "app.kubernetes.io/name=nginx"


def terminal() -> Terminal:
    unpullable = rollsim.PodBehavior(startup=2.0, image_pull_error=True)
    cluster = rollsim.Cluster(
        seed=0,
        pods=rollsim.PodBehavior(startup=2.0),
        images={"nginx:1.161": unpullable, "nginx:sometag": unpullable},
    )
    return Terminal(cluster, {URL: FILE})


def created(t: Terminal) -> Terminal:
    """ "Creating a Deployment", steps 1 and 3."""
    assert t.type(f"kubectl apply -f {URL}") == "deployment.apps/nginx-deployment created\n"
    t.type("kubectl rollout status deployment/nginx-deployment")
    return t


def rs_by_image(t: Terminal) -> dict[str, str]:
    """ReplicaSet name by the image of its template."""
    return {
        rs.spec.template.spec.containers[0].image: rs.metadata.name
        for rs in t.cluster.list("replicaset")
    }


def rs_rows(t: Terminal) -> dict[str, tuple[str, str, str]]:
    """``kubectl get rs``: DESIRED, CURRENT, READY by ReplicaSet name."""
    rows = table(t.type("kubectl get rs"))
    return {row["NAME"]: (row["DESIRED"], row["CURRENT"], row["READY"]) for row in rows}


def test_creating_a_deployment() -> None:
    t = terminal()
    assert t.type(f"kubectl apply -f {URL}") == "deployment.apps/nginx-deployment created\n"
    (row,) = table(t.type("kubectl get deployments"))
    assert (row["NAME"], row["READY"]) == ("nginx-deployment", "0/3")
    status = t.type("kubectl rollout status deployment/nginx-deployment")
    assert status.endswith('deployment "nginx-deployment" successfully rolled out\n')
    (row,) = table(t.type("kubectl get deployments"))
    assert (row["READY"], row["UP-TO-DATE"], row["AVAILABLE"]) == ("3/3", "3", "3")
    # Step 5: one ReplicaSet, [DEPLOYMENT-NAME]-[HASH], the hash its pod-template-hash label.
    ((name, counts),) = rs_rows(t).items()
    assert counts == ("3", "3", "3")
    rs = t.cluster.get("replicaset", name)
    assert name == f"nginx-deployment-{rs.metadata.labels['pod-template-hash']}"


def test_creating_a_deployment_pod_labels() -> None:
    """Step 6: ``get pods --show-labels`` lists three pods with both labels."""
    t = created(terminal())
    rows = table(t.type("kubectl get pods --show-labels"))
    rs_hash = next(iter(rs_by_image(t).values())).rsplit("-", 1)[1]
    assert [row["LABELS"] for row in rows] == [f"{LABEL},pod-template-hash={rs_hash}"] * 3
    assert {row["STATUS"] for row in rows} == {"Running"}


def test_updating_a_deployment() -> None:
    t = created(terminal())
    out = t.type("kubectl set image deployment.v1.apps/nginx-deployment nginx=nginx:1.16.1")
    assert out == "deployment.apps/nginx-deployment image updated\n"
    status = t.type("kubectl rollout status deployment/nginx-deployment")
    assert (
        'Waiting for deployment "nginx-deployment" rollout to finish: '
        "2 out of 3 new replicas have been updated...\n"
    ) in status
    assert status.endswith('deployment "nginx-deployment" successfully rolled out\n')
    (row,) = table(t.type("kubectl get deployments"))
    assert (row["READY"], row["UP-TO-DATE"], row["AVAILABLE"]) == ("3/3", "3", "3")
    rs = rs_by_image(t)
    new, old = rs["nginx:1.16.1"], rs["nginx:1.14.2"]
    assert rs_rows(t) == {new: ("3", "3", "3"), old: ("0", "0", "0")}
    assert all(name.startswith(f"{new}-") for name in names(t.type("kubectl get pods")))
    # The page's describe: one up by one, down by one, at most 4 pods, at least 3 available.
    scaling = [
        e.message for e in t.cluster.events if e.reason == "ScalingReplicaSet" and e.time > 0
    ]
    assert scaling == [
        f"Scaled up replica set {new} from 0 to 1",
        f"Scaled down replica set {old} from 3 to 2",
        f"Scaled up replica set {new} from 1 to 2",
        f"Scaled down replica set {old} from 2 to 1",
        f"Scaled up replica set {new} from 2 to 3",
        f"Scaled down replica set {old} from 1 to 0",
    ]
    described = t.type("kubectl describe deployment nginx-deployment")
    assert "Annotations:            deployment.kubernetes.io/revision: 2\n" in described
    assert "3 desired | 3 updated | 3 total | 3 available | 0 unavailable" in described
    assert f"NewReplicaSet:   {new} (3/3 replicas created)\n" in described


def test_updating_a_deployment_describe_all() -> None:
    """``kubectl describe deployments``, as the page types it, without a name."""
    t = created(terminal())
    t.type("kubectl set image deployment/nginx-deployment nginx=nginx:1.16.1")
    t.type("kubectl rollout status deployment/nginx-deployment")
    described = t.type("kubectl describe deployments")
    assert described.startswith("Name:                   nginx-deployment\n")
    assert "    Image:         nginx:1.16.1\n" in described


def stuck_on_typo(t: Terminal) -> None:
    """ "Rolling Back a Deployment": 1.16.1 rolled out, then the typo ``nginx:1.161``."""
    t.type("kubectl set image deployment/nginx-deployment nginx=nginx:1.16.1")
    t.type("kubectl rollout status deployment/nginx-deployment")
    out = t.type("kubectl set image deployment/nginx-deployment nginx=nginx:1.161")
    assert out == "deployment.apps/nginx-deployment image updated\n"


def test_rolling_back_a_stuck_rollout() -> None:
    t = created(terminal())
    stuck_on_typo(t)
    # The user does not press Ctrl-C: the page's "Failed Deployment" ending, exit status 1.
    err = t.fails("kubectl rollout status deployment/nginx-deployment")
    assert str(err) == 'error: deployment "nginx-deployment" exceeded its progress deadline'
    assert err.exit_code == 1
    assert err.output.startswith(
        'Waiting for deployment "nginx-deployment" rollout to finish: '
        "1 out of 3 new replicas have been updated...\n"
    )
    rs = rs_by_image(t)
    assert rs_rows(t) == {
        rs["nginx:1.14.2"]: ("0", "0", "0"),
        rs["nginx:1.16.1"]: ("3", "3", "3"),
        rs["nginx:1.161"]: ("1", "1", "0"),
    }
    pods = table(t.type("kubectl get pods"))
    assert sorted(row["STATUS"] for row in pods) == ["ImagePullBackOff"] + ["Running"] * 3
    # The page types it without a name (see test_updating_a_deployment_describe_all).
    described = t.type("kubectl describe deployment nginx-deployment")
    assert "3 desired | 1 updated | 4 total | 3 available | 1 unavailable" in described
    history = t.type("kubectl rollout history deployment/nginx-deployment")
    assert [line.split()[0] for line in history.splitlines()[2:] if line] == ["1", "2", "3"]
    revision2 = t.type("kubectl rollout history deployment/nginx-deployment --revision=2")
    assert "    Image:\tnginx:1.16.1\n" in revision2
    out = t.type("kubectl rollout undo deployment/nginx-deployment")
    assert out == "deployment.apps/nginx-deployment rolled back\n"
    t.type("kubectl rollout status deployment/nginx-deployment")
    (row,) = table(t.type("kubectl get deployment nginx-deployment"))
    assert (row["READY"], row["UP-TO-DATE"], row["AVAILABLE"]) == ("3/3", "3", "3")
    described = t.type("kubectl describe deployment nginx-deployment")
    # Revision 2 came back as revision 4, its ReplicaSet reused.
    assert "Annotations:            deployment.kubernetes.io/revision: 4\n" in described
    assert "    Image:         nginx:1.16.1\n" in described
    assert f"NewReplicaSet:   {rs['nginx:1.16.1']} (3/3 replicas created)\n" in described
    history = t.type("kubectl rollout history deployment/nginx-deployment")
    assert [line.split()[0] for line in history.splitlines()[2:] if line] == ["1", "3", "4"]


def test_scaling_and_proportional_scaling() -> None:
    """ "Scaling a Deployment" and "Proportional scaling" (10 replicas, maxSurge 3,
    maxUnavailable 2): the page's 5 new and 8 old, then 7 and 11 after scaling to 15."""
    t = created(terminal())
    out = t.type("kubectl scale deployment/nginx-deployment --replicas=10")
    assert out == "deployment.apps/nginx-deployment scaled\n"
    t.type("kubectl rollout status deployment/nginx-deployment")
    t.type(
        "kubectl patch deployment/nginx-deployment -p "
        """'{"spec":{"strategy":{"rollingUpdate":{"maxSurge":3,"maxUnavailable":2}}}}'"""
    )
    (row,) = table(t.type("kubectl get deploy"))
    assert (row["READY"], row["UP-TO-DATE"], row["AVAILABLE"]) == ("10/10", "10", "10")
    t.type("kubectl set image deployment/nginx-deployment nginx=nginx:sometag")
    t.wait(9)
    rs = rs_by_image(t)
    new, old = rs["nginx:sometag"], rs["nginx:1.14.2"]
    assert rs_rows(t) == {new: ("5", "5", "0"), old: ("8", "8", "8")}
    t.type("kubectl scale deployment/nginx-deployment --replicas=15")
    t.wait(9)
    assert rs_rows(t) == {new: ("7", "7", "0"), old: ("11", "11", "11")}
    deployment = t.cluster.get("deployment", "nginx-deployment")
    assert (deployment.spec.replicas, deployment.status.replicas) == (15, 18)
    assert deployment.status.updated_replicas == 7


def test_pausing_and_resuming() -> None:
    t = created(terminal())
    (original,) = rs_rows(t)
    out = t.type("kubectl rollout pause deployment/nginx-deployment")
    assert out == "deployment.apps/nginx-deployment paused\n"
    t.type("kubectl set image deployment/nginx-deployment nginx=nginx:1.16.1")
    t.wait(30)
    # No new rollout started: one revision, the ReplicaSet unchanged.
    history = t.type("kubectl rollout history deployment/nginx-deployment")
    assert [line.split()[0] for line in history.splitlines()[2:] if line] == ["1"]
    assert rs_rows(t) == {original: ("3", "3", "3")}
    out = t.type("kubectl rollout resume deployment/nginx-deployment")
    assert out == "deployment.apps/nginx-deployment resumed\n"
    t.type("kubectl rollout status deployment/nginx-deployment")
    new = rs_by_image(t)["nginx:1.16.1"]
    assert rs_rows(t) == {original: ("0", "0", "0"), new: ("3", "3", "3")}


def test_pausing_and_resuming_with_set_resources() -> None:
    """The page's fixes while paused include ``set resources``; they roll out as one revision."""
    t = created(terminal())
    t.type("kubectl rollout pause deployment/nginx-deployment")
    t.type("kubectl set image deployment/nginx-deployment nginx=nginx:1.16.1")
    out = t.type(
        "kubectl set resources deployment/nginx-deployment -c=nginx --limits=cpu=200m,memory=512Mi"
    )
    assert out == "deployment.apps/nginx-deployment resource requirements updated\n"
    t.type("kubectl rollout resume deployment/nginx-deployment")
    t.type("kubectl rollout status deployment/nginx-deployment")
    container = t.cluster.get("deployment", "nginx-deployment").spec.template.spec.containers[0]
    # Resources are stored, not simulated: kept verbatim beside the modelled fields.
    assert container.extra["resources"]["limits"] == {"cpu": "200m", "memory": "512Mi"}
    history = t.type("kubectl rollout history deployment/nginx-deployment")
    assert [line.split()[0] for line in history.splitlines()[2:] if line] == ["1", "2"]
