"""kubectl lines that used to end in a Python traceback or a hang (issue 11).

Each test runs one bad line against a cluster holding one object of every kind
rollsim stores and asserts kubectl's own words: set_image.go with
polymorphichelpers ``updatePodSpecForObject``, scale.go and the API server's
NotFound for a kind without a ``scale`` subresource, pflag's ``IntVar``
(``strconv.ParseInt(s, 0, 64)``), the API server's ``checkName`` for a patch that
renames or moves an object, go-yaml's depth limit, and apply.go's "no objects
passed to apply". A refused write must leave the store as it was.

The last test fuzzes kubectl lines built from the verbs rollsim supports with
mutated arguments; each must return text or raise a rollsim error within a
second.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rollsim import Cluster, KubectlError, PodBehavior
from rollsim.api.errors import RollsimError
from rollsim.api.kinds import KINDS
from rollsim.api.limits import MAX_DEPTH as MAX_PATCH_DEPTH
from rollsim.kubectl.cmdutil import parse_go_int

from .support import fails

#: One object of every kind ``apply`` decodes: a Deployment ``web``, a Service and
#: an AnalysisTemplate and a Canary ``x`` (whose target is Deployment ``podinfo``), a
#: standalone ReplicaSet ``lone`` and an Argo Rollout ``ro``.
WORLD = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "web:1"}]}
---
apiVersion: v1
kind: Service
metadata: {name: x}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: lone}
spec:
  replicas: 1
  selector: {matchLabels: {app: lone}}
  template:
    metadata: {labels: {app: lone}}
    spec: {containers: [{name: lone, image: "lone:1"}]}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: ro}
spec:
  replicas: 2
  selector: {matchLabels: {app: ro}}
  template:
    metadata: {labels: {app: ro}}
    spec: {containers: [{name: ro, image: "ro:1"}]}
  strategy:
    canary:
      steps: [{setWeight: 50}, {pause: {duration: 10s}}]
---
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: x}
spec:
  metrics:
  - name: success-rate
    interval: 10s
    successCondition: "result[0] >= 0.95"
    count: 3
    provider:
      prometheus: {address: "http://prometheus:9090", query: "q"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: podinfo}
spec:
  replicas: 2
  selector: {matchLabels: {app: podinfo}}
  template:
    metadata: {labels: {app: podinfo}}
    spec: {containers: [{name: podinfo, image: "podinfo:1"}]}
---
apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: x}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
  service: {port: 9898}
  analysis:
    interval: 10s
    threshold: 2
    maxWeight: 50
    stepWeight: 20
    metrics:
    - name: request-success-rate
      thresholdRange: {min: 99}
      interval: 1m
"""


def world() -> Cluster:
    """Every kind applied, and 30 s for the controllers to bring the pods up."""
    cluster = Cluster(pods=PodBehavior(startup=2.0))
    cluster.kubectl("apply -f -", stdin=WORLD)
    cluster.run(30)
    return cluster


def snapshot(cluster: Cluster) -> list[tuple[str, str, str]]:
    """Every stored object's kind, name and resourceVersion: what a refused write keeps."""
    return sorted(
        (kind, obj.metadata.name, obj.metadata.resource_version)
        for kind in KINDS
        if kind not in ("Pod", "Event")
        for obj in cluster.list(kind)
    )


@pytest.fixture(scope="module")
def shared() -> Cluster:
    """One world for the tests that only read or are refused before writing."""
    return world()


# ------------------------------------------------------------------ set image


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            "service/x",
            "error: services/x the object is not a pod or does not have a pod template: "
            "*v1.Service",
        ),
        (
            "canary/x",
            "error: canaries/x the object is not a pod or does not have a pod template: "
            "*unstructured.Unstructured",
        ),
        (
            "rollout/ro",
            "error: rollouts/ro the object is not a pod or does not have a pod template: "
            "*unstructured.Unstructured",
        ),
        (
            "analysistemplate/x",
            "error: analysistemplates/x the object is not a pod or does not have a pod "
            "template: *unstructured.Unstructured",
        ),
    ],
)
def test_set_image_on_a_kind_without_pod_template(
    shared: Cluster, target: str, message: str
) -> None:
    """set_image.go Run: ``error: <Info.ObjectName()> <updatePodSpecForObject's error>``,
    whose ``%T`` is the typed struct for a core kind and ``*unstructured.Unstructured``
    for a custom resource. Was an AttributeError for a Service."""
    before = snapshot(shared)
    assert fails(shared, f"set image {target} c=i").message == message
    assert snapshot(shared) == before


# ---------------------------------------------------------------------- scale


@pytest.mark.parametrize("target", ["service/x", "canary/x", "analysistemplate/x"])
def test_scale_a_kind_without_scale_subresource(shared: Cluster, target: str) -> None:
    """scale.go: the scaler patches ``.../scale``, which these kinds' APIs do not serve
    (Flagger's Canary CRD declares only ``status``), so the API server answers 404
    without a name. Was a TypeError from the spec's constructor."""
    before = snapshot(shared)
    err = fails(shared, f"scale {target} --replicas=3")
    assert err.message == (
        "Error from server (NotFound): the server could not find the requested resource"
    )
    assert snapshot(shared) == before


def test_scale_a_rollout_uses_its_scale_subresource() -> None:
    """Argo's Rollout CRD declares ``subresources.scale`` (specReplicasPath
    .spec.replicas): ``kubectl scale rollout`` works."""
    cluster = world()
    assert cluster.kubectl("scale rollout/ro --replicas=3") == "rollout.argoproj.io/ro scaled\n"
    assert cluster.get("Rollout", "ro").replicas == 3


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("9999999999999999999999999", "value out of range"),
        ("9223372036854775808", "value out of range"),
        ("1e9", "invalid syntax"),
        ("1.5", "invalid syntax"),
        ("", "invalid syntax"),
        ("١٢", "invalid syntax"),
        (" 3", "invalid syntax"),
        ("_1", "invalid syntax"),
    ],
)
def test_replicas_flag_is_read_as_pflag_int(shared: Cluster, value: str, reason: str) -> None:
    """pflag ``intValue.Set``: ``strconv.ParseInt(s, 0, 64)``, its error after
    ``invalid argument %q for %q flag``. 10^25 replicas was accepted and hung the
    next command; Unicode digits and spaces were read by Python's ``int``."""
    before = snapshot(shared)
    started = time.monotonic()
    err = fails(shared, f"scale deploy/web '--replicas={value}'")
    assert time.monotonic() - started < 1.0
    assert err.message == (
        f'error: invalid argument "{value}" for "--replicas" flag: '
        f'strconv.ParseInt: parsing "{value}": {reason}'
    )
    assert snapshot(shared) == before


@pytest.mark.parametrize(
    ("text", "value"),
    [("010", 8), ("0x10", 16), ("0o17", 15), ("0b101", 5), ("1_000", 1000), ("+3", 3)],
)
def test_int_flags_take_go_base_prefixes(text: str, value: int) -> None:
    """Base 0: a prefix picks the base, a leading 0 is octal, ``_`` separates digits."""
    assert parse_go_int(text) == value


def test_replicas_beyond_int32_fail_to_decode_as_a_scale(shared: Cluster) -> None:
    """The scale patch decodes into autoscaling/v1 ``Scale``, whose ``spec.replicas`` is
    an int32: the API server reports the decode failure as an invalid ``patch``."""
    before = snapshot(shared)
    err = fails(shared, "scale deploy/web --replicas=2147483648")
    assert err.message.startswith('The request is invalid: patch: Invalid value: "{')
    assert err.message.endswith(
        ": json: cannot unmarshal number 2147483648 into Go struct field "
        "ScaleSpec.spec.replicas of type int32"
    )
    assert snapshot(shared) == before


# ------------------------------------------------------------------------ get


def test_every_registered_kind_has_a_table(shared: Cluster) -> None:
    """``get KIND`` prints a table for every kind in the registry, or kubectl's notice
    that there is nothing to list."""
    for info in KINDS.values():
        notices: list[str] = []
        out = shared.kubectl(f"get {info.resource}", stderr=notices.append)
        if out:
            assert out.split()[0] in ("NAME", "LAST"), info.kind
        else:
            # get.go: with nothing found, allResourcesNamespaced keeps its start value
            # (!AllNamespaces), so the notice names the namespace whatever the scope.
            assert notices == ["No resources found in default namespace.\n"], info.kind


def test_get_analysistemplate_prints_name_and_age(shared: Cluster) -> None:
    """The AnalysisTemplate CRD's only printer column is Age (and a CRD without any gets
    NAME and AGE from the API server). Was ValueError "no table printer"."""
    assert shared.kubectl("get analysistemplate/x") == "NAME   AGE\nx      30s\n"


# ---------------------------------------------------------------------- patch


def test_patch_emptying_the_namespace_changes_nothing() -> None:
    """``rest.BeforeUpdate`` fills an empty namespace from the request, so the patch is
    a no-op. Was a KeyError in the store."""
    cluster = world()
    before = snapshot(cluster)
    out = cluster.kubectl("""patch canary x --type merge -p '{metadata: {namespace: ""}}'""")
    assert out == "canary.flagger.app/x patched (no change)\n"
    assert snapshot(cluster) == before


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        (
            '{metadata: {namespace: "other"}}',
            "Error from server (BadRequest): the namespace of the object (other) does not "
            "match the namespace on the request (default)",
        ),
        (
            "{metadata: {name: y}}",
            "Error from server (BadRequest): the name of the object (y) does not match the "
            "name on the URL (x)",
        ),
        (
            "{metadata: {name: null}}",
            "Error from server (BadRequest): the name of the object (x based on URL) was "
            "undeterminable: name must be provided",
        ),
    ],
)
def test_patch_cannot_rename_or_move(shared: Cluster, patch: str, message: str) -> None:
    """The patch handler's ``checkName`` compares the patched object with the URL."""
    before = snapshot(shared)
    assert fails(shared, f"patch canary x --type merge -p '{patch}'").message == message
    assert snapshot(shared) == before


@pytest.mark.parametrize("opening", ["{a: ", "[", "- "])
def test_deep_patch_is_refused_fast(shared: Cluster, opening: str) -> None:
    """go-yaml refuses nesting past its max depth; rollsim's limit is lower, as its
    decoders recurse. Was a RecursionError after 1.4 s."""
    closing = {"{a: ": "}", "[": "]", "- ": ""}[opening]
    text = opening * 5000 + "1" + closing * 5000
    before = snapshot(shared)
    started = time.monotonic()
    err = fails(shared, f"patch deploy web -p '{text}'")
    assert time.monotonic() - started < 1.0
    assert err.message.startswith('error: unable to parse "')
    assert err.message.endswith(f": yaml: line 1: exceeded max depth of {MAX_PATCH_DEPTH}")
    assert snapshot(shared) == before


def test_patch_at_the_depth_limit_is_read(shared: Cluster) -> None:
    """Just inside the limit the patch reaches the API server's strict decoding."""
    text = "{a: " * (MAX_PATCH_DEPTH - 1) + "1" + "}" * (MAX_PATCH_DEPTH - 1)
    err = fails(shared, f"patch deploy web -p '{text}'")
    assert err.message.endswith('strict decoding error: unknown field "a"')


# ---------------------------------------------------------------------- apply


@pytest.mark.parametrize("stdin", [None, "", "# nothing\n", "---\n---\n", "null\n"])
def test_apply_without_objects(shared: Cluster, stdin: str | None) -> None:
    """apply.go Run: ``no objects passed to apply`` when the source holds no object."""
    before = snapshot(shared)
    assert fails(shared, "apply -f -", stdin=stdin).message == "error: no objects passed to apply"
    assert snapshot(shared) == before


# ------------------------------------------------------------------ fuzzing

_VERBS = [
    "get {kind}",
    "get {kind}/{name} -o {output}",
    "describe {kind} {name}",
    "delete {kind} {name}",
    "scale {kind}/{name} --replicas={number}",
    "set image {kind}/{name} {name}={word}",
    "set selector {kind} {name} {word}={word}",
    "annotate {kind} {name} {word}={word}",
    "patch {kind} {name} -p '{patch}'",
    "rollout {sub} {kind}/{name}",
    "rollout history {kind}/{name} --revision={number}",
    "rollout undo {kind}/{name} --to-revision={number}",
    "rollout status {kind}/{name} --timeout={word}",
    "argo rollouts {sub} {name}",
    "argo rollouts set image {name} {name}={word}",
    "argo rollouts undo {name} --to-revision={number}",
    "apply -f {word}",
    "{word} {kind}",
]
_KIND_WORDS = [info.plural for info in KINDS.values()] + ["deploy", "svc", "po", "ro", "nope"]
_WEIRD = st.sampled_from(
    ["", "''", '"', "'", "-", "--", "--bogus", "-z", "é", "①", "²", "\x00", "a b", "{", "nan"]
)
_NUMBERS = st.sampled_from(
    ["0", "-1", "3", "1e9", "2147483648", "9" * 30, "0x10", "1_0", "nan", "", "3.5"]
)
_PATCHES = st.sampled_from(
    [
        "{}",
        "{spec: {replicas: 3}}",
        "{spec: {replicas: -1}}",
        "{spec: {replicas: 99999999999}}",
        "{metadata: {namespace: ''}}",
        "{metadata: {name: 5}}",
        "{metadata: {labels: {a: [1]}}}",
        "[1]",
        "{a: " * 300 + "1" + "}" * 300,
        "{spec: null}",
        "{metadata: null}",
    ]
)


@st.composite
def kubectl_lines(draw: Any) -> str:
    """A kubectl line from the verbs rollsim supports, its words mutated."""
    template = draw(st.sampled_from(_VERBS))
    words = {
        "kind": draw(st.sampled_from(_KIND_WORDS) | _WEIRD),
        "name": draw(st.sampled_from(["web", "x", "ro", "lone", "podinfo", "nope"]) | _WEIRD),
        "output": draw(st.sampled_from(["yaml", "json", "name", "wide", "", "bogus"])),
        "number": draw(_NUMBERS),
        "word": draw(st.text(max_size=8) | _WEIRD | st.sampled_from(["30s", "-1s", "web:2"])),
        "sub": draw(
            st.sampled_from(["status", "history", "pause", "resume", "restart", "undo"])
            | st.sampled_from(["promote", "abort", "retry", "get", "nope"])
        ),
        "patch": draw(_PATCHES),
    }
    line = template.format(**words)
    if draw(st.booleans()):
        line += " " + draw(_WEIRD | st.sampled_from(["--watch=false", "-o", "--full", "-n x"]))
    return line


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(line=kubectl_lines())
def test_fuzzed_kubectl_lines_return_text_or_a_rollsim_error(line: str) -> None:
    """No mutated line reaches a Python exception outside the rollsim family or runs
    past a second (watches time out on the simulated clock, not the wall clock)."""
    cluster = world()
    started = time.monotonic()
    try:
        out = cluster.kubectl(line, stdin="")
        assert isinstance(out, str)
    except RollsimError as err:
        assert isinstance(err, KubectlError), f"{line!r}: {type(err).__name__} {err}"
    assert time.monotonic() - started < 1.0, line


@pytest.mark.parametrize("pair", ["ro", "ro=a=b"])
def test_argo_set_image_needs_one_pair(shared: Cluster, pair: str) -> None:
    """cmd/set/set_image.go: ``strings.Split(args[1], "=")`` must give two parts, else
    the usage error. ``set image ro ro`` wrote an empty image before."""
    before = snapshot(shared)
    err = fails(shared, f"argo rollouts set image ro {pair}")
    assert err.message == (
        "Error: usage: kubectl argo rollouts set image ROLLOUT_NAME CONTAINER=IMAGE"
    )
    assert snapshot(shared) == before


def test_apply_a_directory_reads_its_manifests(tmp_path: Any) -> None:
    """``-f DIR`` reads the .json/.yaml/.yml files in it; it was an IsADirectoryError."""
    (tmp_path / "a.yaml").write_text(WORLD.split("---")[1], encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a manifest", encoding="utf-8")
    cluster = Cluster()
    assert cluster.kubectl(f"apply -f {tmp_path}") == "service/x created\n"


def test_apply_a_file_that_is_not_utf8(shared: Cluster, tmp_path: Any) -> None:
    """Was a UnicodeDecodeError; now the YAML decoder's refusal, nothing applied."""
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"kind: \xff\n")
    before = snapshot(shared)
    assert fails(shared, f"apply -f {path}").message == (
        f"error: error parsing {path}: error converting YAML to JSON: yaml: "
        "invalid leading UTF-8 octet"
    )
    assert snapshot(shared) == before


def test_apply_an_empty_path(shared: Cluster) -> None:
    """``-f ''`` read the working directory as a file."""
    assert fails(shared, "apply -f ''").message == 'error: the path "" does not exist'
