"""``kubectl annotate`` goes to the server as a merge patch (annotate.go), so the API
server's ``ValidateAnnotations`` holds: keys are qualified names, 256 KiB in all."""

from __future__ import annotations

from pathlib import Path

import pytest

import rollsim

DEPLOYMENT = Path(__file__).resolve().parents[2] / "examples" / "ngx-dep-v1.yaml"
NAME_PART = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
    "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)


@pytest.fixture
def cluster() -> rollsim.Cluster:
    c = rollsim.Cluster()
    c.apply(DEPLOYMENT)
    c.run(until=60)  # settled: the controllers write nothing more on their own
    return c


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("a b", f'"a b": {NAME_PART}'),
        ("/x", '"/x": prefix part must be non-empty'),
        (
            "example.com/",
            f'"example.com/": name part must be non-empty; "example.com/": {NAME_PART}',
        ),
    ],
)
def test_an_annotation_key_that_is_no_qualified_name_is_refused(
    cluster: rollsim.Cluster, key: str, problem: str
) -> None:
    before = cluster.get("deploy/ngx-dep")
    with pytest.raises(rollsim.KubectlError) as refused:
        cluster.kubectl(f"annotate deploy ngx-dep '{key}=v'")
    messages = [f"metadata.annotations: Invalid value: {p}" for p in problem.split("; ")]
    text = str(refused.value)
    assert text.startswith('The Deployment "ngx-dep" is invalid: ')
    for message in messages:
        assert message in text
    assert cluster.get("deploy/ngx-dep") == before


def test_annotations_past_256_kib_are_refused(cluster: rollsim.Cluster) -> None:
    with pytest.raises(rollsim.KubectlError, match="Too long: must have at most 262144 bytes"):
        cluster.kubectl("annotate deploy ngx-dep big=" + "x" * 262144)


def test_a_valid_key_is_written_and_removed(cluster: rollsim.Cluster) -> None:
    assert cluster.kubectl("annotate deploy ngx-dep Example.COM/Team=a") == (
        "deployment.apps/ngx-dep annotated\n"
    )
    assert cluster.get("deploy/ngx-dep").metadata.annotations["Example.COM/Team"] == "a"
    cluster.kubectl("annotate deploy ngx-dep Example.COM/Team-")
    assert "Example.COM/Team" not in cluster.get("deploy/ngx-dep").metadata.annotations
