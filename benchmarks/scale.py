"""Scale benchmark: a Deployment of N replicas, created and then rolled to a new image.

Each case runs in a fresh Python subprocess, so one size's heap, caches and
peak RSS never leak into the next:

1. ``Cluster(seed=0, pods=PodBehavior(startup=2.0))``
2. apply a Deployment of N replicas (default RollingUpdate strategy, 25%/25%),
   ``run_until_complete``
3. apply the same Deployment with a new image (a rolling update),
   ``run_until_complete``

Wall time covers steps 1-3 (imports and manifest building excluded). Peak
memory is measured twice: ``ru_maxrss`` of the timed subprocess (what the OS
saw, interpreter and imports included), and the ``tracemalloc`` peak of a
second, separate subprocess (Python allocations made by the scenario only;
tracing slows Python down, so it never shares a process with the timing).

One extra row repeats the 10k case with random start-up times
(``rollsim.dist.LogNormal``), which spreads pod transitions over many
distinct instants instead of a few.

Usage::

    python benchmarks/scale.py                       # 1k, 10k, 100k + random 10k
    python benchmarks/scale.py --sizes 1000 10000 --json out.json
    python benchmarks/scale.py --sizes 10000 --profile prof/   # cProfile dumps
    python benchmarks/scale.py --src /tmp/old    # the rollsim package under /tmp/old

This is a benchmark, not a test: it prints PASS/FAIL per target and always
exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

#: (label, size, metric, limit): checked against the fixed-timing rows.
TARGETS: list[tuple[str, int, str, float]] = [
    ("10k in <= 1 s", 10_000, "seconds", 1.0),
    ("100k in <= 15 s", 100_000, "seconds", 15.0),
    ("100k in <= 2 GB (max RSS)", 100_000, "rss_mb", 2048.0),
]

FIXED_STARTUP = 2.0
#: Median and log-space sigma of the random start-up time (seconds).
RANDOM_STARTUP = (2.0, 0.5)
RANDOM_SIZE = 10_000


# The worker: one case, in its own process.


def _manifest(n: int, image: str) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "replicas": n,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "app", "image": image}]},
            },
        },
    }


def _simpy_event_count(env: Any) -> int | None:
    """Events SimPy has scheduled so far, read off its event-id counter (no overhead).

    ``Environment._eid`` is an ``itertools.count``; its repr shows the next id.
    Private, so ``None`` if a SimPy version spells it differently.
    """
    match = re.fullmatch(r"count\((\d+)\)", repr(getattr(env, "_eid", None)))
    return int(match.group(1)) if match else None


def _rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run_case(
    n: int, timing: str, mode: str, profile: str | None, src: str = str(ROOT)
) -> dict[str, Any]:
    """Run one case in this process; ``mode`` is ``time`` or ``tracemalloc``.

    ``src`` is the directory holding the ``rollsim`` package to measure.
    """
    sys.path.insert(0, src)
    import rollsim

    if timing == "fixed":
        behavior = rollsim.PodBehavior(startup=FIXED_STARTUP)
    else:
        behavior = rollsim.PodBehavior(startup=rollsim.dist.LogNormal(*RANDOM_STARTUP))
    v1, v2 = _manifest(n, "app:v1"), _manifest(n, "app:v2")
    rss_before = _rss_mb()

    profiler = None
    if profile is not None:
        import cProfile

        profiler = cProfile.Profile()
    if mode == "tracemalloc":
        import tracemalloc

        tracemalloc.start()

    if profiler is not None:
        profiler.enable()
    t0, cpu0 = time.perf_counter(), time.process_time()
    cluster = rollsim.Cluster(seed=0, pods=behavior)
    cluster.apply(v1)
    created = cluster.run_until_complete("deployment/web")
    t1 = time.perf_counter()
    sim_created = cluster.now
    cluster.apply(v2)
    updated = cluster.run_until_complete("deployment/web")
    t2, cpu2 = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.disable()

    row: dict[str, Any] = {"n": n, "timing": timing, "mode": mode}
    if mode == "tracemalloc":
        import tracemalloc

        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        row["traced_peak_mb"] = peak / (1024 * 1024)
    else:
        row.update(
            seconds=t2 - t0,
            cpu_seconds=cpu2 - cpu0,
            create_seconds=t1 - t0,
            update_seconds=t2 - t1,
            rss_mb=_rss_mb(),
            rss_before_mb=rss_before,
        )
    if profiler is not None and profile is not None:
        out = Path(profile) / f"scale-{n}-{timing}-{mode}.prof"
        out.parent.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(out)
        row["profile"] = str(out)

    status = cluster.get("deployment/web").status
    row.update(
        complete=bool(
            created
            and updated
            and status.updated_replicas == n
            and status.available_replicas == n
            and status.replicas == n
        ),
        sim_seconds_create=sim_created,
        sim_seconds_total=cluster.now,
        events=len(cluster.events),
        # The SimPy environment is the clock's since the controller contract; older
        # trees measured with --src keep it on the Cluster.
        simpy_events=_simpy_event_count(getattr(getattr(cluster, "clock", cluster), "env", None)),
        rollsim_path=rollsim.__file__,
    )
    return row


# The driver: one subprocess per case, then the table and the targets.


def _spawn(n: int, timing: str, mode: str, profile: str | None, src: str) -> dict[str, Any]:
    spec = {"n": n, "timing": timing, "mode": mode, "profile": profile, "src": src}
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        return {
            "n": n,
            "timing": timing,
            "mode": mode,
            "error": (proc.stderr.strip().splitlines() or ["?"])[-1],
        }
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _measure(
    n: int, timing: str, repeat: int, trace: bool, profile: str | None, src: str
) -> dict[str, Any]:
    """Best-of-``repeat`` timing run, plus one tracemalloc run, merged into one row."""
    runs = [_spawn(n, timing, "time", profile, src) for _ in range(repeat)]
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return runs[0]
    row = min(ok, key=lambda r: r["seconds"])
    row["rss_mb"] = max(r["rss_mb"] for r in ok)
    if repeat > 1:
        row["all_seconds"] = [r["seconds"] for r in ok]
    row.pop("mode", None)
    if trace:
        traced = _spawn(n, timing, "tracemalloc", None, src)
        row["traced_peak_mb"] = traced.get("traced_peak_mb")
        if "error" in traced:
            row["traced_error"] = traced["error"]
    return row


def _fmt(value: Any, spec: str) -> str:
    return "-" if value is None else format(value, spec)


#: Table columns: (heading, row key, width, format); text columns are left-aligned.
COLUMNS = [
    ("N", "n", 8, "d"),
    ("timing", "timing", 6, "s"),
    ("seconds", "seconds", 8, ".3f"),
    ("cpu", "cpu_seconds", 7, ".3f"),
    ("create", "create_seconds", 7, ".3f"),
    ("update", "update_seconds", 7, ".3f"),
    ("RSS MB", "rss_mb", 7, ".0f"),
    ("traced MB", "traced_peak_mb", 9, ".1f"),
    ("events", "events", 9, "d"),
    ("simpy ev", "simpy_events", 9, "d"),
    ("sim t", "sim_seconds_total", 6, ".1f"),
]

LEGEND = """\
seconds: wall time of Cluster() + apply + run_until_complete + apply (new image) +
  run_until_complete; cpu: the same span in process CPU time (wall well above cpu: the
  machine was busy); create / update: wall time of the two halves.
RSS MB: ru_maxrss of the timed subprocess, interpreter and imports included.
traced MB: tracemalloc peak of the scenario alone, from a separate subprocess.
events: len(cluster.events); simpy ev: events SimPy scheduled; sim t: simulated seconds."""


def _cell(value: Any, width: int, spec: str) -> str:
    if value is None:
        return "-".rjust(width)
    text = format(value, spec)
    return text.ljust(width) if spec == "s" else text.rjust(width)


def _print_table(rows: list[dict[str, Any]]) -> None:
    head = " ".join(h.ljust(w) if spec == "s" else h.rjust(w) for h, _, w, spec in COLUMNS)
    print(head + "  done")
    print("-" * (len(head) + 6))
    for r in rows:
        if "error" in r and "seconds" not in r:
            print(f"{r['n']:>8} {r['timing']:<6} ERROR: {r['error']}")
            continue
        cells = " ".join(_cell(r.get(key), w, spec) for _, key, w, spec in COLUMNS)
        print(cells + ("  yes" if r.get("complete") else "  NO"))
    print(LEGEND)


def _check_targets(rows: list[dict[str, Any]], profiled: bool) -> list[dict[str, Any]]:
    results = []
    for label, n, metric, limit in TARGETS:
        row = next((r for r in rows if r["n"] == n and r["timing"] == "fixed"), None)
        value = None if row is None else row.get(metric)
        if value is None:
            verdict = "SKIP"
        elif profiled and metric == "seconds":
            verdict = "N/A"  # cProfile overhead: the time is not the product's
        elif not row or not row.get("complete"):
            verdict = "FAIL"  # a rollout that did not complete meets no target
        else:
            verdict = "PASS" if value <= limit else "FAIL"
        results.append(
            {
                "target": label,
                "n": n,
                "metric": metric,
                "limit": limit,
                "value": value,
                "verdict": verdict,
            }
        )
    return results


def _environment(src: str) -> dict[str, Any]:
    """Interpreter, library versions, and which rollsim (and git state) was measured."""
    env: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "src": src,
    }
    try:
        probe = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; sys.path.insert(0, sys.argv[1]); import rollsim, simpy, numpy; "
                "print(rollsim.__version__, rollsim.__file__, simpy.__version__, "
                "numpy.__version__)",
                src,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        version, path, simpy_version, numpy_version = probe.stdout.split()
        env.update(rollsim=version, rollsim_path=path, simpy=simpy_version, numpy=numpy_version)
    except (OSError, subprocess.CalledProcessError, ValueError):
        pass
    try:
        head = subprocess.run(
            ["git", "-C", src, "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", src, "status", "--porcelain", "--", "rollsim"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        env["git"] = head + (" (rollsim/ has uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        env["git"] = None
    return env


def _format_value(metric: str, value: float | None) -> str:
    if value is None:
        return "not run"
    return f"{value:.3f} s" if metric == "seconds" else f"{value:.0f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time and memory of creating, then rolling, a Deployment of N replicas."
    )
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[1_000, 10_000, 100_000],
        help="replica counts to run with fixed timings (default: 1000 10000 100000)",
    )
    parser.add_argument(
        "--random-size",
        type=int,
        default=RANDOM_SIZE,
        help="size of the LogNormal-timings row (default 10000; 0: skip it)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="timed runs per case; the fastest is reported (default 1)",
    )
    parser.add_argument(
        "--no-tracemalloc", action="store_true", help="skip the (slow) tracemalloc run of each case"
    )
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="write a cProfile dump per case to DIR (times then include the "
        "profiler's overhead and are not checked against targets)",
    )
    parser.add_argument(
        "--src",
        default=str(ROOT),
        help="directory holding the rollsim package to measure (default: this "
        "checkout), e.g. a `git archive` of another commit",
    )
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        spec = json.loads(args.worker)
        print(
            json.dumps(
                run_case(spec["n"], spec["timing"], spec["mode"], spec["profile"], spec["src"])
            )
        )
        return 0

    src = str(Path(args.src).resolve())
    cases = [(n, "fixed") for n in args.sizes]
    if args.random_size:
        cases.append((args.random_size, "random"))
    rows = []
    for n, timing in cases:
        print(f"running N={n} ({timing} timings)...", file=sys.stderr, flush=True)
        rows.append(
            _measure(n, timing, max(1, args.repeat), not args.no_tracemalloc, args.profile, src)
        )

    env = _environment(src)
    print()
    print(
        f"rollsim {env.get('rollsim', '?')} from {src} (git: {env.get('git') or '-'}), "
        f"Python {env['python']}"
    )
    print(
        f"Deployment of N replicas: create, then roll to a new image (25%/25%); pods "
        f"start in {FIXED_STARTUP:g} s (fixed) or LogNormal{RANDOM_STARTUP} s (random)"
    )
    print()
    _print_table(rows)
    print()
    targets = _check_targets(rows, profiled=args.profile is not None)
    for t in targets:
        print(
            f"{t['verdict']:<4}  {t['target']:<28} measured: "
            f"{_format_value(t['metric'], t['value'])}"
        )
    for r in rows:
        if r.get("timing") == "random" and r.get("seconds") is not None:
            print(
                f"info  N={r['n']} with random timings: {r['seconds']:.3f} s, "
                f"{r['rss_mb']:.0f} MB RSS (no target)"
            )

    if args.json:
        report = {"environment": env, "rows": rows, "targets": targets}
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
