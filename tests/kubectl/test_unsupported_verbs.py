"""A kubectl verb rollsim does not simulate says so; a typo stays cobra's unknown command."""

from __future__ import annotations

import pytest

from rollsim import Cluster, KubectlError
from rollsim.kubectl.commands import _VERBS
from rollsim.kubectl.unsupported import NOT_SIMULATED_VERBS


def test_no_verb_is_both_run_and_refused() -> None:
    assert NOT_SIMULATED_VERBS.isdisjoint(_VERBS)


@pytest.mark.parametrize("verb", sorted(NOT_SIMULATED_VERBS))
def test_not_simulated(verb: str) -> None:
    with pytest.raises(KubectlError) as caught:
        Cluster().kubectl(f"{verb} something")
    assert (caught.value.message, caught.value.exit_code) == (
        f"error: rollsim does not simulate `kubectl {verb}`",
        1,
    )


def test_a_typo_is_an_unknown_command() -> None:
    with pytest.raises(KubectlError) as caught:
        Cluster().kubectl("gte pods")
    assert caught.value.message == 'error: unknown command "gte" for "kubectl"'


def test_create_subcommands_are_not_simulated() -> None:
    with pytest.raises(KubectlError) as caught:
        Cluster().kubectl("create deployment web --image=nginx")
    assert caught.value.message == (
        "error: rollsim does not simulate `kubectl create deployment`: write the object in "
        "a manifest and pass it with -f"
    )


def test_api_resources_lists_the_registry() -> None:
    """apiresources.go: NAME SHORTNAMES APIVERSION NAMESPACED KIND, by group then name."""
    lines = Cluster().kubectl("api-resources").splitlines()
    header = lines[0].split()
    assert header == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert rows["deployments"] == ["deployments", "deploy", "apps/v1", "true", "Deployment"]
    assert rows["namespaces"] == ["namespaces", "ns", "v1", "false", "Namespace"]
    names = [line.split()[0] for line in lines[1:]]
    assert names.index("pods") < names.index("deployments") < names.index("rollouts")


def test_version_client() -> None:
    assert Cluster().kubectl("version --client") == "Client Version: v1.34.0\n"
