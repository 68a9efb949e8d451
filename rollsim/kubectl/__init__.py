"""``kubectl`` against a simulated cluster: the same commands, the same text.

``run(cluster, "get deploy")`` returns what kubectl prints on stdout, or
raises ``KubectlError`` with kubectl's message and exit code. ``commands``
parses a command line and dispatches it; the verbs are grouped as kubectl's
pkg/cmd is: ``get`` (get, describe), ``write`` (apply, delete, patch, set,
scale, annotate), ``rollout`` and ``argo`` (the Argo Rollouts plugin), with
what they share in ``cmdutil``. ``printers`` and ``describe`` render objects
on ``tabwriter``'s columns.
"""

from rollsim.kubectl.cmdutil import KubectlError
from rollsim.kubectl.commands import run

__all__ = ["KubectlError", "run"]
