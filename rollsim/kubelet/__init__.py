"""The kubelet: pods from creation to gone, their probes, hooks and termination.

``kubelet.py`` drives each pod's lifecycle (pkg/kubelet's pod workers and
``kuberuntime``), ``prober.py`` the probe workers (pkg/kubelet/prober),
``lifecycle.py`` how a container is stopped (``killContainer``) and restarted,
``source.py`` the bare pods written to the API server, and ``status.py`` the
Pod the API server would return.
"""

from rollsim.kubelet.kubelet import NODE_NAME, Kubelet

__all__ = ["NODE_NAME", "Kubelet"]
