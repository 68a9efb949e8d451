"""``kubectl patch --type json|strategic|merge`` and the patch functions behind it.

Cases marked "patch_test.go" are transcribed from upstream's own tables:
evanphx/json-patch v4 ``patch_test.go`` (``Cases`` and ``MutationTestCases``) and
apimachinery pkg/util/strategicpatch ``patch_test.go`` (``mergeItemStructSchema``
cases, with its ``mergingList`` read as a container list merged by ``name``).
"""

from __future__ import annotations

from typing import Any

import pytest

from rollsim import KubectlError
from rollsim.verbs.patch import PatchError, json_patch, patched_document, strategic_merge_patch

from .support import one_revision

#: evanphx/json-patch v4 patch_test.go ``Cases``: document, patch, result.
JSON_PATCH_CASES: list[tuple[Any, list[dict[str, Any]], Any]] = [
    ({"foo": "bar"}, [{"op": "add", "path": "/baz", "value": "qux"}], {"baz": "qux", "foo": "bar"}),
    (
        {"foo": ["bar", "baz"]},
        [{"op": "add", "path": "/foo/1", "value": "qux"}],
        {"foo": ["bar", "qux", "baz"]},
    ),
    ({"baz": "qux", "foo": "bar"}, [{"op": "remove", "path": "/baz"}], {"foo": "bar"}),
    ({"foo": ["bar", "qux", "baz"]}, [{"op": "remove", "path": "/foo/1"}], {"foo": ["bar", "baz"]}),
    (
        {"baz": "qux", "foo": "bar"},
        [{"op": "replace", "path": "/baz", "value": "boo"}],
        {"baz": "boo", "foo": "bar"},
    ),
    (
        {"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}},
        [{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}],
        {"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}},
    ),
    (
        {"foo": ["all", "grass", "cows", "eat"]},
        [{"op": "move", "from": "/foo/1", "path": "/foo/3"}],
        {"foo": ["all", "cows", "eat", "grass"]},
    ),
    ({"foo": ["bar"]}, [{"op": "add", "path": "/foo/-", "value": ["abc", "def"]}],
     {"foo": ["bar", ["abc", "def"]]}),
    ({"foo": "bar"}, [{"op": "add", "path": "/child", "value": {"grandchild": {}}}],
     {"foo": "bar", "child": {"grandchild": {}}}),
    ({"foo": ["bar"]}, [{"op": "copy", "path": "/foo/0", "from": "/foo"}],
     {"foo": [["bar"], "bar"]}),
    ({"foo": "bar"}, [{"op": "add", "path": "/foo~1bar", "value": "x"}],
     {"foo": "bar", "foo/bar": "x"}),
    ({"~a": 1}, [{"op": "test", "path": "/~0a", "value": 1}], {"~a": 1}),
]  # fmt: skip

#: evanphx/json-patch v4 patch_test.go ``BadCases``: each fails to apply.
JSON_PATCH_BAD_CASES: list[tuple[Any, list[dict[str, Any]], str]] = [
    ({"foo": "bar"}, [{"op": "add", "path": "/baz/bat", "value": "qux"}],
     "add operation does not apply: doc is missing path: /baz/bat"),
    ({"a": {"b": {"d": 1}}}, [{"op": "remove", "path": "/a/b/c"}],
     "remove operation does not apply: doc is missing key: /a/b/c"),
    ({"a": {"b": {"d": 1}}}, [{"op": "move", "from": "/a/b/c", "path": "/a/b/e"}],
     "move operation does not apply: doc is missing key: /a/b/c"),
    ({"a": {"b": [1]}}, [{"op": "remove", "path": "/a/b/1"}],
     "remove operation: Unable to access invalid index: 1"),
    ({"foo": ["bar"]}, [{"op": "add", "path": "/foo/2", "value": "x"}],
     "add operation: Unable to access invalid index: 2"),
    ({"baz": "qux"}, [{"op": "test", "path": "/baz", "value": "bar"}],
     "testing value /baz failed: test failed"),
    ({"foo": "bar"}, [{"op": "spam", "path": "/foo"}], "Unexpected kind: spam"),
]  # fmt: skip


@pytest.mark.parametrize(("document", "patch", "result"), JSON_PATCH_CASES)
def test_json_patch_upstream_cases(document: Any, patch: list[dict[str, Any]], result: Any) -> None:
    assert json_patch(document, patch) == result


@pytest.mark.parametrize(("document", "patch", "reason"), JSON_PATCH_BAD_CASES)
def test_json_patch_upstream_bad_cases(
    document: Any, patch: list[dict[str, Any]], reason: str
) -> None:
    before = repr(document)
    with pytest.raises(PatchError) as caught:
        json_patch(document, patch)
    assert caught.value.reason == reason
    assert str(caught.value) == (
        "The request is invalid: the server rejected our request due to an error in our request"
    )
    assert repr(document) == before


def containers(*items: dict[str, Any]) -> dict[str, Any]:
    return {"spec": {"template": {"spec": {"containers": list(items)}}}}


def test_strategic_merge_lists_by_merge_key() -> None:
    """patch_test.go "Merge list of maps by name" and "Add element to merging list"
    (a new item goes first, as ``mergeSortedSlice`` places it)."""
    live = containers({"name": "1", "value": 1}, {"name": "2", "value": 2})
    merged = strategic_merge_patch(live, containers({"name": "2", "other": "b"}), "Deployment")
    assert merged == containers({"name": "1", "value": 1}, {"name": "2", "value": 2, "other": "b"})
    added = strategic_merge_patch(live, containers({"name": "3", "value": 3}), "Deployment")
    assert [c["name"] for c in added["spec"]["template"]["spec"]["containers"]] == ["3", "1", "2"]


def test_strategic_merge_directives() -> None:
    """patch_test.go "Delete one item from merging list", "Replace list" and
    ``$deleteFromPrimitiveList``; ``null`` deletes a key."""
    live = containers({"name": "1", "value": 1}, {"name": "2", "value": 2})
    deleted = strategic_merge_patch(
        live, containers({"name": "1", "$patch": "delete"}), "Deployment"
    )
    replaced = strategic_merge_patch(
        live, containers({"name": "3"}, {"$patch": "replace"}), "Deployment"
    )
    assert deleted == containers({"name": "2", "value": 2})
    assert replaced == containers({"name": "3"})
    finalizers = {"metadata": {"finalizers": ["a", "b", "c"], "labels": {"x": "1"}}}
    patch = {"metadata": {"$deleteFromPrimitiveList/finalizers": ["b"], "labels": {"x": None}}}
    assert strategic_merge_patch(finalizers, patch, "Deployment") == {
        "metadata": {"finalizers": ["a", "c"], "labels": {}}
    }
    whole = strategic_merge_patch(
        {"spec": {"a": 1, "b": 2}}, {"spec": {"$patch": "replace", "c": 3}}, "Service"
    )
    assert whole == {"spec": {"c": 3}}


def test_strategic_pod_spec_deletes_by_name_on_a_pod() -> None:
    live = {"spec": {"containers": [{"name": "a"}, {"name": "b"}]}}
    patch = {"spec": {"containers": [{"name": "a", "$patch": "delete"}]}}
    assert strategic_merge_patch(live, patch, "Pod") == {"spec": {"containers": [{"name": "b"}]}}


def test_kubectl_patch_json_and_strategic_on_a_deployment() -> None:
    cluster = one_revision("web")
    json_op = '[{"op":"replace","path":"/spec/replicas","value":3}]'
    assert cluster.kubectl(f"patch deployment web --type=json -p '{json_op}'") == (
        "deployment.apps/web patched\n"
    )
    assert cluster.get("Deployment", "web").spec.replicas == 3
    sidecar = '{"spec":{"template":{"spec":{"containers":[{"name":"log","image":"busybox:1"}]}}}}'
    assert (
        cluster.kubectl(f"patch deployment web -p '{sidecar}'") == "deployment.apps/web patched\n"
    )
    names = cluster.kubectl("get deploy web -o jsonpath={.spec.template.spec.containers[*].name}")
    assert names == "log nginx"
    assert cluster.kubectl(f"patch deployment web -p '{sidecar}'") == (
        "deployment.apps/web patched (no change)\n"
    )


def test_kubectl_patch_json_failures_as_kubectl_prints_them() -> None:
    cluster = one_revision("web")
    with pytest.raises(KubectlError) as missing:
        cluster.kubectl(
            """patch deployment web --type json -p '[{"op":"remove","path":"/spec/x"}]'"""
        )
    assert str(missing.value) == (
        "The request is invalid: the server rejected our request due to an error in our request"
    )
    with pytest.raises(KubectlError) as not_a_list:
        cluster.kubectl("""patch deployment web --type json -p '{"spec":{}}'""")
    assert str(not_a_list.value) == (
        "Error from server (BadRequest): json: cannot unmarshal object into Go value of type "
        "jsonpatch.Patch"
    )
    with pytest.raises(KubectlError) as bad_type:
        cluster.kubectl("patch deployment web --type yaml -p '{}'")
    assert str(bad_type.value) == 'error: --type must be one of [json merge strategic], not "yaml"'


def test_strategic_patch_of_a_custom_resource_is_refused_as_kubectl_prints_it() -> None:
    """The CRD handler serves no strategic merge patch (415), and ``RunPatch`` wraps it
    as ``%s is not supported by %s: %w``."""
    with pytest.raises(PatchError) as caught:
        patched_document({}, {"spec": {}}, "strategic", "argoproj.io/v1alpha1", "Rollout")
    assert str(caught.value) == (
        "application/strategic-merge-patch+json is not supported by "
        "argoproj.io/v1alpha1, Kind=Rollout: the body of the request was in an unknown format "
        "- accepted media types include: application/json-patch+json, "
        "application/merge-patch+json, application/apply-patch+yaml"
    )
