"""kubectl's verbs beyond rollsim's model, and the two cheap ones that read discovery.

A real kubectl verb rollsim does not simulate (``port-forward``, ``exec``,
``logs``...) fails saying so, distinct from a typo, which keeps cobra's
``unknown command`` (``NewKubectlCommand``'s command list, 1.34, tells them
apart). ``api-resources`` lists the kinds the cluster serves as
pkg/cmd/apiresources prints them; ``version --client`` names the kubectl release
whose words rollsim follows.
"""

from __future__ import annotations

from rollsim.api.kinds import KINDS
from rollsim.kubectl.cmdutil import Args, Kubectl, KubectlError
from rollsim.kubectl.tabwriter import tabwrite

__all__ = ["CLIENT_VERSION", "NOT_SIMULATED_VERBS", "api_resources", "unknown_verb", "version"]

#: The kubectl release whose messages, columns and defaults rollsim follows.
CLIENT_VERSION = "v1.34.0"

#: kubectl 1.34's commands (``kubectl --help``) that rollsim has no model for: no
#: containers to attach to, no nodes to drain, no network to forward.
NOT_SIMULATED_VERBS = frozenset(
    {
        "alpha",
        "api-versions",
        "attach",
        "auth",
        "autoscale",
        "certificate",
        "cluster-info",
        "completion",
        "config",
        "cordon",
        "cp",
        "debug",
        "diff",
        "drain",
        "edit",
        "events",
        "exec",
        "explain",
        "expose",
        "logs",
        "options",
        "plugin",
        "port-forward",
        "proxy",
        "replace",
        "run",
        "taint",
        "top",
        "uncordon",
    }
)


def unknown_verb(verb: str) -> KubectlError:
    """The failure for a verb rollsim has no handler for: a kubectl verb it does not
    simulate says so; anything else is cobra's unknown command."""
    if verb in NOT_SIMULATED_VERBS:
        return KubectlError(f"error: rollsim does not simulate `kubectl {verb}`")
    return KubectlError(f'error: unknown command "{verb}" for "kubectl"')


def api_resources(k: Kubectl, args: Args) -> str:
    """``kubectl api-resources``: every kind served, the custom ones learned included,
    sorted by group then name (``sortableResource``), in the table
    ``printContextHeaders`` heads (NAME SHORTNAMES APIVERSION NAMESPACED KIND)."""
    if args.positional:
        raise KubectlError(f"error: unexpected arguments: {args.positional}")
    discovery = k.cluster.store.discovery
    kinds = {**KINDS, **{info.store_key: info for info in discovery.learned()}}
    namespaced = args.flags.get("namespaced")
    rows = ["NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND\n"]
    for info in sorted(kinds.values(), key=lambda i: (i.group, i.plural)):
        if namespaced is not None and str(info.namespaced).lower() != namespaced:
            continue
        shown = "true" if info.namespaced else "false"
        rows.append(
            f"{info.plural}\t{','.join(info.short_names)}\t{info.api_version}\t{shown}\t"
            f"{info.kind}\n"
        )
    return tabwrite("".join(rows), 6, 3)


def version(k: Kubectl, args: Args) -> str:
    """``kubectl version --client``: the release rollsim follows. Without ``--client``
    kubectl asks the server too; rollsim's server is the simulation itself."""
    if args.flags.get("client") not in ("true", None) or args.positional:
        raise KubectlError("error: rollsim supports `kubectl version --client`")
    if args.flags.get("client") is None:
        raise KubectlError(
            "error: rollsim does not simulate an API server version; use `kubectl version --client`"
        )
    return f"Client Version: {CLIENT_VERSION}\n"
