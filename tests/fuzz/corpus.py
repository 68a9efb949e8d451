"""The corpus of minimal reproducers: one small file per defect class.

Each file starts with ``# key: value`` header lines, then the input:

- ``class``: the defect class (the file's stem), the key of ``known.OPEN``;
- ``expect``: ``rejected`` (a rollsim error, nothing changed), ``accepted``, or
  ``handled`` (either, where upstream leaves the choice);
- ``via``: ``text`` (the body is YAML applied as text), ``dict`` (the body is a
  Python literal applied as dicts) or ``kubectl`` (``line`` is the command; a
  ``# stdin follows`` line makes the rest its stdin, else there is none);
- a free line saying where the class was found (issue 11, or the campaign).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent / "corpus"
_STDIN = "# stdin follows"


@dataclass(frozen=True)
class Reproducer:
    """One corpus file, parsed."""

    path: Path
    headers: dict[str, str]
    body: str

    @property
    def name(self) -> str:
        return self.headers.get("class", self.path.stem)

    @property
    def expect(self) -> str:
        return self.headers["expect"]

    @property
    def via(self) -> str:
        return self.headers["via"]

    def payload(self) -> Any:
        """What ``Cluster.apply`` gets for a manifest reproducer."""
        return ast.literal_eval(self.body) if self.via == "dict" else self.body

    def stdin(self) -> str | None:
        return self.body if self.headers.get("stdin") == "follows" else None


def read(path: Path) -> Reproducer:
    """Parse one corpus file (surrogates survive, as the fuzzer wrote them)."""
    text = path.read_text(encoding="utf-8", errors="surrogatepass")
    headers: dict[str, str] = {}
    lines = text.split("\n")
    taken = 0
    for line in lines:
        if line == _STDIN:
            headers["stdin"] = "follows"
            taken += 1
            break
        if not line.startswith("# ") or ": " not in line:
            break
        key, _, value = line[2:].partition(": ")
        headers.setdefault(key, value)
        taken += 1
    return Reproducer(path, headers, "\n".join(lines[taken:]))


def reproducers() -> list[Reproducer]:
    return [read(p) for p in sorted(CORPUS.iterdir()) if p.is_file()]


def write(name: str, expect: str, via: str, found: str, body: str, line: str = "") -> Path:
    """Save a reproducer as ``corpus/<name>.<ext>``; returns its path."""
    ext = {"text": "yaml", "dict": "pylit", "kubectl": "kubectl"}[via]
    headers = [f"# class: {name}", f"# expect: {expect}", f"# via: {via}"]
    if line:
        headers.append(f"# line: {line}")
    headers.append(f"# found: {found}")
    if via == "kubectl" and body:
        headers.append(_STDIN)
    path = CORPUS / f"{name}.{ext}"
    path.write_text("\n".join(headers) + "\n" + body, encoding="utf-8", errors="surrogatepass")
    return path
