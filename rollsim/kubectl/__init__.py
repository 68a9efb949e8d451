"""``kubectl`` against a simulated cluster: the same commands, the same text.

``run(cluster, "get deploy")`` returns what kubectl prints on stdout, or
raises ``KubectlError`` with kubectl's message and exit code. ``commands``
parses and dispatches the verbs; ``printers``, ``describe``, ``rollout`` and
``argo`` render what they print, on ``tabwriter``'s columns.
"""

from rollsim.kubectl.commands import KubectlError, run

__all__ = ["KubectlError", "run"]
