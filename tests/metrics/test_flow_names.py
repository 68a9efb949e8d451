"""A flow's Timeline columns are under its name, so names are unique per cluster."""

from __future__ import annotations

import pytest

import rollsim


def test_a_second_flow_of_the_same_name_is_refused_before_it_binds() -> None:
    c = rollsim.Cluster()
    c.add_traffic(rollsim.Traffic(rps=10, service="web", name="beta"))
    events = len(c.events)
    with pytest.raises(rollsim.ValidationError) as raised:
        c.add_traffic(rollsim.Traffic(rps=10, service="web", name="beta"))
    assert 'name: Invalid value: "beta": a traffic flow of this name was already added' in str(
        raised.value
    )
    # Nothing of the refused flow was bound: no TrafficUnbound event, one flow counted.
    assert len(c.events) == events and len(c.recorder.flows) == 1
