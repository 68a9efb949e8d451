"""The long fuzz campaign of issue 11: mutated manifests and kubectl lines, classified.

    python benchmarks/fuzz_campaign.py --manifests 100000 --kubectl 40000 [--seed N]
        [--workers 2] [--save-corpus] [--replay manifests:31]

Each worker draws its share of cases from the fuzz suite's Hypothesis strategies
(``tests/fuzz``: seeded, generation only, no shrinking), runs each in a forked
child (5 s hang limit, memory ceiling) and tallies the outcome. The table gives
the count per class and every distinct defect (class, exception type, the
rollsim function it was raised in) with its smallest input. ``--save-corpus``
reduces each new defect's smallest input (dropping lines or tokens while the
same defect persists) and writes it to ``tests/fuzz/corpus/``.

A chunk whose harness fails (a strategy Hypothesis finds flaky, a bug in the
classifier) costs that chunk only: what it classified before the error is
counted, the error is listed with the chunk's name and Hypothesis seed, the
other chunks run on, and the exit status is 1. ``--replay manifests:31`` runs
that one chunk in this process, so its traceback is printed whole.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fuzz.corpus import reproducers, write
from fuzz.isolation import CLASSES, DEFECTS, Outcome
from fuzz.lines import Line, lines
from fuzz.mutations import Case, cases
from fuzz.runner import kubectl_outcome, manifest_outcome
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

Signature = tuple[str, str, str, str]
#: One chunk of work: what it draws, how many cases, its Hypothesis seed, its index.
Job = tuple[str, int, int, int]


@dataclass(frozen=True)
class HarnessError:
    """A chunk the harness itself could not finish, and how to run it again alone."""

    what: str
    index: int
    seed: int
    done: int
    error: str
    message: str

    def describe(self) -> str:
        return (
            f"{self.what} chunk {self.index} (Hypothesis seed {self.seed}) stopped with "
            f"{self.done} cases classified: {self.error}: {self.message[:160]!r}; "
            f"rerun alone with --replay {self.what}:{self.index}"
        )


@dataclass
class Finding:
    """One distinct defect: how often, and its smallest input so far."""

    outcome: Outcome
    count: int = 0
    size: int = 10**18
    example: dict[str, Any] = field(default_factory=dict)


@dataclass
class Tally:
    """A worker's (or the campaign's) counts, findings and time."""

    classes: Counter[str] = field(default_factory=Counter)
    findings: dict[Signature, Finding] = field(default_factory=dict)
    seconds: float = 0.0
    harness: list[HarnessError] = field(default_factory=list)

    def add(self, outcome: Outcome, example: dict[str, Any], size: int) -> None:
        self.classes[outcome.kind] += 1
        if outcome.kind not in DEFECTS:
            return
        finding = self.findings.setdefault(outcome.signature, Finding(outcome))
        finding.count += 1
        if size < finding.size:
            finding.size, finding.outcome, finding.example = size, outcome, example

    def merge(self, other: Tally) -> None:
        self.classes.update(other.classes)
        self.seconds += other.seconds
        self.harness.extend(other.harness)
        for sig, theirs in other.findings.items():
            mine = self.findings.setdefault(sig, Finding(theirs.outcome))
            mine.count += theirs.count
            if theirs.size < mine.size:
                mine.size, mine.outcome, mine.example = theirs.size, theirs.outcome, theirs.example


def _manifest_example(case: Case) -> tuple[dict[str, Any], int]:
    """What to keep of a manifest case: its text, or for dicts (which may be cyclic or
    10,000 deep, past what repr can print) only the mutations that made them."""
    text = case.text() if case.mode == "text" else ""
    size = len(text) if text else len(repr(case.ops))
    return {"via": case.mode, "body": text, "ops": case.ops, "seed": case.seed}, size


def _manifest_case(case: Case) -> tuple[Outcome, dict[str, Any], int]:
    example, size = _manifest_example(case)
    return manifest_outcome(case.payload()), example, size


def _line_case(line: Line) -> tuple[Outcome, dict[str, Any], int]:
    example = {"via": "kubectl", "line": line.text, "body": line.stdin or ""}
    return kubectl_outcome(line.text, line.stdin), example, len(line.text) + len(line.stdin or "")


def _run(
    strategy: st.SearchStrategy[Any],
    classify: Callable[[Any], tuple[Outcome, dict[str, Any], int]],
    count: int,
    seed: int,
    tally: Tally,
) -> None:
    """``count`` seeded examples of ``strategy``, each classified into ``tally``.

    The ``@given`` function is built afresh for each chunk, so Hypothesis never
    replays one chunk's examples in another; generation only, nothing shrunk.
    """

    @hypothesis_seed(seed)
    @settings(
        max_examples=count,
        phases=(Phase.generate,),
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def campaign(case: Any) -> None:
        tally.add(*classify(case))

    start = time.perf_counter()
    try:
        campaign()
    finally:
        tally.seconds += time.perf_counter() - start


Classify = Callable[[Any], tuple[Outcome, dict[str, Any], int]]
#: What each kind of chunk draws, and how one drawn case is classified.
STRATEGIES: dict[str, tuple[Callable[[], st.SearchStrategy[Any]], Classify]] = {
    "manifests": (cases, _manifest_case),
    "kubectl": (lines, _line_case),
}


def chunk(job: Job) -> Tally:
    """One chunk run in this process; a harness error propagates with its traceback."""
    what, count, seed, _ = job
    strategy, classify = STRATEGIES[what]
    tally = Tally()
    _run(strategy(), classify, count, seed, tally)
    return tally


def _work(job: Job) -> tuple[str, Tally]:
    """One chunk in a pool worker: a harness error is reported in the tally, not raised,
    so one chunk's failure never loses the campaign's other chunks."""
    what, count, seed, index = job
    strategy, classify = STRATEGIES[what]
    tally = Tally()
    try:
        _run(strategy(), classify, count, seed, tally)
    except Exception as err:  # the harness's own failure: reported, the chunk given up
        first = (str(err).strip().splitlines() or [""])[0]
        done = sum(tally.classes.values())
        tally.harness.append(HarnessError(what, index, seed, done, type(err).__name__, first))
    return what, tally


def _jobs(manifests: int, kubectl: int, seed: int, chunk: int) -> list[Job]:
    """Chunks of work, each with its own Hypothesis seed, so two workers share evenly."""
    jobs = []
    for what, total in (("manifests", manifests), ("kubectl", kubectl)):
        for index, start in enumerate(range(0, total, chunk)):
            jobs.append((what, min(chunk, total - start), seed * 100_003 + index, index))
    return jobs


def _same(example: dict[str, Any], signature: Signature) -> bool:
    """Whether ``example`` still shows the defect ``signature``."""
    if example["via"] == "kubectl":
        outcome = kubectl_outcome(example["line"], example["body"] or None)
    else:
        outcome = manifest_outcome(example["body"])
    return outcome.signature == signature


def _reduce_lines(example: dict[str, Any], key: str, sep: str, signature: Signature) -> None:
    """Drop chunks of ``example[key]`` (split on ``sep``) while the defect persists."""
    parts = example[key].split(sep)
    width = max(1, len(parts) // 2)
    tries = 0
    while width >= 1 and tries < 30:
        i = 0
        while i < len(parts) and tries < 30:
            candidate = parts[:i] + parts[i + width :]
            trial = {**example, key: sep.join(candidate)}
            tries += 1
            if candidate and _same(trial, signature):
                parts = candidate
            else:
                i += width
        width //= 2
    example[key] = sep.join(parts)


def reduce(finding: Finding) -> dict[str, Any]:
    """A smaller input with the same defect: fewer lines of YAML, fewer tokens."""
    example = dict(finding.example)
    signature = finding.outcome.signature
    if example["via"] == "dict":
        return example  # Python values that YAML cannot carry: kept as found
    if example["via"] == "kubectl":
        _reduce_lines(example, "line", " ", signature)
        if example["body"]:
            _reduce_lines(example, "body", "\n", signature)
    else:
        _reduce_lines(example, "body", "\n", signature)
    return example


def _name(finding: Finding) -> str:
    outcome = finding.outcome
    where = outcome.where.rsplit(":", 1)[-1].strip("<>_") or outcome.phase or "unknown"
    label = outcome.error or outcome.kind
    return f"found-{outcome.kind}-{label}-{where}".lower().replace(".", "-")


def save(findings: dict[Signature, Finding]) -> list[Path]:
    """Write each defect not yet in the corpus (by name) as a reduced reproducer."""
    known = {r.name for r in reproducers()}
    saved = []
    for finding in findings.values():
        name = _name(finding)
        if name in known or finding.example.get("via") == "dict":
            continue
        example = reduce(finding)
        saved.append(
            write(
                name,
                "handled",
                example["via"],
                f"fuzz campaign: {finding.outcome.describe()[:160]}",
                example["body"],
                example.get("line", ""),
            )
        )
        known.add(name)
    return saved


def _snippet(example: dict[str, Any], width: int = 160) -> str:
    if example.get("via") == "kubectl":
        text = f"kubectl {example['line']}" + (" <<< stdin" if example["body"] else "")
    else:
        text = f"[{example.get('seed')}, {example.get('via')}] {'; '.join(example.get('ops', []))}"
    return repr(text[:width])


def table(tallies: dict[str, Tally]) -> str:
    """Counts per class for manifests and kubectl lines, then the distinct defects."""
    lines = [f"{'class':<15}" + "".join(f"{what:>22}" for what in tallies)]
    for kind in CLASSES:
        cells = []
        for tally in tallies.values():
            total = sum(tally.classes.values()) or 1
            n = tally.classes[kind]
            cells.append(f"{n:>12} ({100 * n / total:5.2f}%)")
        lines.append(f"{kind:<15}" + "".join(f"{c:>22}" for c in cells))
    totals = "".join(f"{sum(t.classes.values()):>22}" for t in tallies.values())
    lines.append(f"{'total':<15}{totals}")
    lines.append(
        f"{'worker seconds':<15}" + "".join(f"{t.seconds:>22.0f}" for t in tallies.values())
    )
    for what, tally in tallies.items():
        ranked = sorted(tally.findings.values(), key=lambda f: -f.count)
        lines.append(f"\n{len(ranked)} distinct defects from {what}:")
        for finding in ranked:
            lines.append(f"{finding.count:>7}  {finding.outcome.describe()[:230]}")
            lines.append(f"{'':>9}smallest: {_snippet(finding.example)}")
    failed = [error for tally in tallies.values() for error in tally.harness]
    lines.append(f"\n{len(failed)} chunks stopped by a harness error:")
    lines.extend(f"  {error.describe()}" for error in failed)
    return "\n".join(lines)


def _replay(name: str, jobs: list[Job]) -> int:
    """Run the chunk ``manifests:31`` (or ``kubectl:4``) of this campaign in-process."""
    what, _, index = name.partition(":")
    found = [job for job in jobs if job[0] == what and str(job[3]) == index]
    if not found:
        raise SystemExit(f"no chunk {name!r}: chunks are manifests:N and kubectl:N")
    print(table({what: chunk(found[0])}))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--manifests", type=int, default=100_000)
    parser.add_argument("--kubectl", type=int, default=40_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=250)
    parser.add_argument("--save-corpus", action="store_true")
    parser.add_argument("--replay", metavar="WHAT:INDEX", help="run one chunk in-process")
    args = parser.parse_args(argv)
    jobs = _jobs(args.manifests, args.kubectl, args.seed, args.chunk)
    if args.replay:
        return _replay(args.replay, jobs)
    tallies = {"manifests": Tally(), "kubectl": Tally()}
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(args.workers, maxtasksperchild=4) as pool:
        for done, (what, tally) in enumerate(pool.imap_unordered(_work, jobs), 1):
            tallies[what].merge(tally)
            failed = "".join(f"; {error.describe()}" for error in tally.harness)
            elapsed = time.perf_counter() - start
            print(f"[{elapsed:7.0f} s] {done}/{len(jobs)} chunks{failed}", flush=True)
    print(table(tallies))
    if args.save_corpus:
        findings = {**tallies["manifests"].findings, **tallies["kubectl"].findings}
        for path in save(findings):
            print(f"saved {path}")
    return 1 if any(tally.harness for tally in tallies.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
