"""Determinism: the same inputs and seed give the same run, bit for bit.

``digest`` condenses everything observable about a cluster into one hash;
``determinism`` builds the same cluster several times and compares digests.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from rollsim.api.kinds import workloads
from rollsim.api.manifest import to_dict
from rollsim.testing.observe import Violation

if TYPE_CHECKING:
    from rollsim.cluster import Cluster

__all__ = ["determinism", "digest"]


def _hash_array(h: Any, name: str, data: Any) -> None:
    """Feed a named timeline column to ``h``, as float64 bytes (exact, not printed)."""
    h.update(name.encode())
    h.update(np.ascontiguousarray(data, dtype=np.float64).tobytes())


def digest(cluster: Cluster) -> str:
    """A SHA-256 of everything observable: every event, every workload's timeline
    (all columns, per ReplicaSet too, bit for bit) and every stored object.
    Same inputs and seed must give the same digest."""
    h = hashlib.sha256()
    cluster.run(cluster.now)
    for event in cluster.events:
        h.update(repr(tuple(event)).encode())
    for kind in sorted(workloads()):
        for w in cluster.store.list(kind, None):
            try:
                tl = cluster.recorder.timeline(kind, w.metadata.namespace, w.metadata.name)
            except LookupError:
                continue
            _hash_array(h, f"{kind}/{w.metadata.name}:t", tl.t)
            for column in tl.columns:
                _hash_array(h, column, tl[column])
            for name in sorted(tl.by_replica_set):
                rev = tl.by_replica_set[name]
                for column in rev.columns:
                    _hash_array(h, f"{name}:{rev.revision}:{column}", rev[column])
            h.update(repr(tl.rollouts).encode())
    for kind in ("Deployment", "ReplicaSet", "Service", *sorted(workloads())):
        for obj in cluster.store.list(kind, None):
            h.update(json.dumps(to_dict(obj), sort_keys=True, default=repr).encode())
    for pod in sorted(cluster.kubelet.pods.values(), key=lambda p: (p.namespace, p.name)):
        h.update(f"{pod.name}|{pod.uid}|{pod.phase}|{pod.ready}|{pod.deleted_at!r}".encode())
    return h.hexdigest()


def determinism(make: Callable[[], Cluster], runs: int = 2) -> list[Violation]:
    """``determinism``: ``make()`` (which builds and runs a cluster from fixed inputs
    and seed) gives the same ``digest`` every time."""
    digests = []
    last: Cluster | None = None
    for _ in range(runs):
        last = make()
        digests.append(digest(last))
    if len(set(digests)) <= 1:
        return []
    assert last is not None
    return [
        Violation(
            last.now,
            "cluster",
            "determinism",
            f"one digest over {runs} runs with seed {last.seed}",
            ", ".join(d[:12] for d in digests),
        )
    ]
