"""``kubectl describe`` for the core kinds around workloads: Services, ConfigMaps and
Namespaces.

Mirrors pkg/describe/describe.go (kubectl v0.34.10): ``describeService`` (type, IPs,
ports with their endpoints, session affinity), ``ConfigMapDescriber`` (each key, a
``====`` rule, its value) and ``describeNamespace`` (status, no quota, no LimitRange).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rollsim.kubectl.cmdutil import Kubectl
from rollsim.kubectl.describe import Settings

__all__ = ["SERVICE_DESCRIBERS"]

#: (group, kind) to the describers of this module.
SERVICE_DESCRIBERS: dict[tuple[str, str], Callable[[Kubectl, Any, Settings], str]] = {}
