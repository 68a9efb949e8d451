"""``kubectl get -o name|jsonpath|custom-columns``, ``--show-labels``, ``--label-columns``,
``--no-headers`` (issue 12, item 4), on Flagger's podinfo Deployment and HPA
(``tests/manifests/flagger/kustomize/podinfo``, unchanged).

JSONPath is client-go's dialect (util/jsonpath): ``[*]``, ``range``/``end``,
filters, quoted literals; kubectl allows missing keys.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import rollsim
from rollsim.kubectl.jsonpath import JSONPathError, parse

PODINFO = Path(__file__).parent.parent / "manifests" / "flagger" / "kustomize" / "podinfo"


@pytest.fixture(scope="module")
def cluster() -> rollsim.Cluster:
    c = rollsim.Cluster(seed=0)
    c.apply(str(PODINFO / "deployment.yaml"))
    c.apply(str(PODINFO / "hpa.yaml"))
    c.run(until=60)
    return c


def test_name_output_over_several_kinds(cluster: rollsim.Cluster) -> None:
    assert cluster.kubectl("get deploy,hpa -o name") == (
        "deployment.apps/podinfo\nhorizontalpodautoscaler.autoscaling/podinfo\n"
    )


def test_jsonpath_over_a_list(cluster: rollsim.Cluster) -> None:
    assert cluster.kubectl("get deploy,hpa -o jsonpath={.items[*].kind}") == (
        "Deployment HorizontalPodAutoscaler"
    )


def test_jsonpath_range_and_quoted_newline(cluster: rollsim.Cluster) -> None:
    command = """get deploy,hpa -o jsonpath='{range .items[*]}{.metadata.name}{"\\n"}{end}'"""
    assert cluster.kubectl(command) == "podinfo\npodinfo\n"


def test_jsonpath_filter_on_a_single_object(cluster: rollsim.Cluster) -> None:
    path = '{.status.conditions[?(@.type=="Available")].status}'
    assert cluster.kubectl(f"get deploy podinfo -o jsonpath='{path}'") == "True"


def test_jsonpath_missing_key_prints_nothing(cluster: rollsim.Cluster) -> None:
    assert cluster.kubectl("get deploy podinfo -o jsonpath={.status.nothing}") == ""


def test_jsonpath_parse_error_is_kubectls() -> None:
    with pytest.raises(JSONPathError, match="unclosed action"):
        parse("{.items[*]")


def test_custom_columns(cluster: rollsim.Cluster) -> None:
    spec = "NAME:.metadata.name,MAX:.spec.maxReplicas,MISSING:.status.nope"
    assert cluster.kubectl(f"get hpa -o custom-columns={spec}") == (
        "NAME      MAX   MISSING\npodinfo   4     <none>\n"
    )
    assert cluster.kubectl(f"get hpa -o custom-columns={spec} --no-headers") == (
        "podinfo   4     <none>\n"
    )


def test_custom_columns_spec_without_a_path_is_refused(cluster: rollsim.Cluster) -> None:
    with pytest.raises(rollsim.KubectlError) as raised:
        cluster.kubectl("get hpa -o custom-columns=NAME")
    assert raised.value.message == (
        "error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>"
    )


def test_show_labels_and_label_columns(cluster: rollsim.Cluster) -> None:
    assert cluster.kubectl("get deploy --show-labels") == (
        "NAME      READY   UP-TO-DATE   AVAILABLE   AGE   LABELS\n"
        "podinfo   1/1     1            1           60s   app=podinfo\n"
    )
    assert cluster.kubectl("get deploy --label-columns=app,app.kubernetes.io/tier") == (
        "NAME      READY   UP-TO-DATE   AVAILABLE   AGE   APP       TIER\n"
        "podinfo   1/1     1            1           60s   podinfo   \n"
    )


def test_no_headers_drops_the_header_and_the_blank_line(cluster: rollsim.Cluster) -> None:
    assert cluster.kubectl("get deploy,hpa --no-headers") == (
        "deployment.apps/podinfo   1/1   1     1     60s\n"
        "horizontalpodautoscaler.autoscaling/podinfo   Deployment/podinfo   cpu: <unknown>/99%"
        "   2     4     0     60s\n"
    )


def test_an_unknown_output_lists_kubectls_formats(cluster: rollsim.Cluster) -> None:
    with pytest.raises(rollsim.KubectlError) as raised:
        cluster.kubectl("get deploy -o table")
    assert raised.value.message == (
        'error: unable to match a printer suitable for the output format "table", allowed '
        "formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,"
        "jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"
    )


def test_a_format_rollsim_does_not_print_says_so(cluster: rollsim.Cluster) -> None:
    with pytest.raises(rollsim.KubectlError) as raised:
        cluster.kubectl("get deploy -o go-template={{.kind}}")
    assert raised.value.message == "error: rollsim does not simulate `kubectl get -o go-template`"


def test_label_columns_by_shorthand_and_repeated() -> None:
    """``-L`` is ``--label-columns``, a StringSlice: each use adds columns, in order."""
    c = rollsim.Cluster()
    c.apply(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, labels: {app: web, tier: fe}}\n"
    )
    assert c.kubectl("get cm -L tier -L app") == (
        "NAME   DATA   AGE   TIER   APP\ncfg    0      0s    fe     web\n"
    )
