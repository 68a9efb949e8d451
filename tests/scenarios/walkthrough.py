"""A new user at a terminal, typing the commands of an upstream walkthrough.

The acceptance tests of issue 12 type each command as the upstream docs print
it (``kubectl apply -f https://...``, a ``\\`` continuing a long line) into a
fresh simulated cluster. A URL the docs apply is read from the unchanged copy
of that file kept under ``tests/manifests/`` (each folder's README names its
repository, path and commit); nothing else in the line is rewritten. The time
a user spends watching (``--watch``, or reading a screenshot) is simulated
time passing, given to ``Terminal.wait``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import rollsim

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = ROOT / "tests" / "manifests"


class Terminal:
    """One cluster and what the user typed into it, with kubectl's stderr kept."""

    def __init__(
        self,
        cluster: rollsim.Cluster,
        urls: Mapping[str, Path] | None = None,
    ) -> None:
        self.cluster = cluster
        self.urls = dict(urls or {})
        self.stderr: list[str] = []

    def _line(self, command: str) -> str:
        """The command as kubectl receives it: continuations joined, URLs read locally."""
        joined = re.sub(r"\\\n\s*", " ", command.strip())
        return " ".join(str(self.urls.get(word, word)) for word in joined.split(" "))

    def type(self, command: str, stdin: str | None = None) -> str:
        """Run one command as the docs print it; returns what kubectl writes on stdout."""
        return self.cluster.kubectl(self._line(command), stdin=stdin, stderr=self.stderr.append)

    def fails(self, command: str) -> rollsim.KubectlError:
        """Run a command the docs show failing; returns kubectl's error."""
        try:
            self.type(command)
        except rollsim.KubectlError as err:
            return err
        raise AssertionError(f"{command!r} succeeded")

    def wait(self, seconds: float) -> None:
        """The user watches for ``seconds`` of simulated time."""
        self.cluster.run(until=self.cluster.now + seconds)


def table(text: str) -> list[dict[str, str]]:
    """The rows of kubectl's (first) table, by column header.

    Cells are cut at the offsets of the headers, as the tabwriter aligned them, so an
    empty cell (a Job's DURATION before it ends) stays in its column.
    """
    lines = text.split("\n\n")[0].splitlines()
    starts = [m.start() for m in re.finditer(r"(?:^|(?<=\s\s))\S", lines[0])]
    bounds = list(zip(starts, [*starts[1:], None], strict=True))
    header = [lines[0][a:b].strip() for a, b in bounds]
    return [
        {h: line[a:b].strip() for h, (a, b) in zip(header, bounds, strict=True)}
        for line in lines[1:]
    ]


def names(text: str) -> list[str]:
    """The NAME column of a kubectl table."""
    return [row["NAME"] for row in table(text)]


def fenced_block(markdown: str, language: str, index: int = 0) -> str:
    """The ``index``-th fenced code block of ``language`` in a docs page, unchanged."""
    blocks = re.findall(rf"```{language}\n(.*?)```", markdown, re.S)
    return str(blocks[index])
