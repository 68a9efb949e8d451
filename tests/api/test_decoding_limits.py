"""Bad YAML and wire input is refused fast, in upstream's words, with nothing applied.

Upstream texts (read with the search tools):

* go-yaml v3 ``decode.go``: ``allowedAliasRatio`` and ``document contains excessive
  aliasing``; ``anchor '%s' value contains itself``; ``mapping key %#v already
  defined at line %d`` inside ``yaml: unmarshal errors:\\n  ``; ``cannot decode %s
  `%s` as a %s``; the parser's ``exceeded max depth of %d`` and the reader's
  ``control characters are not allowed``;
* sigs.k8s.io/yaml: ``error converting YAML to JSON: %v``; ``json.Marshal``'s
  ``json: unsupported value: NaN``;
* Go ``encoding/json`` ``UnmarshalTypeError``: ``json: cannot unmarshal number 1e+30
  into Go struct field DeploymentSpec.spec.replicas of type int32``;
* k8s.io/apiserver ``MaxRequestBodyBytes``: ``Request entity too large: limit is 3145728``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

import rollsim
from rollsim import Cluster, ValidationError
from rollsim.api.limits import MAX_DEPTH, MAX_DOCUMENTS, alias_ratio_exceeded, go_float, jsonable
from rollsim.api.timefmt import format_time, parse_time
from rollsim.controllers.controller_utils import compute_hash

WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
      - name: app
        image: {image}
        resources: {resources}
"""

DECODE = 'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal '


def web(replicas: str = "2", image: str = "nginx", resources: str = "{}") -> str:
    return WEB.format(replicas=replicas, image=image, resources=resources)


def web_dict(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "app", "image": "nginx", **spec}]},
            },
        },
    }


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    c = Cluster()
    yield c
    # Every case here is refused: nothing may reach the store.
    assert c.list("Deployment") == []
    assert c.events == []


def refused(cluster: Cluster, source: Any) -> str:
    start = time.perf_counter()
    with pytest.raises(ValidationError) as info:
        cluster.apply(source)
    assert time.perf_counter() - start < 1.0
    return str(info.value)


def test_deep_flow_nesting_stops_at_the_depth_limit(cluster: Cluster) -> None:
    text = web(resources="[" * 10_000 + "]" * 10_000)
    assert refused(cluster, text) == (
        f"error converting YAML to JSON: yaml: line 16: exceeded max depth of {MAX_DEPTH}"
    )


def test_deep_block_nesting_stops_at_the_depth_limit(cluster: Cluster) -> None:
    lines = "".join(" " * (i + 1) + "b:\n" for i in range(MAX_DEPTH + 5))
    assert refused(cluster, "a:\n" + lines).endswith(f"exceeded max depth of {MAX_DEPTH}")


def test_deep_python_data_is_refused_with_its_path(cluster: Cluster) -> None:
    deep: Any = "leaf"
    for _ in range(10_000):
        deep = {"x": deep}
    message = refused(cluster, web_dict(resources=deep))
    assert f"exceeded max depth of {MAX_DEPTH}" in message
    assert "spec.template.spec.containers[0].resources.x.x" in message


def test_a_nul_character_is_a_yaml_error(cluster: Cluster) -> None:
    assert refused(cluster, web(image="ngi\x00nx")) == (
        "error converting YAML to JSON: yaml: control characters are not allowed"
    )


def test_a_surrogate_escape_is_refused_by_the_scanner(cluster: Cluster) -> None:
    assert refused(cluster, web(image='"\\ud800"')) == (
        "error converting YAML to JSON: yaml: line 15: found invalid Unicode character escape code"
    )


def test_a_lone_surrogate_in_text_is_not_unicode(cluster: Cluster) -> None:
    assert refused(cluster, web(image="x\udc00")) == (
        "error converting YAML to JSON: yaml: invalid Unicode character"
    )


def test_a_lone_surrogate_in_python_data_is_replaced_as_go_does() -> None:
    c = Cluster()
    (deployment,) = c.apply(web_dict(image="x\udc00"))
    assert deployment.spec.template.spec.containers[0].image == "x\ufffd"


def test_the_template_hash_takes_a_lone_surrogate() -> None:
    template = rollsim.api.PodTemplateSpec(
        spec=rollsim.api.PodSpec(containers=(rollsim.api.Container(name="a", image="x\udc00"),))
    )
    assert compute_hash(template, None) == "686c5fbff7"


@pytest.mark.parametrize("digit", ["'①'", "'²'", "'٣'"])
def test_unicode_digits_are_not_numbers(cluster: Cluster, digit: str) -> None:
    assert refused(cluster, web(replicas=digit)) == (
        DECODE + "string into Go struct field DeploymentSpec.spec.replicas of type int32"
    )


def test_an_int_tag_on_text_is_go_yamls_error(cluster: Cluster) -> None:
    assert refused(cluster, web(replicas="!!int abc")) == (
        "error converting YAML to JSON: yaml: cannot decode !!str `abc` as a !!int"
    )


def test_a_five_thousand_digit_integer_is_a_string_to_go_yaml(cluster: Cluster) -> None:
    assert refused(cluster, web(replicas="1" * 5000)) == (
        DECODE + "string into Go struct field DeploymentSpec.spec.replicas of type int32"
    )


def test_a_five_thousand_digit_integer_in_an_opaque_field_is_kept_as_text() -> None:
    c = Cluster()
    (deployment,) = c.apply(web(resources="{limits: {cpu: " + "9" * 5000 + "}}"))
    resources = deployment.spec.template.spec.containers[0].extra["resources"]
    assert resources["limits"]["cpu"] == "9" * 5000


@pytest.mark.parametrize(
    ("replicas", "literal"),
    [("1" + "0" * 30, "1e+30"), ("3000000000", "3000000000"), ("2.5", "2.5")],
)
def test_integers_beyond_int32_are_refused_as_the_api_server_does(
    cluster: Cluster, replicas: str, literal: str
) -> None:
    assert refused(cluster, web(replicas=replicas)) == (
        DECODE + f"number {literal} into Go struct field DeploymentSpec.spec.replicas of type int32"
    )


def test_int64_fields_take_their_own_range(cluster: Cluster) -> None:
    text = web().replace("  name: web\n", "  name: web\n  generation: 10000000000000000000\n")
    assert refused(cluster, text) == (
        DECODE + "number 10000000000000000000 into Go struct field ObjectMeta.metadata.generation "
        "of type int64"
    )


@pytest.mark.parametrize("stamp", ["1.0e+300", "5", "true", "[2025]"])
def test_a_time_that_is_not_rfc3339_text_is_refused(cluster: Cluster, stamp: str) -> None:
    """``metav1.Time.UnmarshalJSON`` reads a JSON string; its inner ``json.Unmarshal``
    error is placed at the field by the outer decoder, with the type it wanted."""
    text = web().replace("  name: web\n", f"  name: web\n  creationTimestamp: {stamp}\n")
    json_type = {"true": "bool", "[2025]": "array"}.get(stamp, "number")
    assert refused(cluster, text) == (
        DECODE + f"{json_type} into Go struct field ObjectMeta.metadata.creationTimestamp "
        "of type string"
    )


def test_a_null_label_value_is_the_empty_string() -> None:
    """encoding/json leaves a map's new string element at "" for a JSON null."""
    [obj] = Cluster().apply(web().replace("  name: web\n", "  name: web\n  labels: {tier: null}\n"))
    assert obj.metadata.labels == {"tier": ""}


def test_time_text_is_read_as_go_reads_rfc3339() -> None:
    assert parse_time("2025-01-01T00:00:22Z") == 22.0
    for text in ("2025-01-01", "２０２５-01-01T00:00:00Z", "2025-01-01T00:00:00"):
        with pytest.raises(ValueError, match="cannot parse"):
            parse_time(text)
    with pytest.raises(ValueError, match=r"year outside of range \[0,9999\]"):
        format_time(1e300)


def test_a_self_referencing_anchor_is_go_yamls_error(cluster: Cluster) -> None:
    assert refused(cluster, web(resources="&a [*a]")) == (
        "error converting YAML to JSON: yaml: anchor 'a' value contains itself"
    )


def test_a_cycle_in_python_data_is_refused_with_its_path(cluster: Cluster) -> None:
    loop: list[Any] = []
    loop.append(loop)
    assert refused(cluster, web_dict(resources={"x": loop})) == (
        'The Deployment "web" is invalid: spec.template.spec.containers[0].resources.x[0]: '
        "Invalid value: []interface {}: json: unsupported value: encountered a cycle via "
        "[]interface {}"
    )


@pytest.mark.parametrize(
    ("value", "shown", "detail"),
    [
        ({1, 2}, "set", "json: unsupported type: set"),
        (float("nan"), "NaN", "json: unsupported value: NaN"),
        (b"x", "bytes", "json: unsupported type: bytes"),
    ],
)
def test_values_json_cannot_hold_are_refused_with_their_path(
    cluster: Cluster, value: Any, shown: str, detail: str
) -> None:
    assert refused(cluster, web_dict(resources={"x": value})) == (
        'The Deployment "web" is invalid: spec.template.spec.containers[0].resources.x: '
        f"Invalid value: {shown}: {detail}"
    )


def test_a_non_string_key_in_python_data_is_refused(cluster: Cluster) -> None:
    assert refused(cluster, web_dict(resources={1: "x"})) == (
        'The Deployment "web" is invalid: spec.template.spec.containers[0].resources: '
        "Invalid value: 1: json: unsupported type: map[int]interface {}"
    )


def _with_node_selector(selector: str) -> str:
    """The web Deployment with ``selector`` as its pods' nodeSelector, a map[string]string."""
    return web().replace(
        "    spec:\n      containers:",
        f"    spec:\n      nodeSelector: {selector}\n      containers:",
    )


def test_yaml_scalar_keys_become_strings_as_sigs_yaml_writes_them() -> None:
    c = Cluster()
    (deployment,) = c.apply(_with_node_selector("{1: a, true: b, 2.5: c}"))
    selector = deployment.spec.template.spec.extra["nodeSelector"]
    assert selector == {"1": "a", "true": "b", "2.5": "c"}


def test_a_yaml_set_is_a_mapping_of_nulls_as_go_yaml_reads_it() -> None:
    c = Cluster()
    (deployment,) = c.apply(_with_node_selector("!!set {a, b}"))
    assert deployment.spec.template.spec.extra["nodeSelector"] == {"a": None, "b": None}


def test_nan_in_yaml_is_json_marshals_error(cluster: Cluster) -> None:
    assert refused(cluster, web(resources="{x: .nan}")) == (
        "error converting YAML to JSON: json: unsupported value: NaN"
    )


def test_an_alias_bomb_is_refused_before_it_expands(cluster: Cluster) -> None:
    levels = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 9):
        items = ", ".join([f"*a{level - 1}"] * 9)
        levels.append(f"a{level}: &a{level} [{items}]")
    text = "\n".join(levels) + "\nx: *a8\n"
    assert refused(cluster, text) == (
        "error converting YAML to JSON: yaml: document contains excessive aliasing"
    )


def test_modest_aliasing_is_accepted() -> None:
    text = web(resources="&r {limits: {cpu: 1}}").replace(
        "        resources: &r", "        resources: &r"
    )
    text += "      - name: sidecar\n        image: envoy\n        resources: *r\n"
    (deployment,) = Cluster().apply(text)
    first, second = deployment.spec.template.spec.containers
    assert first.extra["resources"] == second.extra["resources"] == {"limits": {"cpu": 1}}


def test_the_alias_ratio_is_go_yamls() -> None:
    assert not alias_ratio_exceeded(1000, 999)
    assert alias_ratio_exceeded(1001, 995)
    assert not alias_ratio_exceeded(400_000, 390_000)
    assert alias_ratio_exceeded(4_000_000, 400_001)


def test_a_text_over_the_request_limit_is_refused_before_parsing(cluster: Cluster) -> None:
    many = ("---\n" + web()) * 20_000
    assert refused(cluster, many) == "Request entity too large: limit is 3145728"
    one_line = web(resources="[" + "1," * 2_000_000 + "1]")
    assert refused(cluster, one_line) == "Request entity too large: limit is 3145728"


def test_a_file_over_the_request_limit_is_refused(cluster: Cluster, tmp_path: Any) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(("---\n" + web()) * 20_000, encoding="utf-8")
    assert refused(cluster, str(path)) == "Request entity too large: limit is 3145728"


def test_a_file_that_is_not_utf8_is_a_yaml_error(cluster: Cluster, tmp_path: Any) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(web(image="caf\xe9").encode("latin-1"))
    assert refused(cluster, str(path)) == (
        f"error parsing {path}: error converting YAML to JSON: yaml: invalid leading UTF-8 octet"
    )


def test_a_document_over_etcds_object_limit_is_refused(cluster: Cluster) -> None:
    text = web() + "---\n" + web(image="x" * (2 * 1024 * 1024))
    assert refused(cluster, text) == (
        "etcdserver: request is too large (document 2 of 2, from line 18)"
    )


def test_duplicate_keys_are_go_yamls_unmarshal_errors(cluster: Cluster) -> None:
    text = web() + "  replicas: 3\n"
    assert refused(cluster, text) == (
        "error converting YAML to JSON: yaml: unmarshal errors:\n"
        '  line 17: mapping key "replicas" already defined at line 6'
    )


def test_merge_keys_are_not_duplicates() -> None:
    text = web(resources="{<<: {limits: {cpu: 2}, requests: {cpu: 2}}, requests: {cpu: 1}}")
    (deployment,) = Cluster().apply(text)
    resources = deployment.spec.template.spec.containers[0].extra["resources"]
    assert resources == {"limits": {"cpu": 2}, "requests": {"cpu": 1}}


def test_python_tags_are_still_refused(cluster: Cluster) -> None:
    assert refused(cluster, web(image="!!python/name:os.system ''")) == (
        "error converting YAML to JSON: yaml: line 15: could not determine a constructor "
        "for the tag 'tag:yaml.org,2002:python/name:os.system'"
    )


def test_an_object_of_an_unknown_type_is_a_validation_error(cluster: Cluster) -> None:
    class Gadget:
        kind = "Gadget"
        metadata = None

    assert refused(cluster, Gadget()) == "cannot apply an object of type Gadget"


def test_go_float_writes_numbers_as_encoding_json() -> None:
    assert [go_float(v) for v in (1e30, 2.5, 100.0, 1e20, 1.5e-7, 1e-5)] == [
        "1e+30",
        "2.5",
        "100",
        "100000000000000000000",
        "1.5e-7",
        "0.00001",
    ]


def test_jsonable_copies_tuples_as_lists_and_keeps_valid_data() -> None:
    plain, errors = jsonable({"a": (1, "x", None, True, 2.5)})
    assert errors == []
    assert plain == {"a": [1, "x", None, True, 2.5]}


def test_more_documents_than_rollsims_limit_are_refused_before_parsing(cluster: Cluster) -> None:
    text = ("---\n" + web()) * (MAX_DOCUMENTS + 1)
    assert refused(cluster, text) == (
        f"too many documents: {MAX_DOCUMENTS + 1} (rollsim's limit is {MAX_DOCUMENTS} per apply)"
    )
