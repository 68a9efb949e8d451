"""API-server validation of Deployments: one test per rule, upstream's field path and text.

Every expected string below was transcribed from the upstream Kubernetes
source (read with the search tools, repository kubernetes/kubernetes), never
from rollsim's output:

* ``pkg/apis/apps/validation/validation.go`` - ``ValidateDeploymentSpec``,
  ``ValidateDeploymentStrategy``, ``ValidateRollingUpdateDeployment``,
  ``ValidatePositiveIntOrPercent``, ``IsNotMoreThan100Percent``,
  ``ValidatePodTemplateSpecForReplicaSet``.
* ``pkg/apis/core/validation/validation.go`` - ``validateContainers``,
  ``validateContainerCommon``, ``ValidateDNS1123Label``,
  ``validateReadinessProbe`` / ``validateLivenessProbe``.
* ``staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go`` -
  ``RegexError`` (note the double space it produces before `` or``),
  ``IsDNS1123Subdomain``, ``IsDNS1123Label``, ``IsValidPercent``,
  ``MaxLenError``.
* ``staging/src/k8s.io/apimachinery/pkg/api/validation/generic.go`` -
  ``IsNegativeErrorMsg``.
* ``staging/src/k8s.io/apimachinery/pkg/util/validation/field/errors.go`` -
  ``Error.Error()`` = ``<field>: <ErrorBody>``; ``ErrorBody`` prints no value
  for Required and Forbidden, ``%q`` for strings, ``%v`` for ints, ``String()``
  for a value whose pointer is a ``fmt.Stringer`` (``intstr.IntOrString``:
  ``0``, ``20Percent`` - unquoted, since kubernetes PR #109387) and ``%#v``
  for other structs and maps (``map[string]string{"app":"web"}``,
  ``v1.LabelSelector{...}``); Duplicate prints the value too.

kubectl prints ``The Deployment "web" is invalid: `` followed by those texts.
Where rollsim deviates, the test keeps upstream's text and is a strict xfail
naming the difference.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

import rollsim
from rollsim import ValidationError

# --- upstream message constants (sources in the module docstring) -------------

# apimachinery/pkg/api/validation/generic.go: IsNegativeErrorMsg
NEGATIVE = "must be greater than or equal to 0"

# apimachinery/pkg/util/validation/validation.go:
# RegexError(percentErrMsg, percentFmt, "1%", "93%"); each example is followed by
# "', " and the next one is preceded by " or ", hence the double space.
PERCENT = (
    "a valid percent string must be a numeric string followed by an ending '%' "
    "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"
)

# IsDNS1123Subdomain: RegexError(dns1123SubdomainErrorMsg, dns1123SubdomainFmt, "example.com")
SUBDOMAIN = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
    "'-' or '.', and must start and end with an alphanumeric character "
    r"(e.g. 'example.com', regex used for validation is "
    r"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)

# IsDNS1123Label: RegexError(dns1123LabelErrMsg, dns1123LabelFmt, "my-name", "123-abc")
LABEL = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character "
    "(e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)

# ValidatePodTemplateSpecForReplicaSet
SELECTOR_MISMATCH = "`selector` does not match template `labels`"
WEB_LABELS = 'map[string]string{"app":"web"}'

BASE: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web"},
    "spec": {
        "replicas": 3,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]},
        },
    },
}


def manifest() -> dict[str, Any]:
    return copy.deepcopy(BASE)


def pod_spec(doc: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = doc["spec"]["template"]["spec"]
    return spec


def rejected(doc: Any) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        rollsim.load(doc)
    return info.value


def problems(doc: Any) -> list[str]:
    """Each field error as ``field.Error.Error()`` would print it."""
    return [str(e) for e in rejected(doc).errors]


def with_rolling_update(**rolling_update: Any) -> dict[str, Any]:
    doc = manifest()
    doc["spec"]["strategy"] = {"type": "RollingUpdate", "rollingUpdate": rolling_update}
    return doc


def test_valid_manifest_is_accepted() -> None:
    [d] = rollsim.load(manifest())
    assert d.metadata.name == "web"


def test_validation_error_is_a_value_error_with_kubectl_text() -> None:
    doc = manifest()
    doc["spec"]["replicas"] = -1
    err = rejected(doc)
    assert isinstance(err, ValueError)
    # Shape seen in real kubectl output: The Deployment "<name>" is invalid: <field error>
    assert str(err) == (
        'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: ' + NEGATIVE
    )


def test_every_problem_is_listed_at_once() -> None:
    doc = manifest()
    doc["spec"]["replicas"] = -1
    pod_spec(doc)["containers"] = []
    doc["spec"]["strategy"] = {"type": "Recreate", "rollingUpdate": {"maxSurge": 1}}
    # ValidateDeploymentSpec order: replicas, selector/template, strategy.
    assert problems(doc) == [
        "spec.replicas: Invalid value: -1: " + NEGATIVE,
        "spec.template.spec.containers: Required value",
        "spec.strategy.rollingUpdate: Forbidden: "
        "may not be specified when strategy `type` is 'Recreate'",
    ]
    # kubectl's multi-error layout: header, then one "* " line per error.
    assert str(rejected(doc)).startswith('The Deployment "web" is invalid: \n* spec.replicas')


# --- spec.replicas --------------------------------------------------------------


def test_negative_replicas() -> None:
    doc = manifest()
    doc["spec"]["replicas"] = -1
    assert problems(doc) == ["spec.replicas: Invalid value: -1: " + NEGATIVE]


# --- spec.selector ----------------------------------------------------------------


def test_missing_selector_is_required_and_mismatches_the_template() -> None:
    # spec.Selector == nil -> field.Required; LabelSelectorAsSelector(nil) is
    # labels.Nothing(), which is not Empty() and matches nothing, so the
    # template check reports the mismatch as well.
    doc = manifest()
    del doc["spec"]["selector"]
    assert problems(doc) == [
        "spec.selector: Required value",
        f"spec.template.metadata.labels: Invalid value: {WEB_LABELS}: {SELECTOR_MISMATCH}",
    ]


def test_empty_selector_is_invalid_for_deployment() -> None:
    # An empty selector converts to labels.Everything(), which is Empty(), so no
    # template mismatch is reported; the value is a *metav1.LabelSelector (%#v).
    doc = manifest()
    doc["spec"]["selector"] = {}
    assert problems(doc) == [
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: "
        "empty selector is invalid for deployment",
    ]


def test_selector_not_matching_template_labels() -> None:
    doc = manifest()
    doc["spec"]["selector"] = {"matchLabels": {"app": "other"}}
    assert problems(doc) == [
        f"spec.template.metadata.labels: Invalid value: {WEB_LABELS}: {SELECTOR_MISMATCH}",
    ]


def test_selector_match_expressions_not_matching_template_labels() -> None:
    doc = manifest()
    doc["spec"]["selector"] = {
        "matchExpressions": [{"key": "app", "operator": "In", "values": ["api", "db"]}]
    }
    assert problems(doc) == [
        f"spec.template.metadata.labels: Invalid value: {WEB_LABELS}: {SELECTOR_MISMATCH}",
    ]


# --- spec.strategy.rollingUpdate --------------------------------------------------


@pytest.mark.parametrize("field", ["maxSurge", "maxUnavailable"])
def test_malformed_percent_message(field: str) -> None:
    # The field path and the RegexError text, double space included.
    other = "maxUnavailable" if field == "maxSurge" else "maxSurge"
    [error] = rejected(with_rolling_update(**{field: "20Percent", other: 1})).errors
    assert (error.type, error.field, error.detail) == (
        "Invalid value",
        f"spec.strategy.rollingUpdate.{field}",
        PERCENT,
    )


def test_malformed_percent_text() -> None:
    assert problems(with_rolling_update(maxSurge="20Percent", maxUnavailable=1)) == [
        "spec.strategy.rollingUpdate.maxSurge: Invalid value: 20Percent: " + PERCENT,
    ]


@pytest.mark.parametrize("field", ["maxSurge", "maxUnavailable"])
def test_negative_max_surge_or_unavailable(field: str) -> None:
    # ValidatePositiveIntOrPercent -> ValidateNonnegativeField(int64(IntValue()))
    other = "maxUnavailable" if field == "maxSurge" else "maxSurge"
    assert problems(with_rolling_update(**{field: -1, other: 1})) == [
        f"spec.strategy.rollingUpdate.{field}: Invalid value: -1: " + NEGATIVE,
    ]


def test_max_surge_and_max_unavailable_both_zero() -> None:
    assert problems(with_rolling_update(maxSurge=0, maxUnavailable=0)) == [
        "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: "
        "may not be 0 when `maxSurge` is 0",
    ]


def test_max_unavailable_zero_percent_and_max_surge_zero() -> None:
    assert problems(with_rolling_update(maxSurge=0, maxUnavailable="0%")) == [
        "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0%: "
        "may not be 0 when `maxSurge` is 0",
    ]


def test_zero_check_is_on_the_raw_value_not_the_rounded_one() -> None:
    # getIntOrPercentValue("1%") == 1: accepted, although 1% of 3 rounds down to 0
    # (reference 1.4).
    [d] = rollsim.load(with_rolling_update(maxSurge=0, maxUnavailable="1%"))
    assert d.spec.strategy.rolling_update.max_unavailable == "1%"


def test_max_unavailable_over_100_percent_message() -> None:
    [error] = rejected(with_rolling_update(maxSurge=1, maxUnavailable="101%")).errors
    assert (error.type, error.field, error.detail) == (
        "Invalid value",
        "spec.strategy.rollingUpdate.maxUnavailable",
        "must not be greater than 100%",
    )


def test_max_unavailable_over_100_percent_text() -> None:
    assert problems(with_rolling_update(maxSurge=1, maxUnavailable="101%")) == [
        "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 101%: "
        "must not be greater than 100%",
    ]


def test_max_surge_may_exceed_100_percent() -> None:
    # ValidateRollingUpdateDeployment only caps maxUnavailable.
    [d] = rollsim.load(with_rolling_update(maxSurge="200%", maxUnavailable=0))
    assert d.spec.strategy.rolling_update.max_surge == "200%"


def test_rolling_update_with_recreate_is_forbidden() -> None:
    doc = manifest()
    doc["spec"]["strategy"] = {"type": "Recreate", "rollingUpdate": {"maxSurge": 1}}
    assert problems(doc) == [
        "spec.strategy.rollingUpdate: Forbidden: "
        "may not be specified when strategy `type` is 'Recreate'",
    ]


def test_unsupported_strategy_type_detail() -> None:
    doc = manifest()
    doc["spec"]["strategy"] = {"type": "BlueGreen"}
    [error] = rejected(doc).errors
    assert (error.type, error.detail) == (
        "Unsupported value",
        'supported values: "Recreate", "RollingUpdate"',
    )


def test_unsupported_strategy_type_text() -> None:
    doc = manifest()
    doc["spec"]["strategy"] = {"type": "BlueGreen"}
    assert problems(doc) == [
        'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", '
        "RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: "
        'supported values: "Recreate", "RollingUpdate"',
    ]


# --- progressDeadlineSeconds ------------------------------------------------------


@pytest.mark.parametrize("deadline", [10, 5])
def test_progress_deadline_not_greater_than_min_ready_seconds(deadline: int) -> None:
    doc = manifest()
    doc["spec"]["minReadySeconds"] = 10
    doc["spec"]["progressDeadlineSeconds"] = deadline
    assert problems(doc) == [
        f"spec.progressDeadlineSeconds: Invalid value: {deadline}: "
        "must be greater than minReadySeconds",
    ]


def test_progress_deadline_greater_than_min_ready_seconds_is_accepted() -> None:
    doc = manifest()
    doc["spec"]["minReadySeconds"] = 10
    doc["spec"]["progressDeadlineSeconds"] = 11
    [d] = rollsim.load(doc)
    assert d.spec.progress_deadline_seconds == 11


# --- the pod template ---------------------------------------------------------------


def test_no_containers() -> None:
    doc = manifest()
    pod_spec(doc)["containers"] = []
    assert problems(doc) == ["spec.template.spec.containers: Required value"]


def test_container_without_name() -> None:
    doc = manifest()
    pod_spec(doc)["containers"] = [{"image": "nginx:1.27"}]
    assert problems(doc) == ["spec.template.spec.containers[0].name: Required value"]


def test_container_without_image() -> None:
    doc = manifest()
    pod_spec(doc)["containers"] = [{"name": "nginx"}]
    assert problems(doc) == ["spec.template.spec.containers[0].image: Required value"]


def test_whitespace_image_is_accepted_in_a_template() -> None:
    doc = manifest()
    pod_spec(doc)["containers"] = [{"name": "nginx", "image": " "}]
    rollsim.load(doc)


def test_duplicate_container_names_are_reported_on_the_second() -> None:
    doc = manifest()
    pod_spec(doc)["containers"] = [
        {"name": "nginx", "image": "nginx:1.27"},
        {"name": "nginx", "image": "nginx:1.25"},
    ]
    [error] = rejected(doc).errors
    assert (error.type, error.field) == ("Duplicate value", "spec.template.spec.containers[1].name")


def test_duplicate_container_names_text() -> None:
    doc = manifest()
    pod_spec(doc)["containers"] = [
        {"name": "nginx", "image": "nginx:1.27"},
        {"name": "nginx", "image": "nginx:1.25"},
    ]
    assert problems(doc) == ['spec.template.spec.containers[1].name: Duplicate value: "nginx"']


def test_invalid_object_name() -> None:
    doc = manifest()
    doc["metadata"]["name"] = "Web_App"
    assert problems(doc) == ['metadata.name: Invalid value: "Web_App": ' + SUBDOMAIN]


def test_object_name_longer_than_253_characters() -> None:
    doc = manifest()
    doc["metadata"]["name"] = "a" * 254
    # MaxLenError(253); the regex itself matches, so only the length is reported.
    assert problems(doc) == [
        f'metadata.name: Invalid value: "{"a" * 254}": must be no more than 253 characters'
    ]


def test_invalid_container_name() -> None:
    doc = manifest()
    pod_spec(doc)["containers"][0]["name"] = "Nginx_Web"
    assert problems(doc) == [
        'spec.template.spec.containers[0].name: Invalid value: "Nginx_Web": ' + LABEL
    ]


def test_container_name_longer_than_63_characters() -> None:
    doc = manifest()
    pod_spec(doc)["containers"][0]["name"] = "n" * 64
    assert problems(doc) == [
        f'spec.template.spec.containers[0].name: Invalid value: "{"n" * 64}": '
        "must be no more than 63 characters"
    ]


def test_container_name_with_dots() -> None:
    doc = manifest()
    pod_spec(doc)["containers"][0]["name"] = "nginx.web"
    assert problems(doc) == [
        'spec.template.spec.containers[0].name: Invalid value: "nginx.web": must not contain dots'
    ]


@pytest.mark.parametrize("policy", ["Never", "OnFailure"])
def test_restart_policy_other_than_always(policy: str) -> None:
    # Valid for a Pod (validateRestartPolicy), rejected by
    # ValidatePodTemplateSpecForReplicaSet with NotSupported.
    doc = manifest()
    pod_spec(doc)["restartPolicy"] = policy
    assert problems(doc) == [
        f'spec.template.spec.restartPolicy: Unsupported value: "{policy}": '
        'supported values: "Always"'
    ]


def test_readiness_probe_success_threshold_above_one_is_accepted() -> None:
    doc = manifest()
    pod_spec(doc)["containers"][0]["readinessProbe"] = {
        "httpGet": {"path": "/", "port": 80},
        "successThreshold": 3,
    }
    [d] = rollsim.load(doc)
    assert d.spec.template.spec.containers[0].readiness_probe.success_threshold == 3


def test_negative_probe_field() -> None:
    # validateProbe: ValidateNonnegativeField on each timing field.
    doc = manifest()
    pod_spec(doc)["containers"][0]["readinessProbe"] = {
        "httpGet": {"path": "/", "port": 80},
        "initialDelaySeconds": -5,
    }
    assert problems(doc) == [
        "spec.template.spec.containers[0].readinessProbe.initialDelaySeconds: "
        "Invalid value: -5: " + NEGATIVE
    ]
