"""Hypothesis profiles for the property suite, chosen by ``HYPOTHESIS_PROFILE``.

- ``default``: a quick local run.
- ``ci`` (what .ci/run selects): bounded so the whole property suite runs in
  about a minute on 2 cores, still thousands of examples in all.
- ``thorough``: ten times ``ci``, for hunting rare interleavings.

Tests size their budgets with ``support.budget(factor)``: ``factor`` times
the profile's ``max_examples``, so one switch scales the whole suite. No example
database is kept: a failure is reproduced from the printed counterexample.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

_COMMON = {
    # No "explain" phase: its line tracing costs more than the simulations.
    "phases": (Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink),
    "deadline": None,
    "database": None,
    "suppress_health_check": (HealthCheck.too_slow, HealthCheck.data_too_large),
    "print_blob": True,
}

settings.register_profile("default", max_examples=40, stateful_step_count=20, **_COMMON)
settings.register_profile("ci", max_examples=100, stateful_step_count=25, **_COMMON)
settings.register_profile("thorough", max_examples=1000, stateful_step_count=50, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
