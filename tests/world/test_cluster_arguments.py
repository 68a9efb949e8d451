"""Cluster's own arguments are refused by name, before NumPy or the clock meet them."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import rollsim


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"seed": -1}, "seed: Invalid value: -1: must be a non-negative integer"),
        ({"seed": 1.5}, "seed: Invalid value: 1.5: must be a non-negative integer"),
        ({"seed": True}, "seed: Invalid value: true: must be a non-negative integer"),
        ({"latency": -1}, "latency: Invalid value: -1: must be >= 0"),
        ({"latency": float("inf")}, "latency: Invalid value: inf: must be a finite number"),
        (
            {"latency": {"deployment": float("nan")}},
            "latency[deployment]: Invalid value: nan: must be a finite number",
        ),
        ({"max_pods": -1}, "max_pods: Invalid value: -1: must be a non-negative integer"),
    ],
)
def test_bad_arguments_name_themselves(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(rollsim.ValidationError) as refused:
        rollsim.Cluster(**arguments)
    assert str(refused.value) == f"Invalid Cluster arguments: {message}"


def test_a_numpy_integer_seed_is_a_seed() -> None:
    plain = rollsim.Cluster(seed=7)
    numpy = rollsim.Cluster(seed=np.int64(7))  # type: ignore[arg-type]
    assert plain.random.names.integers(1 << 30) == numpy.random.names.integers(1 << 30)
