"""Manifests given as Python data meet the limits YAML text does: the document
count, the request body size (a list shared a million times), and an empty
``!!int`` in text is go-yaml's decode error, not an IndexError."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rollsim
from rollsim.api.limits import MAX_DOCUMENTS, json_size_at_least

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-9, 9) | st.text(alphabet="aé", max_size=4),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(alphabet="ab", max_size=3), inner, max_size=4)
    ),
    max_leaves=20,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ngx-dep-v1.yaml"


def deployment(name: str, **container: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "selector": {"matchLabels": {"app": "w"}},
            "template": {
                "metadata": {"labels": {"app": "w"}},
                "spec": {"containers": [{"name": "a", "image": "i", **container}]},
            },
        },
    }


def refused(cluster: rollsim.Cluster, source: Any, seconds: float = 1.0) -> str:
    started = time.perf_counter()
    with pytest.raises(rollsim.ValidationError) as caught:
        cluster.apply(source)
    assert time.perf_counter() - started < seconds
    assert cluster.list("Deployment") == [] and cluster.events == []
    return str(caught.value)


def test_too_many_documents_as_dicts_are_refused_before_any_is_decoded() -> None:
    docs = [deployment(f"w{i}") for i in range(MAX_DOCUMENTS + 1)]
    assert refused(rollsim.Cluster(), docs) == (
        f"too many documents: {MAX_DOCUMENTS + 1} (rollsim's limit is {MAX_DOCUMENTS} per apply)"
    )


def test_a_list_shared_a_million_times_is_a_body_too_large() -> None:
    shared = ["x"] * 1000
    source = deployment("w", args=[shared] * 1000)
    # Measured once per distinct list, before anything is copied.
    assert refused(rollsim.Cluster(), source) == ("Request entity too large: limit is 3145728")


def test_an_empty_int_tag_is_go_yamls_decode_error() -> None:
    text = EXAMPLE.read_text().replace("name: ngx-dep\n", "name: !!int\n", 1)
    assert refused(rollsim.Cluster(), text) == (
        "error converting YAML to JSON: yaml: cannot decode !!null `` as a !!int"
    )


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(JSON)
def test_the_size_estimate_never_exceeds_what_json_writes(document: Any) -> None:
    written = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    assert json_size_at_least(document) <= len(written)


def test_a_list_shared_exponentially_is_measured_by_its_expansion() -> None:
    shared: list[Any] = [1]
    for _ in range(60):
        shared = [shared, shared]
    assert json_size_at_least(shared) > 2**60
