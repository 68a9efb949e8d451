"""The benchmarks still run against this checkout.

They are not timed here (a benchmark, not a timed test): each runs once at
a toy size, so a change to the API they drive breaks a test instead of the
next person who measures.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_scale_benchmark_completes_both_rollouts(tmp_path: Path) -> None:
    out = tmp_path / "scale.json"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "scale.py"),
            "--sizes",
            "40",
            "--random-size",
            "40",
            "--no-tracemalloc",
            "--json",
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    rows = json.loads(out.read_text())["rows"]
    assert [(r["n"], r["timing"]) for r in rows] == [(40, "fixed"), (40, "random")]
    for row in rows:
        assert "error" not in row, row.get("error")
        assert row["complete"] is True
        assert row["simpy_events"] > 0


def test_traffic_benchmark_prints_its_verdict() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "traffic.py"), "--repeat", "1"],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in proc.stderr
    assert ("PASS" in proc.stdout) or ("FAIL" in proc.stdout)
