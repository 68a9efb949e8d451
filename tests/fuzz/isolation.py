"""Run one fuzz case in a forked child, with a wall-clock limit and a memory ceiling.

A case can hang in C code (``json.dumps`` of an alias bomb never reaches the
bytecode loop where a SIGALRM handler would run), eat gigabytes, or blow the C
stack. A forked child isolates all three: the parent, which already imported
rollsim and built the pristine cluster, forks (copy-on-write, ~15 ms), the child
mutates its own copy and writes back a pickled ``Outcome``, and the parent kills
it at the deadline. A child that dies without writing one is a crash.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import pickle
import resource
import select
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import rollsim

#: Outcome classes, in the order the campaign table prints them.
ACCEPTED = "accepted"
REJECTED = "rejected"
EXCEPTION = "exception"
HANG = "hang"
PARTIAL_WRITE = "partial-write"
ABSURD_SIZE = "absurd-size"
CLASSES = (ACCEPTED, REJECTED, EXCEPTION, HANG, PARTIAL_WRITE, ABSURD_SIZE)
#: The classes the suite requires to be empty.
DEFECTS = (EXCEPTION, HANG, PARTIAL_WRITE, ABSURD_SIZE)

#: Seconds a case may take before it is a hang (issue 11 measured hangs past 5 s).
TIMEOUT = 5.0
#: Address space a child may add to what the parent already maps.
MEMORY_HEADROOM = 1536 * 2**20

_ROLLSIM = str(Path(rollsim.__file__).resolve().parent)


@dataclass
class Outcome:
    """What one case did: its class, and for a defect where and how.

    ``where`` is the innermost traceback frame inside ``rollsim/`` (file and
    function, no line number, so the signature survives edits elsewhere in the
    file); ``phase`` is the step that raised (apply, run, get, describe, yaml...).
    """

    kind: str
    phase: str = ""
    error: str = ""
    message: str = ""
    where: str = ""
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def signature(self) -> tuple[str, str, str, str]:
        """What makes two defects the same defect: class, exception type, place."""
        return (self.kind, self.error, self.where, self.phase if self.kind != EXCEPTION else "")

    def describe(self) -> str:
        """One line for an assertion message or the campaign table."""
        text = f"{self.kind} in {self.phase or '?'}"
        if self.error:
            text += f": {self.error} at {self.where or '?'}: {self.message[:200]!r}"
        elif self.message:
            text += f": {self.message[:200]!r}"
        return text


def raised(kind: str, phase: str, err: BaseException) -> Outcome:
    """An outcome for ``err``, located at the innermost rollsim frame of its traceback."""
    where = ""
    for frame in traceback.extract_tb(err.__traceback__):
        if frame.filename.startswith(_ROLLSIM):
            relative = os.path.relpath(frame.filename, Path(_ROLLSIM).parent)
            where = f"{relative}:{frame.name}"
    try:
        message = str(err)
    except Exception:  # str() itself can fail (a 5,000-digit int in the message)
        message = f"<unprintable {type(err).__name__}>"
    return Outcome(kind, phase, type(err).__qualname__, message[:500], where)


def _address_space() -> int:
    """Bytes the process maps now (VmSize), so the ceiling is relative to it."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


class CaseTimeout(BaseException):
    """Raised in a child just before its deadline, so a hang in Python code is located."""


def _time_out(signum: int, frame: object) -> None:
    raise CaseTimeout("stopped before the wall-clock limit")


def _child(case: Callable[[], Outcome], write_fd: int, timeout: float) -> None:
    """Run ``case`` and write its pickled outcome; never returns.

    At 90% of ``timeout`` a SIGALRM raises ``CaseTimeout`` where the case is, so
    a loop in Python code is reported as a hang with its rollsim frame; a hang in C
    code never sees the signal and is killed by the parent, unlocated.
    """
    code = 0
    try:
        faulthandler.disable()  # a crash is reported by the parent, not dumped on stderr
        signal.signal(signal.SIGALRM, _time_out)
        signal.setitimer(signal.ITIMER_REAL, timeout * 0.9)
        ceiling = _address_space() + MEMORY_HEADROOM
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
        sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
        start = time.perf_counter()
        try:
            outcome = case()
        except BaseException as err:  # the case's own harness failed: still a finding
            outcome = raised(EXCEPTION, "harness", err)
        signal.setitimer(signal.ITIMER_REAL, 0)
        if outcome.error == CaseTimeout.__qualname__:
            outcome.kind = HANG
        outcome.seconds = time.perf_counter() - start
        try:
            payload = pickle.dumps(outcome)
        except Exception as err:
            payload = pickle.dumps(raised(EXCEPTION, "report", err))
        with os.fdopen(write_fd, "wb") as pipe:
            pipe.write(payload)
    except BaseException:
        code = 3
    finally:
        os._exit(code)


def _collect(read_fd: int, deadline: float) -> bytes | None:
    """Read the child's report until EOF, or None once ``deadline`` passes."""
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([read_fd], [], [], left)
        if not ready:
            return None
        chunk = os.read(read_fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def isolated(case: Callable[[], Outcome], timeout: float = TIMEOUT) -> Outcome:
    """Run ``case`` in a forked child; a hang past ``timeout`` s or a death is an outcome."""
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(case, write_fd, timeout)
    os.close(write_fd)
    start = time.monotonic()
    try:
        report = _collect(read_fd, start + timeout)
    finally:
        os.close(read_fd)
    if report is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return Outcome(HANG, "", "", f"no answer in {timeout:g} s", seconds=timeout)
    _, status = os.waitpid(pid, 0)
    if not report:
        died = (
            f"signal {os.WTERMSIG(status)}"
            if os.WIFSIGNALED(status)
            else f"exit {os.WEXITSTATUS(status)}"
        )
        return Outcome(EXCEPTION, "", "ChildDied", died, seconds=time.monotonic() - start)
    outcome: Outcome = pickle.loads(report)
    return outcome
