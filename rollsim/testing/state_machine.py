"""A Hypothesis state machine that drives a Deployment the way an operator would.

``RolloutStateMachine`` applies a manifest, then interleaves kubectl's verbs
(set image, scale, rollout pause/resume/undo, re-apply), bad releases (a new
image whose pods have a faulty ``PodBehavior``) and the passing of time, and
checks every rollout invariant after each step. When it finds a violation,
Hypothesis shrinks the run to the shortest sequence of steps that still
breaks it. Subclass it for your own manifest::

    class TestMyRollout(RolloutStateMachine):
        manifest = "deploy/web.yaml"

    TestMyRollout.TestCase.settings = settings(max_examples=50)
    test_my_rollout = TestMyRollout.TestCase

``ArgoRolloutStateMachine`` does the same for an Argo Rollout with its own
verbs (``kubectl argo rollouts set image / promote [--full] / abort / retry``);
the invariant checks are shared through ``collect`` (``MONITORS`` and
``WORKLOAD_CHECKS`` in ``rollsim.testing.invariants``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from rollsim.api.manifest import load_documents
from rollsim.behavior import PodBehavior
from rollsim.cluster import Cluster
from rollsim.testing.invariants import (
    InvariantViolation,
    check_undo,
    collect,
    digest,
    events_context,
    rollout_completes,
    watch,
)
from rollsim.testing.observe import Violation, Watch
from rollsim.testing.strategies import pod_behaviors
from rollsim.traffic import Traffic

__all__ = ["DEFAULT_MANIFEST", "DEFAULT_ROLLOUT", "ArgoRolloutStateMachine", "RolloutStateMachine"]

#: The Deployment driven when a subclass sets no ``manifest``.
DEFAULT_MANIFEST: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "labels": {"app": "web"}},
    "spec": {
        "replicas": 4,
        "minReadySeconds": 5,
        "revisionHistoryLimit": 3,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "app", "image": "app:v1"}]},
        },
    },
}

Step = tuple[Any, ...]


def _runner_max_replicas(machine: Any) -> int:
    return int(getattr(machine, "max_replicas", 8))


def _workload(machine: object, source: Any, kind: str) -> tuple[list[Any], Any, str, str]:
    """The manifest's documents, its one workload of ``kind``, that workload's first
    container, and the image repository new releases are tagged in."""
    pairs = load_documents(source)
    found = [obj for obj, _ in pairs if obj.kind == kind]
    if len(found) != 1:
        raise ValueError(
            f"{type(machine).__name__}.manifest needs exactly one {kind}, found {len(found)}"
        )
    container = found[0].spec.template.spec.containers[0]
    head, sep, tail = container.image.rpartition(":")
    repo = head if sep and "/" not in tail else container.image
    return [doc for _, doc in pairs], found[0], container.name, repo


class RolloutStateMachine(RuleBasedStateMachine):
    """Drive one Deployment through random operator actions; check invariants throughout.

    Class attributes a subclass may set:

    - ``manifest``: the Deployment to drive (a path, YAML text or a dict;
      other documents, such as its Service, are applied with it).
    - ``pods``: the ``PodBehavior`` of healthy pods (default: 1 s to start,
      2 s to turn ready, 1 s to shut down).
    - ``max_replicas``: the most replicas ``scale`` asks for.
    - ``max_wait``: the longest single advance of the clock, in seconds.
    - ``seed``: the cluster's seed.
    - ``traffic``: a ``rollsim.Traffic`` offered from the start (``None``: none).
    - ``liveness_timeout``: at the end, a healthy unpaused rollout must
      complete within this many seconds (``None`` skips the check).
    - ``check_determinism``: at the end, replay every step on a fresh
      cluster and require the same ``digest``.

    After every step: the watch's online invariants (max-surge,
    min-available, recreate-one-version, revisions, completion,
    endpoints-ready) and the settled-state and timeline ones; ``undo`` also
    checks that the rollback restores the target revision's template.
    """

    manifest: ClassVar[Any] = None
    pods: ClassVar[PodBehavior] = PodBehavior(startup=1.0, ready=2.0, shutdown=1.0)
    max_replicas: ClassVar[int] = 8
    max_wait: ClassVar[int] = 120
    seed: ClassVar[int] = 0
    traffic: ClassVar[Traffic | None] = None
    liveness_timeout: ClassVar[float | None] = 7200.0
    check_determinism: ClassVar[bool] = True

    def __init__(self) -> None:
        super().__init__()
        source = self.manifest if self.manifest is not None else DEFAULT_MANIFEST
        self.documents, deployment, self.container, self.repo = _workload(
            self, source, "Deployment"
        )
        self.name: str = deployment.metadata.name
        self.namespace: str = deployment.metadata.namespace or "default"
        self.steps: list[Step] = []
        self.releases = 0
        self.cluster = self._new_cluster()
        self.watch: Watch = watch(self.cluster)

    # Building and replaying.

    def _new_cluster(self) -> Cluster:
        return Cluster(seed=self.seed, pods=self.pods)

    @property
    def ref(self) -> str:
        return f"deployment/{self.name}"

    def _flag(self) -> str:
        return "" if self.namespace == "default" else f" -n {self.namespace}"

    def _perform(self, cluster: Cluster, step: Step) -> None:
        """Do one step on ``cluster`` and settle the instant: what every rule and the
        determinism replay share."""
        kind = step[0]
        flag = self._flag()
        if kind == "apply":
            cluster.apply(self.documents)
            if self.traffic is not None and not cluster.recorder.flows:
                cluster.add_traffic(self.traffic)
        elif kind == "image":
            cluster.kubectl(f"set image {self.ref} {self.container}={step[1]}{flag}")
        elif kind == "fault":
            cluster.images[step[1]] = step[2]
            cluster.kubectl(f"set image {self.ref} {self.container}={step[1]}{flag}")
        elif kind == "scale":
            cluster.kubectl(f"scale {self.ref} --replicas={step[1]}{flag}")
        elif kind == "pause":
            cluster.kubectl(f"rollout pause {self.ref}{flag}")
        elif kind == "resume":
            cluster.kubectl(f"rollout resume {self.ref}{flag}")
        elif kind == "undo":
            check_undo(cluster, self.ref, step[1], self.namespace)
        elif kind == "wait":
            cluster.run(until=cluster.now + step[1])
        cluster.run(cluster.now)

    def _step(self, *step: Any) -> None:
        self.steps.append(step)
        self._perform(self.cluster, step)

    def _paused(self) -> bool:
        d = self.cluster.get("deployment", self.name, namespace=self.namespace)
        return bool(d.spec.paused)

    # Rules.

    @initialize()
    def apply(self) -> None:
        """``kubectl apply -f`` the manifest."""
        self._step("apply")

    @rule()
    def reapply(self) -> None:
        """Apply the manifest again: back to its template (and its replicas, if set)."""
        self._step("apply")

    @rule()
    def update(self) -> None:
        """Release a new, healthy image (``kubectl set image``)."""
        self.releases += 1
        self._step("image", f"{self.repo}:rollsim-{self.releases}")

    @rule(behavior=pod_behaviors(require_fault=True, max_seconds=20))
    def inject_fault(self, behavior: PodBehavior) -> None:
        """Release a bad image: its pods never turn ready, fail to pull, crash-loop or
        turn unready after a while (``behavior`` says which)."""
        self.releases += 1
        self._step("fault", f"{self.repo}:rollsim-bad-{self.releases}", behavior)

    @rule(replicas=st.runner().flatmap(lambda m: st.integers(0, _runner_max_replicas(m))))
    def scale(self, replicas: int) -> None:
        """``kubectl scale --replicas``."""
        self._step("scale", replicas)

    @precondition(lambda self: not self._paused())
    @rule()
    def pause(self) -> None:
        """``kubectl rollout pause``."""
        self._step("pause")

    @precondition(lambda self: self._paused())
    @rule()
    def resume(self) -> None:
        """``kubectl rollout resume``."""
        self._step("resume")

    @rule(to_revision=st.one_of(st.just(0), st.integers(1, 6)))
    def undo(self, to_revision: int) -> None:
        """``kubectl rollout undo [--to-revision]``; kubectl may refuse (no such
        revision, or paused), and ``check_undo`` checks the refusal is right."""
        self._step("undo", to_revision)

    @rule(
        seconds=st.one_of(
            st.integers(1, 10),
            st.runner().flatmap(lambda m: st.integers(1, int(getattr(m, "max_wait", 120)))),
        )
    )
    def wait(self, seconds: int) -> None:
        """Let time pass: pods start, become ready, crash; controllers react."""
        self._step("wait", seconds)

    # Checks.

    @invariant()
    def rollout_invariants_hold(self) -> None:
        """Every invariant that needs no further run, after every step."""
        self._raise(collect(self.cluster))

    def _raise(self, violations: list[Violation]) -> None:
        if violations:
            raise InvariantViolation(violations, events_context(self.cluster, violations))

    def teardown(self) -> None:
        """Determinism (replay every step on a fresh cluster: same digest), then
        liveness (a healthy, unpaused rollout completes)."""
        if not self.steps:
            return
        found: list[Violation] = []
        if self.check_determinism:
            replay = self._new_cluster()
            for step in self.steps:
                self._perform(replay, step)
            if digest(replay) != digest(self.cluster):
                found.append(
                    Violation(
                        self.cluster.now,
                        "cluster",
                        "determinism",
                        "the same digest when the steps are replayed",
                        "a different digest",
                    )
                )
        if self.liveness_timeout is not None:
            found += rollout_completes(
                self.cluster, self.ref, self.liveness_timeout, self.namespace
            )
            found += collect(self.cluster)
        self._raise(found)


#: The Rollout driven when an ``ArgoRolloutStateMachine`` subclass sets no ``manifest``:
#: a traffic-routed canary with its stable and canary Services.
DEFAULT_ROLLOUT: list[dict[str, Any]] = [
    {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Rollout",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": 4,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "app", "image": "app:v1"}]},
            },
            "strategy": {
                "canary": {
                    "canaryService": "web-canary",
                    "stableService": "web-stable",
                    "trafficRouting": {"nginx": {"stableIngress": "web"}},
                    "steps": [
                        {"setWeight": 25},
                        {"pause": {}},
                        {"setWeight": 50},
                        {"pause": {"duration": 30}},
                    ],
                }
            },
        },
    },
    *(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": f"web-{role}"},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]},
        }
        for role in ("stable", "canary")
    ),
]


class ArgoRolloutStateMachine(RuleBasedStateMachine):
    """Drive one Argo Rollout through ``kubectl argo rollouts`` verbs; check invariants.

    Rules: ``set image`` (healthy or faulty pods), ``promote``, ``promote --full``,
    ``abort``, ``retry rollout`` and waiting. After every step, every invariant
    ``collect`` knows (the progressive ``canary-weight`` and
    ``active-one-version`` among them); at the end, determinism (the steps
    replayed on a fresh cluster give the same digest). Class attributes as
    ``RolloutStateMachine``: ``manifest`` (the Rollout and its Services),
    ``pods``, ``max_wait``, ``seed``, ``traffic`` (default: 100 rps to the
    stable or active Service), ``check_determinism``.
    """

    manifest: ClassVar[Any] = None
    pods: ClassVar[PodBehavior] = PodBehavior(startup=1.0, ready=2.0, shutdown=1.0)
    max_wait: ClassVar[int] = 120
    seed: ClassVar[int] = 0
    traffic: ClassVar[Traffic | None] = None
    check_determinism: ClassVar[bool] = True

    def __init__(self) -> None:
        super().__init__()
        source = self.manifest if self.manifest is not None else DEFAULT_ROLLOUT
        self.documents, rollout, self.container, self.repo = _workload(self, source, "Rollout")
        self.name: str = rollout.metadata.name
        strategy = rollout.spec.strategy
        service = (
            strategy.blue_green.active_service
            if strategy.blue_green is not None
            else strategy.canary.stable_service
            if strategy.canary is not None
            else ""
        )
        self.flow = (
            self.traffic
            if self.traffic is not None or not service
            else Traffic(rps=100, service=service)
        )
        self.steps: list[Step] = []
        self.releases = 0
        self.cluster = Cluster(seed=self.seed, pods=self.pods)
        self.watch: Watch = watch(self.cluster)

    def _perform(self, cluster: Cluster, step: Step) -> None:
        kind = step[0]
        if kind == "apply":
            cluster.apply(self.documents)
            if self.flow is not None:
                cluster.add_traffic(self.flow)
        elif kind == "image":
            if step[2] is not None:
                cluster.images[step[1]] = step[2]
            cluster.kubectl(f"argo rollouts set image {self.name} {self.container}={step[1]}")
        elif kind == "wait":
            cluster.run(until=cluster.now + step[1])
        elif kind == "promote-full":
            cluster.kubectl(f"argo rollouts promote {self.name} --full")
        elif kind == "retry":
            cluster.kubectl(f"argo rollouts retry rollout {self.name}")
        else:
            cluster.kubectl(f"argo rollouts {kind} {self.name}")
        cluster.run(cluster.now)

    def _step(self, *step: Any) -> None:
        self.steps.append(step)
        self._perform(self.cluster, step)

    @initialize()
    def apply(self) -> None:
        """``kubectl apply -f`` the Rollout and its Services; start the traffic."""
        self._step("apply")

    @rule()
    def update(self) -> None:
        """``kubectl argo rollouts set image`` to a new, healthy image."""
        self.releases += 1
        self._step("image", f"{self.repo}:rollsim-{self.releases}", None)

    @rule(behavior=pod_behaviors(require_fault=True, max_seconds=20))
    def inject_fault(self, behavior: PodBehavior) -> None:
        """``set image`` to a bad image (``behavior`` says how its pods fail)."""
        self.releases += 1
        self._step("image", f"{self.repo}:rollsim-bad-{self.releases}", behavior)

    @rule()
    def promote(self) -> None:
        """``kubectl argo rollouts promote``: clear the pause, or skip the step."""
        self._step("promote")

    @rule()
    def promote_full(self) -> None:
        """``kubectl argo rollouts promote --full``: skip every remaining step."""
        self._step("promote-full")

    @rule()
    def abort(self) -> None:
        """``kubectl argo rollouts abort``: back to the stable version."""
        self._step("abort")

    @rule()
    def retry(self) -> None:
        """``kubectl argo rollouts retry rollout``: clear the abort."""
        self._step("retry")

    @rule(
        seconds=st.one_of(
            st.integers(1, 10),
            st.runner().flatmap(lambda m: st.integers(1, int(getattr(m, "max_wait", 120)))),
        )
    )
    def wait(self, seconds: int) -> None:
        """Let time pass: pods start, pauses end, controllers react."""
        self._step("wait", seconds)

    @invariant()
    def rollout_invariants_hold(self) -> None:
        """Every invariant that needs no further run, after every step."""
        violations = collect(self.cluster)
        if violations:
            raise InvariantViolation(violations, events_context(self.cluster, violations))

    def teardown(self) -> None:
        """Determinism: the steps replayed on a fresh cluster give the same digest."""
        if not self.steps or not self.check_determinism:
            return
        replay = Cluster(seed=self.seed, pods=self.pods)
        for step in self.steps:
            self._perform(replay, step)
        if digest(replay) != digest(self.cluster):
            found = [
                Violation(
                    self.cluster.now,
                    "cluster",
                    "determinism",
                    "the same digest when the steps are replayed",
                    "a different digest",
                )
            ]
            raise InvariantViolation(found, events_context(self.cluster, found))
