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
verbs (``kubectl argo rollouts set image / promote [--full] / abort / retry``).
Both build on ``WorkloadStateMachine``, which holds what they share: the
watched cluster, releases and waiting, the recorded steps and their replay,
and the checks; the invariant checks themselves are shared through ``collect``
(``MONITORS`` and ``WORKLOAD_CHECKS`` in ``rollsim.testing.invariants``).
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
from rollsim.testing.invariants.liveness import rollout_completes
from rollsim.testing.invariants.report import InvariantViolation, events_context
from rollsim.testing.invariants.reproducible import digest
from rollsim.testing.invariants.revisions import check_undo
from rollsim.testing.invariants.suite import collect, watch
from rollsim.testing.observe import Violation, Watch
from rollsim.testing.strategies import image_repo, pod_behaviors
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

#: One step of a run, ``(kind, *arguments)``: what a rule did, kept to replay it.
Step = tuple[Any, ...]


def _runner_max_replicas(machine: Any) -> int:
    """The ``max_replicas`` of the running machine (the ``scale`` rule's upper bound)."""
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
    return [doc for _, doc in pairs], found[0], container.name, image_repo(container.image)


class WorkloadStateMachine(RuleBasedStateMachine):
    """What the state machines share: one workload from a manifest on a watched
    cluster, releases (healthy or faulty images) and waiting, every invariant
    after each step, and at the end determinism: the recorded steps replayed
    on a fresh cluster give the same digest.

    A subclass names its ``workload_kind`` and ``default_manifest``, says how
    to apply the manifest (``_apply``) and to release an image (``_set_image``),
    performs its own steps (``_act``) and may add end-of-run checks
    (``_final_checks``). Class attributes: ``manifest``, ``pods``, ``max_wait``,
    ``seed``, ``traffic`` and ``check_determinism``, as ``RolloutStateMachine``
    describes them.
    """

    workload_kind: ClassVar[str]
    default_manifest: ClassVar[Any]
    manifest: ClassVar[Any] = None
    pods: ClassVar[PodBehavior] = PodBehavior(startup=3.0, shutdown=1.0)
    max_wait: ClassVar[int] = 120
    seed: ClassVar[int] = 0
    traffic: ClassVar[Traffic | None] = None
    check_determinism: ClassVar[bool] = True

    def __init__(self) -> None:
        super().__init__()
        source = self.manifest if self.manifest is not None else self.default_manifest
        # ``workload`` is the object as the manifest declares it, not the live one.
        self.documents, self.workload, self.container, self.repo = _workload(
            self, source, self.workload_kind
        )
        self.name: str = self.workload.metadata.name
        self.namespace: str = self.workload.metadata.namespace or "default"
        self.steps: list[Step] = []
        self.releases = 0
        self.cluster = self._new_cluster()
        self.watch: Watch = watch(self.cluster)

    # Building and replaying.

    def _new_cluster(self) -> Cluster:
        """A fresh cluster from the machine's seed and pods: the run's, or a replay's."""
        return Cluster(seed=self.seed, pods=self.pods)

    def _perform(self, cluster: Cluster, step: Step) -> None:
        """Do one step on ``cluster`` and settle the instant: what every rule and the
        determinism replay share."""
        kind = step[0]
        if kind == "apply":
            self._apply(cluster)
        elif kind == "image":
            image, behavior = step[1], step[2]
            if behavior is not None:
                cluster.images[image] = behavior
            cluster.kubectl(self._set_image(image))
        elif kind == "wait":
            cluster.run(until=cluster.now + step[1])
        else:
            self._act(cluster, step)
        cluster.run(cluster.now)

    def _step(self, *step: Any) -> None:
        """Record ``step`` for the replay and perform it on the run's cluster."""
        self.steps.append(step)
        self._perform(self.cluster, step)

    def _apply(self, cluster: Cluster) -> None:
        """Apply the manifest's documents to ``cluster`` (and start any traffic)."""
        raise NotImplementedError

    def _set_image(self, image: str) -> str:
        """The kubectl command that releases ``image`` to the workload's container."""
        raise NotImplementedError

    def _act(self, cluster: Cluster, step: Step) -> None:
        """Perform one of the subclass's own steps on ``cluster``."""
        raise NotImplementedError

    # Rules.

    @initialize()
    def apply(self) -> None:
        """``kubectl apply -f`` the manifest (and start the traffic, if any)."""
        self._step("apply")

    @rule()
    def update(self) -> None:
        """Release a new, healthy image (``set image``)."""
        self.releases += 1
        self._step("image", f"{self.repo}:rollsim-{self.releases}", None)

    @rule(behavior=pod_behaviors(require_fault=True, max_seconds=20))
    def inject_fault(self, behavior: PodBehavior) -> None:
        """Release a bad image: its pods never turn ready, fail to pull, crash-loop or
        turn unready after a while (``behavior`` says which)."""
        self.releases += 1
        self._step("image", f"{self.repo}:rollsim-bad-{self.releases}", behavior)

    @rule(
        seconds=st.one_of(
            st.integers(1, 10),
            st.runner().flatmap(lambda m: st.integers(1, int(getattr(m, "max_wait", 120)))),
        )
    )
    def wait(self, seconds: int) -> None:
        """Let time pass: pods start, turn ready or crash, pauses end; controllers react."""
        self._step("wait", seconds)

    # Checks.

    @invariant()
    def rollout_invariants_hold(self) -> None:
        """Every invariant that needs no further run, after every step."""
        self._raise(collect(self.cluster))

    def _raise(self, violations: list[Violation]) -> None:
        """Raise ``violations`` (if any) with the events that led to the first."""
        if violations:
            raise InvariantViolation(violations, events_context(self.cluster, violations))

    def teardown(self) -> None:
        """Determinism (replay every step on a fresh cluster: same digest), then the
        subclass's ``_final_checks``."""
        if not self.steps:
            return
        found = self._replay_differs() if self.check_determinism else []
        found += self._final_checks()
        self._raise(found)

    def _replay_differs(self) -> list[Violation]:
        """``determinism``: the recorded steps, replayed on a fresh cluster, must give
        the run's digest."""
        replay = self._new_cluster()
        for step in self.steps:
            self._perform(replay, step)
        if digest(replay) == digest(self.cluster):
            return []
        return [
            Violation(
                self.cluster.now,
                "cluster",
                "determinism",
                "the same digest when the steps are replayed",
                "a different digest",
            )
        ]

    def _final_checks(self) -> list[Violation]:
        """Checks that run the cluster on after the last step (none by default)."""
        return []


class RolloutStateMachine(WorkloadStateMachine):
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

    workload_kind: ClassVar[str] = "Deployment"
    default_manifest: ClassVar[Any] = DEFAULT_MANIFEST
    max_replicas: ClassVar[int] = 8
    liveness_timeout: ClassVar[float | None] = 7200.0

    @property
    def ref(self) -> str:
        """``deployment/NAME``, as kubectl names the driven Deployment."""
        return f"deployment/{self.name}"

    def _flag(self) -> str:
        """kubectl's namespace flag for the Deployment (none in ``default``)."""
        return "" if self.namespace == "default" else f" -n {self.namespace}"

    def _apply(self, cluster: Cluster) -> None:
        cluster.apply(self.documents)
        # A re-apply must not offer the traffic twice.
        if self.traffic is not None and not cluster.recorder.flows:
            cluster.add_traffic(self.traffic)

    def _set_image(self, image: str) -> str:
        return f"set image {self.ref} {self.container}={image}{self._flag()}"

    def _act(self, cluster: Cluster, step: Step) -> None:
        kind = step[0]
        flag = self._flag()
        if kind == "scale":
            cluster.kubectl(f"scale {self.ref} --replicas={step[1]}{flag}")
        elif kind == "pause":
            cluster.kubectl(f"rollout pause {self.ref}{flag}")
        elif kind == "resume":
            cluster.kubectl(f"rollout resume {self.ref}{flag}")
        elif kind == "undo":
            check_undo(cluster, self.ref, step[1], self.namespace)

    def _paused(self) -> bool:
        """Whether the Deployment is paused now (``pause`` and ``resume`` need to know)."""
        d = self.cluster.get("deployment", self.name, namespace=self.namespace)
        return bool(d.spec.paused)

    # Rules.

    @rule()
    def reapply(self) -> None:
        """Apply the manifest again: back to its template (and its replicas, if set)."""
        self._step("apply")

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

    # Checks.

    def _final_checks(self) -> list[Violation]:
        """Liveness: a healthy, unpaused rollout completes (then every check again)."""
        if self.liveness_timeout is None:
            return []
        found = rollout_completes(self.cluster, self.ref, self.liveness_timeout, self.namespace)
        return found + collect(self.cluster)


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


class ArgoRolloutStateMachine(WorkloadStateMachine):
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

    workload_kind: ClassVar[str] = "Rollout"
    default_manifest: ClassVar[Any] = DEFAULT_ROLLOUT

    def __init__(self) -> None:
        super().__init__()
        strategy = self.workload.spec.strategy
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

    def _apply(self, cluster: Cluster) -> None:
        cluster.apply(self.documents)
        if self.flow is not None:
            cluster.add_traffic(self.flow)

    def _set_image(self, image: str) -> str:
        return f"argo rollouts set image {self.name} {self.container}={image}"

    def _act(self, cluster: Cluster, step: Step) -> None:
        kind = step[0]
        if kind == "promote-full":
            cluster.kubectl(f"argo rollouts promote {self.name} --full")
        elif kind == "retry":
            cluster.kubectl(f"argo rollouts retry rollout {self.name}")
        else:
            cluster.kubectl(f"argo rollouts {kind} {self.name}")

    # Rules.

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
