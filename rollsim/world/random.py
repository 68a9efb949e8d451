"""Random streams: one per concern, all from ``Cluster(seed=)``.

The rule: every concern that draws (pod names and UIDs, pod timings, traffic
noise, analysis noise, each controller that draws) has a stream of its own,
made from the cluster's ``numpy.random.SeedSequence``, so turning one concern
on, or changing how much it draws, never shifts another's draws. Turning
traffic noise on must not move a single pod; nor may a rate of 10^6 rps
instead of 1.

The names stream is the root sequence itself; every other concern's stream
is a child whose spawn key is derived from the concern's name (CRC-32, stable
across processes and hash seeds), so adding a concern later shifts none of
the existing ones. A root and its spawned children are independent streams.
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["RandomStreams"]


class RandomStreams:
    """The generators of one cluster, created on first use."""

    def __init__(self, seed: int) -> None:
        self._root = np.random.SeedSequence(seed)
        self._streams: dict[str, np.random.Generator] = {}
        #: Pod names, generated suffixes and UIDs.
        self.names = np.random.Generator(np.random.PCG64(self._root))

    def stream(self, concern: str) -> np.random.Generator:
        """The generator of ``concern`` (``pod-timings``, ``traffic``, ``analysis``...)."""
        generator = self._streams.get(concern)
        if generator is None:
            child = np.random.SeedSequence(
                self._root.entropy, spawn_key=(zlib.crc32(concern.encode()),)
            )
            generator = self._streams[concern] = np.random.Generator(np.random.PCG64(child))
        return generator
