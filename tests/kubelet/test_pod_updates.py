"""Re-applying a bare Pod as the API server allows it (``ValidatePodUpdate``): its
containers' images may change, and the kubelet restarts a container whose image
changed; any other spec change is Forbidden, with the spec diff after the message.

The pod is the Kubernetes docs' ``pods/simple-pod.yaml`` (see
tests/manifests/kubernetes-website/README.md), applied unchanged; each update is
that file's text with one value changed, as a user edits their copy.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import rollsim

SIMPLE_POD = Path(__file__).parent.parent / "manifests" / "kubernetes-website" / "pods"
TEXT = (SIMPLE_POD / "simple-pod.yaml").read_text()

FORBIDDEN = (
    'The Pod "nginx" is invalid: spec: Forbidden: pod updates may not change fields other '
    "than `spec.containers[*].image`,`spec.initContainers[*].image`,"
    "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing "
    "tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it "
    "was previously negative)\n"
)


def running_pod() -> rollsim.Cluster:
    c = rollsim.Cluster(pods=rollsim.PodBehavior(startup=2.0, shutdown=1.0))
    assert c.kubectl("apply -f -", stdin=TEXT) == "pod/nginx created\n"
    c.run(5.0)
    return c


def test_an_image_change_restarts_the_container_with_the_new_image() -> None:
    c = running_pod()
    changed = TEXT.replace('"nginx:1.14.2"', '"nginx:1.16.1"')
    assert c.kubectl("apply -f -", stdin=changed) == "pod/nginx configured\n"
    c.run(5.5)
    # Killed for its new definition: it runs until it exits (shutdown 1 s), then is
    # not Ready until the new container is.
    assert c.kubectl("get pods") == (
        "NAME    READY   STATUS    RESTARTS   AGE\nnginx   1/1     Running   0          5s\n"
    )
    c.run(6.5)
    assert c.kubectl("get pods") == (
        "NAME    READY   STATUS              RESTARTS     AGE\n"
        "nginx   0/1     ContainerCreating   1 (0s ago)   6s\n"
    )
    c.run(10.0)
    pod = c.get("pod", "nginx")
    assert pod.spec.containers[0].image == "nginx:1.16.1"
    [status] = pod.status.container_statuses
    assert (status.image, status.ready, status.restart_count) == ("nginx:1.16.1", True, 1)
    assert status.state == {"running": {"startedAt": "2025-01-01T00:00:08Z"}}
    after = [(e.time, e.reason, e.message) for e in c.events if e.time >= 5.0]
    assert after == [
        (5.0, "Killing", "Container nginx definition changed, will be restarted"),
        (6.0, "Pulled", 'Container image "nginx:1.16.1" already present on machine'),
        (8.0, "Created", "Created container: nginx"),
        (8.0, "Started", "Started container: nginx"),
    ]


def test_a_label_change_restarts_nothing() -> None:
    c = running_pod()
    labelled = TEXT.replace('name: "nginx",\n  },', 'name: "nginx",\n    labels: {app: web},\n  },')
    assert labelled != TEXT
    assert c.kubectl("apply -f -", stdin=labelled) == "pod/nginx configured\n"
    c.run(10.0)
    pod = c.get("pod", "nginx")
    assert pod.metadata.labels == {"app": "web"}
    assert pod.status.container_statuses[0].restart_count == 0
    assert not [e for e in c.events if e.reason == "Killing"]


def test_another_spec_change_is_forbidden_with_the_spec_diff() -> None:
    c = running_pod()
    changed = TEXT.replace("containerPort: 80", "containerPort: 8080")
    with pytest.raises(rollsim.KubectlError) as raised:
        c.kubectl("apply -f -", stdin=changed)
    assert FORBIDDEN in str(raised.value)
    # go-cmp's layout over the stored spec, in Go's field order: the changed port, two
    # equal fields of context beside it, the rest counted.
    assert str(raised.value).split(FORBIDDEN, 1)[1] == (
        "  core.PodSpec{\n"
        "  \tContainers: {\n"
        "  \t\t{\n"
        '  \t\t\tName: "nginx",\n'
        '  \t\t\tImage: "nginx:1.14.2",\n'
        "  \t\t\tPorts: {\n"
        "  \t\t\t\t{\n"
        "- \t\t\t\t\tContainerPort: 80,\n"
        "+ \t\t\t\t\tContainerPort: 8080,\n"
        '  \t\t\t\t\tProtocol: "TCP",\n'
        "  \t\t\t\t},\n"
        "  \t\t\t},\n"
        '  \t\t\tTerminationMessagePath: "/dev/termination-log",\n'
        '  \t\t\tTerminationMessagePolicy: "File",\n'
        '  \t\t\tImagePullPolicy: "IfNotPresent",\n'
        "  \t\t},\n"
        "  \t},\n"
        '  \tRestartPolicy: "Always",\n'
        "  \tTerminationGracePeriodSeconds: 30,\n"
        "  \t... // 3 identical fields\n"
        "  }"
    )
    assert c.get("pod", "nginx").spec.containers[0].extra["ports"][0]["containerPort"] == 80


def test_adding_a_container_is_forbidden_by_name() -> None:
    c = running_pod()
    changed = TEXT.replace(
        "    }],\n  },", '    }, {name: "sidecar", image: "busybox:1.36"}],\n  },'
    )
    assert changed != TEXT
    with pytest.raises(rollsim.KubectlError) as raised:
        c.kubectl("apply -f -", stdin=changed)
    assert str(raised.value).endswith(
        'The Pod "nginx" is invalid: spec.containers: Forbidden: '
        "pod updates may not add or remove containers"
    )


def test_a_patch_is_held_to_the_same_update_rules() -> None:
    """The API server validates a patched Pod as it validates a replaced one."""
    c = running_pod()
    with pytest.raises(rollsim.ValidationError) as raised:
        c.patch("pod/nginx", {"spec": {"terminationGracePeriodSeconds": 5}}, type="merge")
    assert str(raised.value).startswith(FORBIDDEN)
    assert c.store.get("Pod", "default", "nginx").spec.termination_grace_period_seconds == 30
