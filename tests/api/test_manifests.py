"""Manifests in, objects out: decoding errors, defaults, every input form, round trips.

Upstream texts (repository kubernetes/kubernetes, read with the search tools):

* decode errors: ``staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go``
  ``transformDecodeError`` -> ``%s in version %q cannot be handled as a %s: %v``;
  Go ``encoding/json`` ``UnmarshalTypeError.Error()`` ->
  ``json: cannot unmarshal <value> into Go struct field <Struct>.<field path> of type <T>``
  (the field path is the dotted JSON path, without array indexes);
* strict decoding: ``staging/src/k8s.io/apimachinery/pkg/runtime/error.go``
  ``strictDecodingError.Error()`` -> ``strict decoding error: `` + errors joined by
  ``, `` (``unknown field "spec.replica"``);
* YAML: sigs.k8s.io/yaml ``error converting YAML to JSON: %v`` around go-yaml's
  ``yaml: line N: mapping values are not allowed in this context``; kubectl's
  ``StreamVisitor`` (``staging/src/k8s.io/cli-runtime/pkg/resource/visitor.go``)
  wraps it as ``error parsing <source>: <err>``;
* unknown kinds: ``staging/src/k8s.io/cli-runtime/pkg/resource/mapper.go``
  ``resource mapping not found for name: %q namespace: %q from %q: %w\\nensure CRDs
  are installed first`` around ``meta.NoKindMatchError`` (``no matches for kind %q in
  version %q``);
* missing kind: ``runtime/error.go`` ``Object 'Kind' is missing in '%s'``;
* kubectl's own framing: ``staging/src/k8s.io/kubectl/pkg/cmd/util/helpers.go``
  ``checkErr`` (Invalid -> ``The %s %q is invalid: `` + one error, or a newline and
  ``* `` lines), ``StandardErrorMessage`` (``Error from server (%s): %s``) and
  ``AddSourceToErr`` (``error when %s %q: %v``, on ``status.Message`` only);
* selector immutability: ``pkg/registry/apps/deployment/strategy.go``
  ``ValidateUpdate`` appends ``ValidateImmutableField(newDeployment.Spec.Selector, ...)``
  (``FieldImmutableErrorMsg = "field is immutable"``, apimachinery
  ``pkg/api/validation/objectmeta.go``); the selector prints with ``%#v``;
* defaults: ``pkg/apis/apps/v1/defaults.go`` ``SetDefaults_Deployment`` and
  ``pkg/apis/core/v1/defaults.go`` ``SetDefaults_PodSpec`` / ``SetDefaults_Probe`` /
  ``SetDefaults_Container``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

import rollsim
from rollsim import Cluster, ValidationError
from rollsim.api import (
    Container,
    Deployment,
    DeploymentSpec,
    LabelSelector,
    ObjectMeta,
    PodSpec,
    PodTemplateSpec,
)

WEB_YAML = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
"""

CHANGE_CAUSE = "升级Nginx的版本到1.27"


def web() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(WEB_YAML)
    return doc


def named(name: str, **spec: Any) -> dict[str, Any]:
    doc = web()
    doc["metadata"]["name"] = name
    doc["spec"].update(copy.deepcopy(spec))
    return doc


def rejected(source: Any) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        rollsim.load(source)
    return info.value


# --- decoding ----------------------------------------------------------------------


def test_wrong_field_type_is_a_decode_error() -> None:
    doc = web()
    doc["spec"]["replicas"] = "3"
    assert str(rejected(doc)) == (
        'Deployment in version "v1" cannot be handled as a Deployment: json: cannot '
        "unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"
    )


def test_wrong_field_type_inside_a_list() -> None:
    doc = web()
    doc["spec"]["template"]["spec"]["containers"][0]["image"] = 5
    assert [str(e) for e in rejected(doc).errors] == [
        'Deployment in version "v1" cannot be handled as a Deployment: json: cannot '
        "unmarshal number into Go struct field Container.spec.template.spec.containers.image"
        " of type string"
    ]


def test_unknown_field_is_a_strict_decoding_error() -> None:
    doc = web()
    doc["spec"]["replica"] = 3
    err = rejected(doc)
    assert 'strict decoding error: unknown field "spec.replica"' in str(err)


def test_unknown_field_text() -> None:
    doc = web()
    doc["spec"]["replica"] = 3
    assert str(rejected(doc)) == (
        'Deployment in version "v1" cannot be handled as a Deployment: '
        'strict decoding error: unknown field "spec.replica"'
    )


def test_unknown_field_in_a_file_prints_like_kubectl(tmp_path: Path) -> None:
    doc = web()
    doc["spec"]["replica"] = 3
    path = tmp_path / "web.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    assert str(rejected(str(path))) == (
        f'Error from server (BadRequest): error when creating "{path}": '
        'Deployment in version "v1" cannot be handled as a Deployment: '
        'strict decoding error: unknown field "spec.replica"'
    )


def test_invalid_object_in_a_file_prints_like_kubectl(tmp_path: Path) -> None:
    doc = web()
    doc["spec"]["replicas"] = -1
    path = tmp_path / "web.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    assert str(rejected(str(path))) == (
        'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: '
        "must be greater than or equal to 0"
    )


def test_every_unknown_field_is_named() -> None:
    doc = web()
    doc["spec"]["replica"] = 3
    doc["spec"]["template"]["spec"]["containers"][0]["imag"] = "nginx"
    text = str(rejected(doc))
    assert 'unknown field "spec.replica"' in text
    assert 'unknown field "spec.template.spec.containers[0].imag"' in text


def test_yaml_syntax_error_names_the_line() -> None:
    text = WEB_YAML.replace("  name: web\n", "  name: web: bad\n")  # line 4
    assert str(rejected(text)) == (
        "error converting YAML to JSON: yaml: line 4: "
        "mapping values are not allowed in this context"
    )


def test_yaml_syntax_error_in_a_file(tmp_path: Path) -> None:
    path = tmp_path / "web.yaml"
    path.write_text(WEB_YAML.replace("  name: web\n", "  name: web: bad\n"), encoding="utf-8")
    assert str(rejected(str(path))) == (
        f"error parsing {path}: error converting YAML to JSON: yaml: line 4: "
        "mapping values are not allowed in this context"
    )


def test_yaml_syntax_error_in_a_later_document_names_its_line_and_document() -> None:
    # kubectl's YAML reader splits on '---' first, so the line counts within the
    # document (line 4 of the second one, which starts at line 18 of the stream);
    # DESIGN section 5 wants the document named as well.
    text = WEB_YAML + "---\n" + WEB_YAML.replace("  name: web\n", "  name: api: bad\n")
    assert str(rejected(text)) == (
        "error converting YAML to JSON: yaml: line 4: mapping values are not allowed in this "
        "context (document 2 of 2, from line 18)"
    )


@pytest.mark.parametrize(
    ("api_version", "kind"),
    [
        ("apps/v1", "Deploymnt"),
        ("extensions/v1beta1", "Deployment"),
    ],
)
def test_unknown_kind_or_api_version(tmp_path: Path, api_version: str, kind: str) -> None:
    doc = web()
    doc["apiVersion"], doc["kind"] = api_version, kind
    path = tmp_path / "web.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    assert str(rejected(str(path))) == (
        f'resource mapping not found for name: "web" namespace: "" from "{path}": '
        f'no matches for kind "{kind}" in version "{api_version}"\n'
        "ensure CRDs are installed first"
    )


def test_missing_kind() -> None:
    doc = web()
    del doc["kind"]
    assert "Object 'Kind' is missing" in str(rejected(doc))


# --- many documents: every problem at once, nothing applied ---------------------


def bad_stream() -> str:
    api = named("api", replicas=-1)
    db = named("db")
    db["spec"]["template"]["spec"]["containers"] = []
    cache = named("cache")
    cache["kind"] = "Deploymnt"
    return yaml.safe_dump_all([web(), api, db, cache], sort_keys=False)


def test_multi_document_errors_are_all_reported() -> None:
    text = str(rejected(bad_stream()))
    assert "spec.replicas: Invalid value: -1: must be greater than or equal to 0" in text
    assert "spec.template.spec.containers: Required value" in text
    assert 'no matches for kind "Deploymnt" in version "apps/v1"' in text
    # ... each attributed to its document
    assert '"api" is invalid' in text
    assert '"db" is invalid' in text
    assert 'name: "cache"' in text


def test_multi_document_apply_applies_the_valid_documents_as_kubectl() -> None:
    """kubectl's ``ApplyOptions.Run`` applies every object it could read and reports
    the others' errors together: ``web`` is created, the three refused ones are not."""
    c = Cluster(seed=0)
    with pytest.raises(rollsim.ApplyError) as raised:
        c.apply(bad_stream())
    assert [o.metadata.name for o in raised.value.applied] == ["web"]
    c.run(until=30)
    assert [d.metadata.name for d in c.list("deployment")] == ["web"]
    assert {p.metadata.name.rsplit("-", 2)[0] for p in c.list("pod")} == {"web"}


def test_multi_document_apply_of_objects_and_dicts_applies_each() -> None:
    c = Cluster(seed=0)
    [good] = rollsim.load(WEB_YAML)
    with pytest.raises(rollsim.ApplyError) as raised:
        c.apply([good, named("api", replicas=-1)])
    assert str(raised.value) == (
        'The Deployment "api" is invalid: spec.replicas: Invalid value: -1: '
        "must be greater than or equal to 0"
    )
    c.run(until=30)
    assert [d.metadata.name for d in c.list("deployment")] == ["web"]


def test_selector_update_is_rejected_as_immutable() -> None:
    c = Cluster(seed=0)
    c.apply(WEB_YAML)
    c.run(until=10)
    before = c.get("deployment", "web")
    events = c.events
    changed = web()
    changed["spec"]["selector"]["matchLabels"]["tier"] = "fe"
    changed["spec"]["template"]["metadata"]["labels"]["tier"] = "fe"
    with pytest.raises(ValidationError) as info:
        c.apply(changed)
    assert str(info.value) == (
        'The Deployment "web" is invalid: spec.selector: Invalid value: '
        'v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"fe"}, '
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"
    )
    c.run(until=20)
    assert c.get("deployment", "web") == before
    assert c.events == events


def test_selector_update_rejection_applies_the_other_documents() -> None:
    c = Cluster(seed=0)
    c.apply(WEB_YAML)
    c.run(until=10)
    before = c.get("deployment", "web")
    changed = web()
    changed["spec"]["selector"]["matchLabels"]["tier"] = "fe"
    changed["spec"]["template"]["metadata"]["labels"]["tier"] = "fe"
    with pytest.raises(rollsim.ApplyError) as raised:
        c.apply([named("api"), changed])
    assert "field is immutable" in str(raised.value)
    assert [d.metadata.name for d in c.list("deployment")] == ["api", "web"]
    assert c.get("deployment", "web").spec == before.spec


# --- defaults ----------------------------------------------------------------------


def test_apps_v1_deployment_defaults() -> None:
    doc = web()
    del doc["spec"]["replicas"]
    [d] = rollsim.load(doc)
    spec = d.spec
    assert spec.replicas == 1
    assert spec.strategy.type == "RollingUpdate"
    assert spec.strategy.rolling_update.max_surge == "25%"
    assert spec.strategy.rolling_update.max_unavailable == "25%"
    assert spec.revision_history_limit == 10
    assert spec.progress_deadline_seconds == 600
    assert spec.min_ready_seconds == 0
    assert spec.paused is False


def test_partial_rolling_update_is_completed_by_defaults() -> None:
    doc = web()
    doc["spec"]["strategy"] = {"rollingUpdate": {"maxSurge": 2}}
    [d] = rollsim.load(doc)
    assert d.spec.strategy.type == "RollingUpdate"
    assert d.spec.strategy.rolling_update.max_surge == 2
    assert d.spec.strategy.rolling_update.max_unavailable == "25%"


def test_recreate_is_not_given_a_rolling_update() -> None:
    doc = web()
    doc["spec"]["strategy"] = {"type": "Recreate"}
    [d] = rollsim.load(doc)
    assert d.spec.strategy.rolling_update is None


def test_pod_template_defaults() -> None:
    doc = web()
    doc["spec"]["template"]["spec"]["containers"].append({"name": "sidecar", "image": "busybox"})
    doc["spec"]["template"]["spec"]["containers"][0]["readinessProbe"] = {
        "httpGet": {"path": "/", "port": 80}
    }
    [d] = rollsim.load(doc)
    pod = d.spec.template.spec
    assert pod.restart_policy == "Always"
    assert pod.termination_grace_period_seconds == 30
    assert pod.dns_policy == "ClusterFirst"
    assert pod.scheduler_name == "default-scheduler"
    assert pod.security_context == {}
    nginx, sidecar = pod.containers
    assert nginx.image_pull_policy == "IfNotPresent"  # tagged image
    assert sidecar.image_pull_policy == "Always"  # untagged image means :latest
    assert nginx.termination_message_path == "/dev/termination-log"
    assert nginx.termination_message_policy == "File"
    probe = nginx.readiness_probe
    assert (
        probe.timeout_seconds,
        probe.period_seconds,
        probe.success_threshold,
        probe.failure_threshold,
        probe.initial_delay_seconds,
    ) == (1, 10, 1, 3, 0)


def test_explicit_values_are_not_overwritten_by_defaults() -> None:
    doc = web()
    doc["spec"].update(revisionHistoryLimit=0, progressDeadlineSeconds=30)
    doc["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] = 0
    [d] = rollsim.load(doc)
    assert d.spec.revision_history_limit == 0
    assert d.spec.progress_deadline_seconds == 30
    assert d.spec.template.spec.termination_grace_period_seconds == 0


# --- every input form ------------------------------------------------------------


def built_object() -> Deployment:
    return Deployment(
        metadata=ObjectMeta(name="web", labels={"app": "web"}),
        spec=DeploymentSpec(
            replicas=2,
            selector=LabelSelector(match_labels={"app": "web"}),
            template=PodTemplateSpec(
                metadata=ObjectMeta(labels={"app": "web"}),
                spec=PodSpec(containers=(Container(name="nginx", image="nginx:1.27"),)),
            ),
        ),
    )


def test_load_from_every_source_gives_the_same_object(tmp_path: Path) -> None:
    path = tmp_path / "web.yaml"
    path.write_text(WEB_YAML, encoding="utf-8")
    json_path = tmp_path / "web.json"
    json_path.write_text(json.dumps(web()), encoding="utf-8")
    [from_text] = rollsim.load(WEB_YAML)
    assert rollsim.load(str(path)) == [from_text]
    assert rollsim.load(path) == [from_text]
    assert rollsim.load(str(json_path)) == [from_text]
    assert rollsim.load(web()) == [from_text]
    assert rollsim.load(built_object()) == [from_text]  # API objects are defaulted too
    assert rollsim.load([web(), built_object(), WEB_YAML]) == [from_text] * 3


def test_load_multi_document_text_in_order() -> None:
    text = yaml.safe_dump_all([named("a"), named("b"), named("c")])
    assert [d.metadata.name for d in rollsim.load(text)] == ["a", "b", "c"]


def test_load_accepts_a_leading_document_marker() -> None:
    assert [d.metadata.name for d in rollsim.load("---\n" + WEB_YAML)] == ["web"]


@pytest.mark.parametrize("tail", ["---\n", "---\n---\n", "---\n# nothing here\n"])
def test_load_skips_empty_documents(tail: str) -> None:
    assert [d.metadata.name for d in rollsim.load(WEB_YAML + tail)] == ["web"]


def test_missing_file_is_reported(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    assert f'the path "{missing}" does not exist' in str(rejected(str(missing)))


def test_invalid_api_object_is_validated() -> None:
    obj = built_object()
    bad = Deployment(
        metadata=obj.metadata,
        spec=DeploymentSpec(replicas=-1, selector=obj.spec.selector, template=obj.spec.template),
    )
    assert [str(e) for e in rejected(bad).errors] == [
        "spec.replicas: Invalid value: -1: must be greater than or equal to 0"
    ]


def test_cluster_apply_accepts_a_path_and_returns_the_objects(tmp_path: Path) -> None:
    path = tmp_path / "web.yaml"
    path.write_text(WEB_YAML, encoding="utf-8")
    c = Cluster(seed=0)
    [stored] = c.apply(str(path))
    assert stored.metadata.name == "web"
    assert c.get("deployment", "web").spec.replicas == 2


# --- round trips ----------------------------------------------------------------------


def test_to_dict_is_camel_case() -> None:
    doc = web()
    doc["spec"].update(minReadySeconds=5)
    [d] = rollsim.load(doc)
    wire = rollsim.to_dict(d)
    assert list(wire)[:2] == ["apiVersion", "kind"]
    assert (wire["apiVersion"], wire["kind"]) == ("apps/v1", "Deployment")
    spec = wire["spec"]
    assert spec["minReadySeconds"] == 5
    assert spec["revisionHistoryLimit"] == 10
    assert spec["progressDeadlineSeconds"] == 600
    assert spec["selector"] == {"matchLabels": {"app": "web"}}
    assert spec["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
    }
    pod = spec["template"]["spec"]
    assert pod["terminationGracePeriodSeconds"] == 30
    assert pod["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    assert not any("_" in key for key in _keys(wire))


def _keys(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [
            k
            for k, v in value.items()
            if k not in ("labels", "annotations", "matchLabels")
            for k in [k, *_keys(v)]
        ]
    if isinstance(value, list):
        return [k for item in value for k in _keys(item)]
    return []


def test_to_dict_keeps_the_defaulted_empty_security_context() -> None:
    [d] = rollsim.load(WEB_YAML)
    assert rollsim.to_dict(d)["spec"]["template"]["spec"]["securityContext"] == {}


def test_load_of_to_dict_round_trips() -> None:
    doc = web()
    doc["metadata"]["annotations"] = {"kubernetes.io/change-cause": CHANGE_CAUSE}
    doc["spec"].update(minReadySeconds=5, strategy={"type": "Recreate"})
    doc["spec"]["template"]["spec"]["containers"][0].update(
        readinessProbe={"httpGet": {"path": "/", "port": 80}, "initialDelaySeconds": 3},
        ports=[{"containerPort": 80}],
        resources={"limits": {"cpu": "500m"}},
        env=[{"name": "MODE", "value": "prod"}],
    )
    for obj in rollsim.load([doc, WEB_YAML, built_object()]):
        assert rollsim.load(rollsim.to_dict(obj)) == [obj]


def test_non_ascii_annotation_survives_load_to_yaml_load() -> None:
    doc = web()
    doc["metadata"]["annotations"] = {"kubernetes.io/change-cause": CHANGE_CAUSE}
    [d] = rollsim.load(doc)
    text = rollsim.to_yaml(d)
    assert CHANGE_CAUSE in text  # kept as characters, not escaped
    [again] = rollsim.load(text)
    assert again.metadata.annotations["kubernetes.io/change-cause"] == CHANGE_CAUSE
    assert again == d


def test_non_ascii_annotation_survives_a_file(tmp_path: Path) -> None:
    doc = web()
    doc["metadata"]["annotations"] = {"kubernetes.io/change-cause": CHANGE_CAUSE}
    path = tmp_path / "web.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    c = Cluster(seed=0)
    c.apply(str(path))
    assert (
        c.get("deployment", "web").metadata.annotations["kubernetes.io/change-cause"]
        == CHANGE_CAUSE
    )
