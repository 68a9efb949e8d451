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
from rollsim.kubectl.cmdutil import DEFAULT_WATCH_LIMIT
from rollsim.kubectl.printers import human_duration

__all__ = ["MAX_SLEEP", "Transcript", "replay"]


@dataclass(frozen=True)
class Transcript:
    """The text of a replayed session and its exit status: the last command's, as a shell's."""

    text: str
    exit_code: int


def _stamp(seconds: float) -> str:
    return f"[t={human_duration(seconds)}]"


#: The longest ``sleep`` a session may ask for: as long as a watch waits by default.
MAX_SLEEP = DEFAULT_WATCH_LIMIT


def _sleep_seconds(words: list[str], number: int) -> float:
    """The seconds of a ``sleep N`` line: a finite number from 0 to ``MAX_SLEEP``
    (``inf`` or ``1e300`` would run the simulated clock without end)."""
    try:
        seconds = float(words[1])
    except (IndexError, ValueError):
        raise ValueError(f"line {number}: sleep needs a number of seconds") from None
    if not 0 <= seconds <= MAX_SLEEP:
        raise ValueError(
            f"line {number}: sleep needs a number of seconds from 0 to {MAX_SLEEP:g}, "
            f"got {words[1]}"
        )
    return seconds


def replay(session: str, cluster: Cluster, cwd: str | Path = ".") -> Transcript:
    """Run every line of ``session`` (the text of a session file) against ``cluster``.

    A line that is not a command (unbalanced quotes, an unknown program, a bad
    ``sleep``) stops the replay with a ``ValueError`` naming its line; a kubectl
    command that fails is part of the transcript, as in a shell.
    """
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
        try:
            words = shlex.split(line)
        except ValueError as err:
            raise ValueError(f"line {number}: {err}") from None
        if words[:1] == ["sleep"]:
            cluster.run(cluster.now + _sleep_seconds(words, number))
            continue
        if words[:1] != ["kubectl"]:
            raise ValueError(
                f"line {number}: expected a kubectl or sleep command, got {line.split()[0]!r}"
            )
        try:
            out.append(run(cluster, line, cwd=cwd, stderr=out.append))
            exit_code = 0
        except KubectlError as err:
            out.append(err.output)
            out.append(err.message + "\n")
            exit_code = err.exit_code
    return Transcript("".join(out), exit_code)
