"""The pods the user writes to the API server, run by the kubelet.

Mirrors pkg/kubelet/config/apiserver.go (``NewSourceApiserver``): the kubelet
watches the Pods bound to it. A Pod the user applies (a bare pod: no controller
made it) becomes a pod record, bound and started as any other; its labels and
spec follow later writes (an image changed restarts its container), and
deleting the object deletes the pod. Once the pod has finished terminating, the
object goes from the store too. The ReplicaSet controller's pods are never
written to the store, so this costs them nothing.
"""

from __future__ import annotations

from rollsim.api.core import Pod
from rollsim.kubelet.kubelet import Kubelet
from rollsim.pods import PodRecord
from rollsim.world.store import Store

__all__ = ["serve"]


def serve(kubelet: Kubelet, store: Store) -> None:
    """Have ``kubelet`` run the Pods written to ``store`` from now on."""

    def written(old: Pod | None, new: Pod | None) -> None:
        obj = new if new is not None else old
        assert obj is not None
        pod = kubelet.index.by_name.get((obj.metadata.namespace, obj.metadata.name))
        if new is None:
            if pod is not None:
                kubelet.terminate(pod)
        elif pod is None:
            kubelet.admit(new)
        elif old is not None:
            if old.spec != new.spec:
                kubelet.update_spec(pod, new.spec)
            if old.metadata.labels != new.metadata.labels:
                kubelet.relabel(pod, new.metadata.labels)

    def gone(pod: PodRecord) -> None:
        obj = store.get(Pod, pod.namespace, pod.name)
        if obj is not None and obj.metadata.uid == pod.uid:
            store.delete(Pod, pod.namespace, pod.name)

    store.on("Pod", written)
    kubelet.watch(None, gone)
