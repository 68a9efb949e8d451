"""kubectl's printers: HumanDuration, the ``get`` tables and ``describe deployment``.

HumanDuration rows are transcribed from kubernetes/kubernetes
staging/src/k8s.io/apimachinery/pkg/util/duration/duration_test.go
(``TestHumanDuration`` and ``TestHumanDurationBoundaries``); the tables and the
description are compared with text real kubectl printed.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rollsim.api import (
    Container,
    Deployment,
    DeploymentCondition,
    DeploymentSpec,
    DeploymentStatus,
    DeploymentStrategy,
    LabelSelector,
    ObjectMeta,
    PodSpec,
    PodTemplateSpec,
    ReplicaSet,
    ReplicaSetSpec,
    ReplicaSetStatus,
    RollingUpdateDeployment,
)
from rollsim.api.timefmt import EPOCH
from rollsim.kubectl.describe import describe_deployment
from rollsim.kubectl.printers import AggregatedEvent, human_duration, print_table

from . import real_kubectl

SECOND, MINUTE, HOUR, DAY = 1.0, 60.0, 3600.0, 86400.0
YEAR = 365 * DAY
MS = 0.001

# duration_test.go TestHumanDuration
HUMAN_DURATION = [
    (SECOND, "1s"),
    (70 * SECOND, "70s"),
    (190 * SECOND, "3m10s"),
    (70 * MINUTE, "70m"),
    (47 * HOUR, "47h"),
    (49 * HOUR, "2d1h"),
    ((8 * 24 + 2) * HOUR, "8d"),
    (367 * 24 * HOUR, "367d"),
    ((365 * 2 * 24 + 25) * HOUR, "2y1d"),
    ((365 * 8 * 24 + 2) * HOUR, "8y"),
]

# duration_test.go TestHumanDurationBoundaries (time.Millisecond -> MS, 1ns -> 1e-9)
HUMAN_DURATION_BOUNDARIES = [
    (-2 * SECOND, "<invalid>"),
    (-2 * SECOND + 1e-9, "0s"),
    (0.0, "0s"),
    (SECOND - MS, "0s"),
    (2 * MINUTE - MS, "119s"),
    (2 * MINUTE, "2m"),
    (2 * MINUTE + SECOND, "2m1s"),
    (10 * MINUTE - MS, "9m59s"),
    (10 * MINUTE, "10m"),
    (10 * MINUTE + SECOND, "10m"),
    (3 * HOUR - MS, "179m"),
    (3 * HOUR, "3h"),
    (3 * HOUR + MINUTE, "3h1m"),
    (8 * HOUR - MS, "7h59m"),
    (8 * HOUR, "8h"),
    (8 * HOUR + 59 * MINUTE, "8h"),
    (2 * DAY - MS, "47h"),
    (2 * DAY, "2d"),
    (2 * DAY + HOUR, "2d1h"),
    (8 * DAY - MS, "7d23h"),
    (8 * DAY, "8d"),
    (8 * DAY + 23 * HOUR, "8d"),
    (2 * YEAR - MS, "729d"),
    (2 * YEAR, "2y"),
    (2 * YEAR + 23 * HOUR, "2y"),
    (2 * YEAR + 23 * HOUR + 59 * MINUTE, "2y"),
    (2 * YEAR + 24 * HOUR - MS, "2y"),
    (2 * YEAR + 24 * HOUR, "2y1d"),
    (3 * YEAR, "3y"),
    (4 * YEAR, "4y"),
    (5 * YEAR, "5y"),
    (6 * YEAR, "6y"),
    (7 * YEAR, "7y"),
    (8 * YEAR - MS, "7y364d"),
    (8 * YEAR, "8y"),
    (8 * YEAR + 364 * DAY, "8y"),
    (9 * YEAR, "9y"),
]


@pytest.mark.parametrize(
    ("seconds", "expected"),
    HUMAN_DURATION + HUMAN_DURATION_BOUNDARIES,
    ids=[w for _, w in HUMAN_DURATION + HUMAN_DURATION_BOUNDARIES],
)
def test_human_duration_upstream_table(seconds: float, expected: str) -> None:
    assert human_duration(seconds) == expected


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(125.0, "2m5s"), (599.0, "9m59s"), (10799.0, "179m"), (28740.0, "7h59m")],
)
def test_human_duration_branches(seconds: float, expected: str) -> None:
    """duration.go HumanDuration: "%dm%ds" below 10 minutes, "%dm" below 3 hours, "%dh%dm"
    below 8 hours (whole seconds, as AGE columns use)."""
    assert human_duration(seconds) == expected


# ---------------------------------------------------------------- get tables


def _deployment(
    name: str, replicas: int, ready: int, updated: int, available: int, created: float
) -> Deployment:
    return Deployment(
        metadata=ObjectMeta(name=name, namespace="default", creation_timestamp=created),
        spec=DeploymentSpec(
            replicas=replicas,
            selector=LabelSelector(match_labels={"app": "nginx"}),
            template=PodTemplateSpec(
                metadata=ObjectMeta(labels={"app": "nginx"}),
                spec=PodSpec(containers=(Container(name="nginx", image="nginx:1.14.2"),)),
            ),
        ),
        status=DeploymentStatus(
            replicas=replicas,
            ready_replicas=ready,
            updated_replicas=updated,
            available_replicas=available,
        ),
    )


def _replica_set(
    name: str,
    app: str,
    digest: str,
    replicas: int,
    ready: int,
    created: float,
    container: str = "nginx",
    image: str = "nginx:1.14.2",
) -> ReplicaSet:
    labels = {"app": app, "pod-template-hash": digest}
    return ReplicaSet(
        metadata=ObjectMeta(name=name, namespace="default", creation_timestamp=created),
        spec=ReplicaSetSpec(
            replicas=replicas,
            selector=LabelSelector(match_labels=labels),
            template=PodTemplateSpec(
                metadata=ObjectMeta(labels=labels),
                spec=PodSpec(containers=(Container(name=container, image=image),)),
            ),
        ),
        status=ReplicaSetStatus(replicas=replicas, ready_replicas=ready),
    )


def test_get_deployments_table() -> None:
    """kubernetes.io Deployment concepts page, `kubectl get deployments` (columns of
    printers.go deploymentColumnDefinitions; cli-runtime tabwriter minwidth 6, padding 3)."""
    d = _deployment("nginx-deployment", 3, 3, 3, 3, created=100.0)
    assert print_table("Deployment", [d], now=118.0) == (
        "NAME               READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "nginx-deployment   3/3     3            3           18s\n"
    )


def test_get_replica_sets_table() -> None:
    """kubernetes.io Deployment concepts page, `kubectl get rs`."""
    rs = _replica_set("nginx-deployment-75675f5897", "nginx", "75675f5897", 3, 3, created=100.0)
    assert print_table("ReplicaSet", [rs], now=118.0) == (
        "NAME                          DESIRED   CURRENT   READY   AGE\n"
        "nginx-deployment-75675f5897   3         3         3       18s\n"
    )


def test_get_replica_sets_wide() -> None:
    """`kubectl get rs -l app=backend -o wide` of a real cluster (public notes, search index
    file id 71654887535): CONTAINERS, IMAGES and the full SELECTOR."""
    now = 100 * DAY
    rss = [
        _replica_set(
            "backend-5d94db6d85",
            "backend",
            "5d94db6d85",
            2,
            2,
            now - 20 * HOUR,
            "backend",
            "campuskart-backend:2.0",
        ),
        _replica_set(
            "backend-7ffb74b4f6",
            "backend",
            "7ffb74b4f6",
            0,
            0,
            now - 21 * HOUR,
            "backend",
            "campuskart-backend:1.0",
        ),
    ]
    assert print_table("ReplicaSet", rss, now, wide=True) == (
        "NAME                 DESIRED   CURRENT   READY   AGE   CONTAINERS   IMAGES          "
        "         SELECTOR\n"
        "backend-5d94db6d85   2         2         2       20h   backend      campuskart-backend:"
        "2.0   app=backend,pod-template-hash=5d94db6d85\n"
        "backend-7ffb74b4f6   0         0         0       21h   backend      campuskart-backend:"
        "1.0   app=backend,pod-template-hash=7ffb74b4f6\n"
    )


# ---------------------------------------------------------------- describe deployment


def _since_epoch(instant: datetime) -> float:
    return (instant - EPOCH).total_seconds()


def test_describe_deployment_matches_kubectl() -> None:
    """The objects behind real_kubectl.DESCRIBE_KUBECTL, described by rollsim."""
    created = _since_epoch(datetime(2025, 12, 17, 13, 16, 21, tzinfo=UTC))
    now = created + 3600
    labels = {"app": "nginx"}
    d = Deployment(
        metadata=ObjectMeta(
            name="rolling-nginx",
            namespace="default",
            creation_timestamp=created,
            annotations={"deployment.kubernetes.io/revision": "2"},
        ),
        spec=DeploymentSpec(
            replicas=4,
            selector=LabelSelector(match_labels=labels),
            template=PodTemplateSpec(
                metadata=ObjectMeta(labels=labels),
                spec=PodSpec(containers=(Container(name="nginx", image="nginx:1.17"),)),
            ),
            strategy=DeploymentStrategy(
                type="RollingUpdate",
                rolling_update=(RollingUpdateDeployment(max_unavailable=1, max_surge=2)),
            ),
        ),
        status=DeploymentStatus(
            replicas=4,
            updated_replicas=4,
            available_replicas=4,
            unavailable_replicas=0,
            conditions=(
                DeploymentCondition(
                    type="Available", status="True", reason="MinimumReplicasAvailable"
                ),
                DeploymentCondition(
                    type="Progressing", status="True", reason="NewReplicaSetAvailable"
                ),
            ),
        ),
    )
    old = ReplicaSet(metadata=ObjectMeta(name=real_kubectl.OLD_RS), spec=ReplicaSetSpec(replicas=0))
    new = ReplicaSet(
        metadata=ObjectMeta(name=real_kubectl.NEW_RS),
        spec=ReplicaSetSpec(replicas=4),
        status=ReplicaSetStatus(replicas=4),
    )
    ages = {"2m18s": 138, "37s": 37, "32s": 32}
    events = [
        AggregatedEvent(
            now - ages[age],
            "Normal",
            "ScalingReplicaSet",
            "Deployment",
            "rolling-nginx",
            message,
            "deployment-controller",
        )
        for age, message in real_kubectl.EVENTS
    ]
    assert describe_deployment(d, [old], new, events, now) == real_kubectl.DESCRIBE_KUBECTL
