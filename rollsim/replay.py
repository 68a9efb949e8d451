"""Replaying a kubectl session against a fresh simulated cluster.

A session is a text file read as a shell reads a script, one command a line:
``kubectl ...`` lines, ``sleep N`` lines (advance the clock N seconds; GNU
sleep's ``s``/``m``/``h``/``d`` suffixes, several operands add up), blank lines
and comments. A ``#`` that begins a word outside quotes starts a comment to the
end of the line, as in the shell: a full-line comment is echoed into the
transcript, a trailing one is not passed to kubectl. A backslash that ends a
line continues the command on the next, as in the shell. The transcript shows each
command as written after a ``$ `` prompt stamped with the simulated time, then
what kubectl printed, stdout and stderr, in order. Relative manifest paths are
resolved against the session file's folder.

Errors follow ``sh SESSION`` without ``-e``:

- a kubectl command that fails is part of the transcript, with kubectl's
  message, and the replay goes on; the exit status is the last command's;
- a line rollsim cannot run stops the replay with a ``SessionError`` that
  names it (``line N: ...``) and carries the transcript so far, that line's
  prompt included, and the status a shell would exit with: 2 for unbalanced
  quotes (a syntax error) or a shell operator or expansion rollsim does not
  simulate (``|``, ``&&``, ``>``, ``$VAR``...), 127 for a program other than
  kubectl or sleep (command not found), 1 for a ``sleep`` that is refused.
"""

from __future__ import annotations

import math
import re
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rollsim.api.errors import RollsimError
from rollsim.cluster import Cluster
from rollsim.kubectl import KubectlError, run
from rollsim.kubectl.cmdutil import DEFAULT_WATCH_LIMIT
from rollsim.kubectl.printers import human_duration

__all__ = ["MAX_SLEEP", "SessionError", "Transcript", "replay"]


@dataclass(frozen=True)
class Transcript:
    """The text of a replayed session and its exit status: the last command's, as a shell's."""

    text: str
    exit_code: int


class SessionError(RollsimError, ValueError):
    """A session line rollsim cannot run; the replay stopped there.

    ``str(err)`` is ``line N: ...``; ``transcript`` holds what was printed up to
    and including that line's prompt, with the exit status a shell would give.
    """

    def __init__(self, line: int, message: str, transcript: Transcript) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.transcript = transcript


class _Refused(Exception):
    """A line refused before it runs: the message and the shell's exit status."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _stamp(seconds: float) -> str:
    return f"[t={human_duration(seconds)}]"


#: The longest ``sleep`` a session may ask for: as long as a watch waits by default.
MAX_SLEEP = DEFAULT_WATCH_LIMIT

# A decimal number of seconds and GNU sleep's unit suffix (coreutils sleep.c apply_suffix).
_INTERVAL = re.compile(
    r"(?P<number>(?i:[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|inf(?:inity)?|nan)))"
    r"(?P<unit>[smhd]?)"
)
_UNIT_SECONDS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def _sleep_seconds(operands: list[str]) -> float:
    """The seconds a ``sleep`` line waits, as coreutils' sleep reads its operands (their
    sum), within 0 to ``MAX_SLEEP``: ``inf`` or ``1e300`` would run the simulated clock
    without end. The messages for a missing or unreadable operand are GNU sleep's."""
    if not operands:
        raise _Refused("sleep: missing operand", 1)
    total = 0.0
    for operand in operands:
        interval = _INTERVAL.fullmatch(operand)
        if interval is None:
            raise _Refused(f"sleep: invalid time interval {operand!r}", 1)
        seconds = float(interval["number"]) * _UNIT_SECONDS[interval["unit"]]
        total = total + seconds if seconds >= 0 else math.nan
    if not 0 <= total <= MAX_SLEEP:
        raise _Refused(
            f"sleep needs a number of seconds from 0 to {MAX_SLEEP:g}, got {' '.join(operands)}",
            1,
        )
    return total


# What a shell would do with, and rollsim does not: a pipe, a list, a redirection,
# a subshell, a command substitution or a parameter expansion.
_SHELL_SYNTAX = re.compile(r"\$\{[^}]*\}?|\$\(|\$\w*|[|&;<>]+|[()`]")
_SHELL_STARTS = "$|&;<>()`"


def _command_text(line: str) -> str:
    """``line`` without its trailing comment, read as the shell tokenizes it (POSIX Shell
    Command Language, 2.2 Quoting and 2.3 Token Recognition): a ``#`` that begins a word
    outside quotes comments out the rest of the line. A shell operator or expansion
    outside single quotes is refused: a session line is one kubectl or sleep command."""
    quote = ""
    escaped = False
    word_start = True
    for index, char in enumerate(line):
        if escaped:
            escaped = word_start = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote:
            if char == quote:
                quote = ""
            elif quote == '"' and char in "$`":
                _refuse_syntax(line, index)
        elif char == "#" and word_start:
            return line[:index].rstrip()
        elif char in "'\"":
            quote, word_start = char, False
        elif char in _SHELL_STARTS:
            _refuse_syntax(line, index)
        else:
            word_start = char.isspace()
    return line


def _refuse_syntax(line: str, index: int) -> None:
    syntax = _SHELL_SYNTAX.match(line, index)
    token = syntax[0] if syntax else line[index]
    raise _Refused(
        f"rollsim does not simulate the shell's `{token}`: "
        "a session line is one kubectl or sleep command",
        2,
    )


@dataclass
class _Replay:
    """The transcript being written, and the status of the last command."""

    cluster: Cluster
    cwd: str | Path
    write: Callable[[str], None] | None
    pieces: list[str] = field(default_factory=list)
    exit_code: int = 0

    def print(self, text: str) -> None:
        """Add ``text`` to the transcript, and pass it on at once to ``write``."""
        self.pieces.append(text)
        if self.write is not None:
            self.write(text)

    def transcript(self) -> Transcript:
        return Transcript("".join(self.pieces), self.exit_code)

    def line(self, line: str) -> None:
        """Run one non-blank line, its prompt already printed."""
        command = _command_text(line)
        try:
            words = shlex.split(command)
        except ValueError as err:
            raise _Refused(str(err), 2) from None
        if words[:1] == ["sleep"]:
            self.cluster.run(self.cluster.now + _sleep_seconds(words[1:]))
            self.exit_code = 0
        elif words[:1] == ["kubectl"]:
            self.kubectl(command)
        else:
            raise _Refused(f"expected a kubectl or sleep command, got {words[0]!r}", 127)

    def kubectl(self, command: str) -> None:
        try:
            self.print(run(self.cluster, command, cwd=self.cwd, stderr=self.print))
            self.exit_code = 0
        except KubectlError as err:
            self.print(err.output)
            self.print(err.message + "\n")
            self.exit_code = err.exit_code


def _continues(line: str) -> bool:
    """Whether the shell would read on: ``line`` ends in an unescaped backslash outside a
    comment (POSIX Shell Command Language, 2.2.1 Escape Character: a backslash-newline is
    removed, joining the next line on)."""
    trailing = len(line) - len(line.rstrip("\\"))
    if trailing % 2 == 0 or line.startswith("#"):
        return False
    try:
        return _command_text(line) == line
    except _Refused:
        # The line is refused when it runs, whole.
        return False


def _commands(session: str) -> Iterator[tuple[int, list[str]]]:
    """Each command of ``session``: the number of its first line and its lines, each
    without the whitespace that ends it, the first without the whitespace that begins it."""
    lines = [raw.rstrip() for raw in session.splitlines()]
    index = 0
    while index < len(lines):
        number = index + 1
        parts = [lines[index].lstrip()]
        while _continues(parts[-1]) and index + 1 < len(lines):
            index += 1
            parts.append(lines[index])
        index += 1
        yield number, parts


def replay(
    session: str,
    cluster: Cluster,
    cwd: str | Path = ".",
    write: Callable[[str], None] | None = None,
) -> Transcript:
    """Run every line of ``session`` (the text of a session file) against ``cluster``.

    ``write``, if given, receives the transcript piece by piece as it is printed,
    so a caller shows the user's work even if a later line stops the replay. A
    line rollsim cannot run raises ``SessionError`` naming it; a kubectl command
    that fails is part of the transcript, as in a shell. A line continued with a
    trailing backslash shows its next lines after a ``> `` prompt, as a terminal
    does. Any other exception (a bug in rollsim) keeps its traceback, with a note
    naming the line.
    """
    state = _Replay(cluster, cwd, write)
    for number, parts in _commands(session):
        if not parts[0]:
            continue
        if parts[0].startswith("#"):
            state.print(parts[0] + "\n")
            continue
        state.print(f"{_stamp(cluster.now)} $ {parts[0]}\n")
        if len(parts) > 1:
            state.print("".join(f"> {part.strip()}\n" for part in parts[1:]))
        command = "".join(part[:-1] for part in parts[:-1]) + parts[-1]
        try:
            state.line(command)
        except _Refused as err:
            state.exit_code = err.exit_code
            raise SessionError(number, str(err), state.transcript()) from None
        except RollsimError as err:
            # Raised on purpose by the simulation (a controller that never settles):
            # named by its line like a refused one, the status a failed command's.
            state.exit_code = 1
            raise SessionError(number, str(err), state.transcript()) from None
        except Exception as err:
            err.add_note(f"while replaying line {number}: {command}")
            raise
    return state.transcript()
