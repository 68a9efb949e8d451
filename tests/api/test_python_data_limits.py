"""Manifests given as Python data meet the limits YAML text does: the document
count, the request body size (a list shared a million times), and an empty
``!!int`` in text is go-yaml's decode error, not an IndexError."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

import rollsim
from rollsim.api.limits import MAX_DOCUMENTS

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
    # Bounded by the 3 MiB it may expand to, not by the 10^6 strings it names.
    assert refused(rollsim.Cluster(), source, seconds=5.0) == (
        "Request entity too large: limit is 3145728"
    )


def test_an_empty_int_tag_is_go_yamls_decode_error() -> None:
    text = EXAMPLE.read_text().replace("name: ngx-dep\n", "name: !!int\n", 1)
    assert refused(rollsim.Cluster(), text) == (
        "error converting YAML to JSON: yaml: cannot decode !!null `` as a !!int"
    )
