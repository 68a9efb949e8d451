"""``kubectl get pods`` and ``describe pod`` on pods whose probes fail, as kubectl 1.34
prints them (printPod; describePod, describeContainerState, describeContainerProbe).

The pods are the Kubernetes documentation's probe examples, unchanged
(tests/manifests/kubernetes-website/pods/probe/, sources in that directory's README);
``PodBehavior`` decides how their applications behave: ``hangs_after`` makes one stop
answering, so its liveness probe restarts it, ``crash_loop`` makes one exit.
"""

from __future__ import annotations

from pathlib import Path

import rollsim

PROBES = Path(__file__).parent.parent / "manifests" / "kubernetes-website" / "pods" / "probe"


def _pod(manifest: str, behavior: rollsim.PodBehavior) -> rollsim.Cluster:
    cluster = rollsim.Cluster(pods=behavior)
    assert cluster.kubectl(f"apply -f {PROBES / manifest}").startswith("pod/")
    return cluster


def _section(text: str, first: str, last: str) -> str:
    """The lines of ``text`` from the one starting ``first`` to the one starting ``last``."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(first))
    end = next(i for i, line in enumerate(lines) if i > start and line.startswith(last))
    return "\n".join(lines[start : end + 1]) + "\n"


def test_exec_liveness_restart_shows_last_state_and_restarts_ago() -> None:
    cluster = _pod("exec-liveness.yaml", rollsim.PodBehavior(startup=1, warmup=2, hangs_after=20))
    cluster.run(120)
    assert cluster.kubectl("get pods") == (
        "NAME            READY   STATUS    RESTARTS      AGE\n"
        "liveness-exec   1/1     Running   1 (54s ago)   2m\n"
    )
    described = cluster.kubectl("describe pod liveness-exec")
    assert _section(described, "    State:", "    Liveness:") == (
        "    State:          Running\n"
        "      Started:      Wed, 01 Jan 2025 00:01:07 +0000\n"
        "    Last State:     Terminated\n"
        "      Reason:       Error\n"
        "      Exit Code:    137\n"
        "      Started:      Wed, 01 Jan 2025 00:00:01 +0000\n"
        "      Finished:     Wed, 01 Jan 2025 00:01:06 +0000\n"
        "    Ready:          True\n"
        "    Restart Count:  1\n"
        "    Liveness:       exec [cat /tmp/healthy] delay=5s timeout=1s period=5s "
        "#success=1 #failure=3\n"
    )
    assert _section(described, "  Warning  Unhealthy", "  Normal   Killing") == (
        "  Warning  Unhealthy  19s (x6 over 94s)   kubelet            "
        'Liveness probe failed: command "cat /tmp/healthy" timed out\n'
        "  Normal   Killing    19s (x2 over 84s)   kubelet            "
        "Container liveness failed liveness probe, will be restarted\n"
    )


def test_http_liveness_that_keeps_failing_is_in_crash_loop_back_off() -> None:
    cluster = _pod("http-liveness.yaml", rollsim.PodBehavior(startup=1, warmup=2, hangs_after=20))
    cluster.run(90)
    assert cluster.kubectl("get pods") == (
        "NAME            READY   STATUS    RESTARTS      AGE\n"
        "liveness-http   1/1     Running   1 (29s ago)   90s\n"
    )
    cluster.run(200)
    assert cluster.kubectl("get pods") == (
        "NAME            READY   STATUS             RESTARTS     AGE\n"
        "liveness-http   0/1     CrashLoopBackOff   3 (7s ago)   3m20s\n"
    )
    described = cluster.kubectl("describe pod liveness-http")
    assert _section(described, "    State:", "    Liveness:") == (
        "    State:          Waiting\n"
        "      Reason:       CrashLoopBackOff\n"
        "    Last State:     Terminated\n"
        "      Reason:       Error\n"
        "      Exit Code:    137\n"
        "      Started:      Wed, 01 Jan 2025 00:02:12 +0000\n"
        "      Finished:     Wed, 01 Jan 2025 00:03:13 +0000\n"
        "    Ready:          False\n"
        "    Restart Count:  3\n"
        "    Liveness:       http-get http://:8080/healthz delay=3s timeout=1s period=3s "
        "#success=1 #failure=3\n"
    )
    assert "  Warning  BackOff " in described


def test_tcp_readiness_holds_ready_until_its_first_success() -> None:
    cluster = _pod("tcp-liveness-readiness.yaml", rollsim.PodBehavior(startup=2))
    cluster.run(10)
    assert cluster.kubectl("get pods") == (
        "NAME      READY   STATUS    RESTARTS   AGE\ngoproxy   0/1     Running   0          10s\n"
    )
    described = cluster.kubectl("describe pod goproxy")
    assert _section(described, "    Ready:", "    Readiness:") == (
        "    Ready:          False\n"
        "    Restart Count:  0\n"
        "    Liveness:       tcp-socket :8080 delay=15s timeout=1s period=10s "
        "#success=1 #failure=3\n"
        "    Readiness:      tcp-socket :8080 delay=15s timeout=1s period=10s "
        "#success=1 #failure=3\n"
    )
    cluster.run(40)
    assert cluster.kubectl("get pods") == (
        "NAME      READY   STATUS    RESTARTS   AGE\ngoproxy   1/1     Running   0          40s\n"
    )


def test_grpc_probe_is_described_with_its_empty_service() -> None:
    cluster = _pod("grpc-liveness.yaml", rollsim.PodBehavior())
    cluster.run(30)
    described = cluster.kubectl("describe pod etcd-with-grpc")
    # DescribeProbe prints the defaulted empty service between two spaces.
    assert (
        "    Liveness:       grpc <pod>:2379  delay=10s timeout=1s period=10s "
        "#success=1 #failure=3\n"
    ) in described


def test_failing_readiness_probe_keeps_the_pod_running_but_not_ready() -> None:
    cluster = rollsim.Cluster(pods=rollsim.PodBehavior(startup=1, warmup=3, unready_after=10))
    cluster.kubectl(
        "apply -f -",
        stdin="""
apiVersion: v1
kind: Pod
metadata: {name: flaky}
spec:
  containers:
  - name: app
    image: nginx
    readinessProbe: {httpGet: {path: /ready, port: 80}, periodSeconds: 5}
""",
    )
    cluster.run(20)
    assert cluster.kubectl("get pods").split("\n")[1] == "flaky   1/1     Running   0          20s"
    cluster.run(40)
    assert cluster.kubectl("get pods").split("\n")[1] == "flaky   0/1     Running   0          40s"
    described = cluster.kubectl("describe pod flaky")
    assert (
        "    Readiness:      http-get http://:80/ready delay=0s timeout=1s period=5s " in described
    )
    assert described.endswith(
        "  Warning  Unhealthy  15s (x3 over 25s)  kubelet            "
        "Readiness probe failed: HTTP probe failed with statuscode: 503\n"
    )
    assert "Conditions:\n  Type              Status\n  Initialized       True \n" in described
    assert "  Ready             False \n  ContainersReady   False \n" in described


def test_a_container_that_exits_and_never_restarts_is_error() -> None:
    cluster = rollsim.Cluster(pods=rollsim.PodBehavior(startup=1, crash_loop=5))
    cluster.kubectl(
        "apply -f -",
        stdin="""
apiVersion: v1
kind: Pod
metadata: {name: once}
spec:
  restartPolicy: Never
  containers: [{name: app, image: busybox}]
""",
    )
    cluster.run(20)
    assert cluster.kubectl("get pods") == (
        "NAME   READY   STATUS   RESTARTS   AGE\nonce   0/1     Error    0          20s\n"
    )
    described = cluster.kubectl("describe pod once")
    assert "Status:           Failed\n" in described
    assert _section(described, "    State:", "    Restart Count:") == (
        "    State:          Terminated\n"
        "      Reason:       Error\n"
        "      Exit Code:    1\n"
        "      Started:      Wed, 01 Jan 2025 00:00:01 +0000\n"
        "      Finished:     Wed, 01 Jan 2025 00:00:06 +0000\n"
        "    Ready:          False\n"
        "    Restart Count:  0\n"
    )


def test_a_deleted_pod_is_terminating_through_its_grace_period() -> None:
    cluster = _pod("tcp-liveness-readiness.yaml", rollsim.PodBehavior(startup=2, shutdown=10))
    cluster.run(40)
    assert cluster.kubectl("delete pod goproxy --wait=false") == (
        'pod "goproxy" deleted from default namespace\n'
    )
    cluster.run(45)
    assert cluster.kubectl("get pods") == (
        "NAME      READY   STATUS        RESTARTS   AGE\n"
        "goproxy   1/1     Terminating   0          45s\n"
    )
    described = cluster.kubectl("describe pod goproxy")
    # The deletionTimestamp is the end of the grace period, still ahead: kubectl's
    # translateTimestampSince of a future time is <invalid>.
    assert _section(described, "Annotations:", "IP:") == (
        "Annotations:               <none>\n"
        "Status:                    Terminating (lasts <invalid>)\n"
        "Termination Grace Period:  30s\n"
        "IP:                        10.244.0.3\n"
    )
    assert described.endswith(
        "  Normal  Killing    5s    kubelet            Stopping container goproxy\n"
    )
    cluster.run(51)
    assert cluster.kubectl("get pods") == ""


def test_describe_prints_the_grace_period_the_deletion_gave() -> None:
    cluster = _pod("tcp-liveness-readiness.yaml", rollsim.PodBehavior(startup=2, shutdown=10))
    cluster.run(40)
    cluster.kubectl("delete pod goproxy --grace-period=5 --wait=false")
    cluster.run(42)
    assert "Termination Grace Period:  5s\n" in cluster.kubectl("describe pod goproxy")
