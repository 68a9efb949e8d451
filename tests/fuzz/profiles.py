"""Example budgets of the fuzz suite, chosen by ``HYPOTHESIS_PROFILE``.

The fuzz tests carry their own ``settings`` (``budget(name)``), so the
property suite's profiles are left as they are: under ``default`` and ``ci``
the whole fuzz suite stays under about a minute of CPU (each case forks a
child, ~0.1 s), and under ``fuzz`` it runs fifty times as many cases and
shrinks what it finds. ``fuzz`` is also registered as a Hypothesis profile so
that the property conftest can load it when the whole tree runs under it.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
_LONG = PROFILE in ("fuzz", "thorough")
#: Examples per test under ``default``/``ci``; ``fuzz`` multiplies them.
_EXAMPLES = {"manifests": 12, "kubectl": 12}
_FACTOR = 50 if _LONG else 1

settings.register_profile(
    "fuzz",
    max_examples=1000,
    stateful_step_count=50,
    deadline=None,
    database=None,
    suppress_health_check=(HealthCheck.too_slow, HealthCheck.data_too_large),
)


def budget(kind: str) -> settings:
    """Settings for one fuzz test: its example count, no deadline (a case may take up
    to the hang limit) and, outside the long profile, no shrinking: a found defect
    is printed as drawn, and its minimal form is what the corpus keeps."""
    phases = (Phase.explicit, Phase.reuse, Phase.generate)
    return settings(
        max_examples=_EXAMPLES[kind] * _FACTOR,
        deadline=None,
        database=None,
        phases=(*phases, Phase.shrink) if _LONG else phases,
        suppress_health_check=(
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ),
        print_blob=True,
    )
