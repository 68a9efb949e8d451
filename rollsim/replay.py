"""Replaying a kubectl session against a fresh simulated cluster.

A session is a text file of ``kubectl ...`` lines, ``sleep N`` lines (advance
the clock N seconds) and ``#`` comments. The transcript shows each command
after a ``$ `` prompt stamped with the simulated time, then what kubectl
printed, stdout and stderr, in order. Relative manifest paths are resolved
against the session file's folder.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from rollsim.cluster import Cluster
from rollsim.kubectl import KubectlError, run
from rollsim.kubectl.printers import human_duration

__all__ = ["Transcript", "replay"]


@dataclass(frozen=True)
class Transcript:
    """The text of a replayed session and its exit status: the last command's, as a shell's."""

    text: str
    exit_code: int


def _stamp(seconds: float) -> str:
    return f"[t={human_duration(seconds)}]"


def replay(session: str, cluster: Cluster, cwd: str | Path = ".") -> Transcript:
    """Run every line of ``session`` (the text of a session file) against ``cluster``."""
    out: list[str] = []
    exit_code = 0
    for number, raw in enumerate(session.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            out.append(line + "\n")
            continue
        out.append(f"{_stamp(cluster.now)} $ {line}\n")
        words = shlex.split(line)
        if words[0] == "sleep":
            try:
                seconds = float(words[1])
            except (IndexError, ValueError):
                raise ValueError(f"line {number}: sleep needs a number of seconds") from None
            cluster.run(cluster.now + seconds)
            continue
        if words[0] != "kubectl":
            raise ValueError(
                f"line {number}: expected a kubectl or sleep command, got {words[0]!r}"
            )
        try:
            out.append(run(cluster, line, cwd=cwd, stderr=out.append))
            exit_code = 0
        except KubectlError as err:
            out.append(err.output)
            out.append(err.message + "\n")
            exit_code = err.exit_code
    return Transcript("".join(out), exit_code)
