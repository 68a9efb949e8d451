"""Hypothesis strategies for rollouts: manifests, pod behaviours, traffic, scenarios.

Everything generated is valid by construction (the API server's validation
accepts every manifest, every action is one kubectl would run), so a failing
example is a finding about the rollout, never about the generator. Each
strategy shrinks towards the simplest case: fields omitted (the API
defaults), few replicas, few actions at time 0, fixed integer timings of 0,
and no faults. Argo Rollouts and Flagger canaries have their own manifest
and scenario strategies in ``rollsim.testing.progressive`` (``rollouts``,
``canaries``, ``rollout_scenarios``, ``canary_scenarios``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from hypothesis import strategies as st

from rollsim import dist
from rollsim.api.manifest import load_documents
from rollsim.behavior import PodBehavior
from rollsim.dist import Distribution
from rollsim.scenario import Action, Scenario
from rollsim.traffic import Traffic

__all__ = [
    "RolloutScenario",
    "deployments",
    "durations",
    "from_manifest",
    "pod_behaviors",
    "scenarios",
    "traffic",
]

Duration = float | Distribution
SearchStrategy = st.SearchStrategy


def durations(max_seconds: int = 30, distributions: bool = True) -> SearchStrategy[Duration]:
    """Seconds for a ``PodBehavior`` timing: a number, or a ``rollsim.dist`` distribution.

    Shrinks to fixed whole seconds, then to 0. Distributions are kept within
    ``max_seconds`` in the mean and light in the tail (log-normal sigma at most
    0.5), so a healthy rollout's length stays bounded.
    """
    whole = st.integers(0, max_seconds).map(float)
    if not distributions:
        return whole
    positive = st.integers(1, max_seconds).map(float)
    spread: SearchStrategy[Duration] = st.one_of(
        whole.map(dist.Fixed),
        st.tuples(whole, whole).map(lambda p: dist.Uniform(min(p), max(p))),
        st.floats(0.0, max_seconds / 6).map(dist.Exponential),
        st.tuples(st.floats(0.1, max(max_seconds / 3, 0.1)), st.floats(0.0, 0.5)).map(
            lambda p: dist.LogNormal(p[0], p[1])
        ),
        st.lists(whole, min_size=1, max_size=4).map(lambda v: dist.Empirical(tuple(v))),
        st.tuples(whole, st.one_of(st.none(), positive)).map(lambda p: dist.KwokDelay(p[0], p[1])),
    )
    return st.one_of(whole, st.floats(0.0, float(max_seconds)), spread)


_FAULTS = ("never_ready", "image_pull_error", "crash_loop", "unready_after", "hangs_after")


@st.composite
def pod_behaviors(
    draw: st.DrawFn, *, faults: bool = True, require_fault: bool = False, max_seconds: int = 30
) -> PodBehavior:
    """A ``rollsim.PodBehavior``: timings from ``durations`` and, with ``faults``, at most
    one fault mode (``never_ready``, ``image_pull_error``, ``crash_loop`` after a
    duration, ``unready_after`` or ``hangs_after`` a duration), plus an ``error_rate``.
    ``require_fault`` always picks a fault (a bad version to inject)."""
    timing = durations(max_seconds)
    fields: dict[str, Any] = {
        name: draw(timing) for name in ("schedule", "pull", "startup", "warmup", "shutdown")
    }
    if faults or require_fault:
        kinds: list[str | None] = list(_FAULTS) if require_fault else [None, *_FAULTS]
        kind = draw(st.sampled_from(kinds))
        if kind in ("never_ready", "image_pull_error"):
            fields[kind] = True
        elif kind is not None:
            fields[kind] = draw(timing)
        fields["error_rate"] = draw(st.one_of(st.just(0.0), st.floats(0.0, 1.0)))
    return PodBehavior(**fields)


@st.composite
def traffic(draw: st.DrawFn, *, service: str | None = None, max_rps: int = 1000) -> Traffic:
    """A ``rollsim.Traffic`` to ``service`` (default: the only Deployment's pods): a
    rate, optionally a piecewise profile, Poisson noise, and an endpoint lag."""
    rps = draw(st.one_of(st.integers(0, max_rps).map(float), st.floats(0.0, float(max_rps))))
    profile = draw(
        st.one_of(
            st.none(),
            st.lists(
                st.tuples(st.integers(0, 600).map(float), st.floats(0.0, 3.0)),
                min_size=1,
                max_size=3,
            ).map(sorted),
        )
    )
    lag = draw(st.one_of(st.just(0.0), st.integers(0, 5).map(float), st.floats(0.0, 5.0)))
    return Traffic(
        rps=rps, service=service, profile=profile, noise=draw(st.booleans()), endpoint_lag=lag
    )


def _percent(n: int) -> str:
    return f"{n}%"


def _raw_zero(value: int | str | None) -> bool:
    return value == 0 or value == "0%"


@st.composite
def _probe(draw: st.DrawFn) -> dict[str, Any]:
    probe: dict[str, Any] = {"httpGet": {"path": "/healthz", "port": 80}}
    for field, low, high in (
        ("initialDelaySeconds", 0, 30),
        ("periodSeconds", 1, 30),
        ("successThreshold", 1, 3),
        ("failureThreshold", 1, 5),
    ):
        value = draw(st.one_of(st.none(), st.integers(low, high)))
        if value is not None:
            probe[field] = value
    return probe


def _strategy(draw: st.DrawFn, strategies: Sequence[str], max_replicas: int) -> dict[str, Any]:
    """A Deployment's ``strategy``: Recreate, or RollingUpdate with ``maxSurge`` and
    ``maxUnavailable`` as ints or percents (either omitted), never both zero."""
    strategy: dict[str, Any] = {"type": draw(st.sampled_from(list(strategies)))}
    if strategy["type"] == "RollingUpdate":
        numbers = max_replicas + 2
        surge = draw(
            st.one_of(st.integers(0, numbers), st.integers(0, 200).map(_percent), st.none())
        )
        unavailable = draw(
            st.one_of(st.integers(0, numbers), st.integers(0, 100).map(_percent), st.none())
        )
        if _raw_zero(surge) and _raw_zero(unavailable):
            unavailable = 1  # the API server rejects 0 and 0
        rolling = {
            k: v for k, v in (("maxSurge", surge), ("maxUnavailable", unavailable)) if v is not None
        }
        if rolling:
            strategy["rollingUpdate"] = rolling
    return strategy


def _pod_spec(draw: st.DrawFn, container: str, image: str, probes: bool) -> dict[str, Any]:
    """The pod template's spec: one container, with ``probes`` maybe a readinessProbe,
    and maybe a ``terminationGracePeriodSeconds``."""
    container_spec: dict[str, Any] = {"name": container, "image": image}
    if probes:
        probe = draw(st.one_of(st.none(), _probe()))
        if probe is not None:
            container_spec["readinessProbe"] = probe
    pod_spec: dict[str, Any] = {"containers": [container_spec]}
    grace = draw(st.one_of(st.none(), st.integers(0, 60)))
    if grace is not None:
        pod_spec["terminationGracePeriodSeconds"] = grace
    return pod_spec


@st.composite
def deployments(
    draw: st.DrawFn,
    *,
    name: str = "web",
    image: str = "app:v1",
    container: str = "app",
    min_replicas: int = 1,
    max_replicas: int = 10,
    strategies: Sequence[str] = ("RollingUpdate", "Recreate"),
    probes: bool = True,
) -> dict[str, Any]:
    """A valid apps/v1 Deployment manifest (a dict, as ``kubectl apply`` takes it).

    Varies ``replicas``; the strategy (RollingUpdate with ``maxSurge`` and
    ``maxUnavailable`` as ints or percents, never both zero, ``maxUnavailable``
    at most 100%; or Recreate); ``minReadySeconds``;
    ``progressDeadlineSeconds`` (always above ``minReadySeconds``);
    ``revisionHistoryLimit``; the readinessProbe's timing; and
    ``terminationGracePeriodSeconds``. Optional fields shrink to omitted.
    """
    replicas = draw(st.integers(min_replicas, max_replicas))
    strategy = _strategy(draw, strategies, max_replicas)
    spec: dict[str, Any] = {
        "replicas": replicas,
        "selector": {"matchLabels": {"app": name}},
        "strategy": strategy,
        "template": {
            "metadata": {"labels": {"app": name}},
            "spec": _pod_spec(draw, container, image, probes),
        },
    }
    min_ready = draw(st.one_of(st.none(), st.integers(0, 30)))
    if min_ready is not None:
        spec["minReadySeconds"] = min_ready
    deadline = draw(st.one_of(st.none(), st.integers((min_ready or 0) + 1, (min_ready or 0) + 600)))
    if deadline is not None:
        spec["progressDeadlineSeconds"] = deadline
    history = draw(st.one_of(st.none(), st.integers(0, 10)))
    if history is not None:
        spec["revisionHistoryLimit"] = history
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": spec,
    }


@dataclass(frozen=True, repr=False)
class RolloutScenario(Scenario):
    """A ``rollsim.Scenario`` that prints as a readable script (Hypothesis shows it
    when a property fails): the manifest as YAML, the pods, then one line per
    action, with the behaviour of each image that has its own."""

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """How Hypothesis (and IPython) print it: the readable script."""
        printer.text(repr(self))

    def __repr__(self) -> str:
        documents = self.manifests if isinstance(self.manifests, list | tuple) else [self.manifests]
        lines = [f"RolloutScenario(seed={self.seed}, timeout={self.timeout:g})"]
        for doc in documents:
            lines += ["  " + line for line in _manifest_lines(doc)]
        lines.append(f"  pods: {self.pods!r}")
        if self.traffic is not None:
            lines.append(f"  traffic: {self.traffic!r}")
        for action in self.actions:
            what = action.kubectl if action.kubectl is not None else f"apply {action.apply!r}"
            lines.append(f"  t={action.time:g}: kubectl {what}")
        for image, behavior in self.images.items():
            lines.append(f"  image {image}: {behavior!r}")
        return "\n".join(lines)


def _manifest_lines(doc: Any) -> list[str]:
    """The manifest as given (not defaulted): what the user wrote is what matters."""
    if not isinstance(doc, Mapping):
        return str(doc).splitlines()
    return (
        yaml.safe_dump(dict(doc), sort_keys=False, default_flow_style=None, width=100)
        .rstrip()
        .splitlines()
    )


def _actions(max_replicas: int, horizon: int, faults: bool) -> SearchStrategy[tuple[Any, ...]]:
    """Raw timed actions, ``(kind, time, *arguments)``: what ``_kubectl_actions`` turns
    into commands."""
    time = st.integers(0, horizon)
    bad = st.one_of(st.none(), pod_behaviors(require_fault=True)) if faults else st.none()
    return st.one_of(
        st.tuples(st.just("image"), time, bad, st.one_of(st.none(), st.integers(0, 8))),
        st.tuples(st.just("scale"), time, st.integers(0, max_replicas)),
        st.tuples(st.just("pause"), time),
        st.tuples(st.just("resume"), time),
        st.tuples(st.just("undo"), time, st.one_of(st.just(0), st.integers(1, 6))),
    )


def image_repo(image: str) -> str:
    """The repository of ``image`` (``registry:5000/app:v1`` -> ``registry:5000/app``),
    where new releases get their tags."""
    head, sep, tail = image.rpartition(":")
    return head if sep and "/" not in tail else image


def _kubectl_actions(
    manifest: Mapping[str, Any], raw: Sequence[tuple[Any, ...]]
) -> tuple[list[Action], dict[str, PodBehavior]]:
    """The raw actions as kubectl commands on ``manifest``'s Deployment, in time order,
    and the behaviour of each new image that has its own.

    An ``image`` action releases a new image, or goes back to an earlier one;
    ``pause`` and ``resume`` are kept only where they are valid (kubectl refuses
    to pause a paused Deployment or resume a running one), so every command is
    one kubectl would run.
    """
    meta = manifest["metadata"]
    name = meta["name"]
    namespace = meta.get("namespace")
    where = f" -n {namespace}" if namespace and namespace != "default" else ""
    container = manifest["spec"]["template"]["spec"]["containers"][0]
    repo = image_repo(container["image"])
    used = [container["image"]]
    images: dict[str, PodBehavior] = {}
    actions: list[Action] = []
    paused = bool(manifest["spec"].get("paused", False))
    for step in sorted(raw, key=lambda a: a[1]):
        kind, at = step[0], float(step[1])
        command: str | None = None
        if kind == "image":
            _, _, behavior, back = step
            if back is not None and len(used) > 1:
                image = used[back % len(used)]
            else:
                image = f"{repo}:v{len(used) + 1}"
                used.append(image)
                if behavior is not None:
                    images[image] = behavior
            command = f"set image deployment/{name} {container['name']}={image}{where}"
        elif kind == "scale":
            command = f"scale deployment/{name} --replicas={step[2]}{where}"
        elif kind == "pause" and not paused:
            paused = True
            command = f"rollout pause deployment/{name}{where}"
        elif kind == "resume" and paused:
            paused = False
            command = f"rollout resume deployment/{name}{where}"
        elif kind == "undo":
            command = f"rollout undo deployment/{name}{where}"
            if step[2]:
                command += f" --to-revision={step[2]}"
        if command is not None:
            actions.append(Action(time=at, kubectl=command))
    return actions, images


@st.composite
def scenarios(
    draw: st.DrawFn,
    manifest: Mapping[str, Any] | SearchStrategy[dict[str, Any]] | None = None,
    *,
    extra_manifests: Sequence[Mapping[str, Any]] = (),
    max_replicas: int = 6,
    max_actions: int = 6,
    horizon: int = 300,
    faults: bool = True,
    traffic_strategy: SearchStrategy[Traffic | None] | None = None,
    timeout: float = 1800.0,
) -> RolloutScenario:
    """A ``RolloutScenario``: a Deployment manifest (``manifest``, a strategy of
    manifests such as ``deployments(...)``, or by default one from
    ``deployments``) plus timed kubectl actions: ``set image`` (a new image, or
    back to an earlier one; with ``faults`` a new image may have its own bad
    ``PodBehavior``), ``scale``, ``rollout pause``/``resume`` (only when that
    is valid) and ``rollout undo`` (kubectl may refuse it: no such revision,
    or paused; ``run_scenario`` checks the refusal is right).

    The default pods are healthy with varied timings; faults come only from
    the images the actions introduce. Play it with
    ``rollsim.testing.run_scenario`` or check it with ``check_scenario``.
    """
    if manifest is None:
        manifest = draw(deployments(max_replicas=max_replicas))
    elif isinstance(manifest, SearchStrategy):
        manifest = draw(manifest)
    manifest = dict(manifest)
    pods = draw(pod_behaviors(faults=False))
    raw = draw(st.lists(_actions(max_replicas, horizon, faults), max_size=max_actions))
    actions, images = _kubectl_actions(manifest, raw)
    flow = draw(
        traffic_strategy if traffic_strategy is not None else st.one_of(st.none(), traffic())
    )
    return RolloutScenario(
        manifests=[manifest, *(dict(m) for m in extra_manifests)],
        actions=tuple(actions),
        pods=pods,
        images=images,
        traffic=flow,
        target=f"deployment/{manifest['metadata']['name']}" if extra_manifests else None,
        timeout=timeout,
        seed=draw(st.integers(0, 2**32 - 1)),
    )


def from_manifest(
    source: Any,
    *,
    max_actions: int = 6,
    max_replicas: int | None = None,
    faults: bool = True,
    horizon: int = 300,
) -> SearchStrategy[RolloutScenario]:
    """Scenarios around your own Deployment: its manifest as written (a path, YAML
    text or a dict; other documents such as its Service are applied too), with
    varied pod timings, faults, and actions (new images, scaling up to
    ``max_replicas``, default twice its replicas, pause/resume, undo).
    Traffic goes to the Service that selects it, if the manifests have one."""
    pairs = load_documents(source)
    found = [(obj, doc) for obj, doc in pairs if obj.kind == "Deployment"]
    if len(found) != 1:
        raise ValueError(f"from_manifest needs exactly one Deployment, found {len(found)}")
    deployment, manifest = found[0]
    others = [doc for obj, doc in pairs if obj.kind != "Deployment"]
    labels = deployment.spec.template.metadata.labels
    services = [
        obj.metadata.name
        for obj, _ in pairs
        if obj.kind == "Service"
        and obj.spec.selector
        and all(labels.get(k) == v for k, v in obj.spec.selector.items())
    ]
    flows = st.one_of(st.none(), traffic(service=services[0] if services else None))
    top = max_replicas if max_replicas is not None else max(2 * deployment.replicas, 3)
    return scenarios(
        manifest,
        extra_manifests=others,
        max_replicas=top,
        max_actions=max_actions,
        faults=faults,
        horizon=horizon,
        traffic_strategy=flows,
    )
