"""``rollsim replay`` keeps the user's work (issue 12, item 7), and the CLI's rough edges.

A session is read as ``sh SESSION`` reads a script: a ``#`` that begins a word
outside quotes is a comment, kubectl's own flags (``-n``, ``--namespace``) pass
through untouched, a failing kubectl command is part of the transcript and the
replay goes on, and a line rollsim cannot run stops the replay after the
transcript so far with ``line N:`` and a shell's exit status.

The namespace test applies two files of the Kubernetes docs unchanged (their
text below, each with its repository, path and commit): the namespaces
walkthrough's ``admin/namespace-dev.yaml`` and ``controllers/nginx-deployment.yaml``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

import rollsim.replay
from rollsim.cli import main
from rollsim.cluster import Cluster
from rollsim.replay import SessionError, Transcript, replay

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "kubectl" / "golden" / "seed.txt"

# kubernetes/website content/en/examples/admin/namespace-dev.yaml
# (commit 7a090ad7363dc8f01a2304c43a0fa3d27b25b540), unchanged.
NAMESPACE_DEV = """---
{
  apiVersion: "v1",
  kind: "Namespace",
  metadata: {
    name: "development",
    labels: {
      name: "development",
    },
  },
}
"""

# kubernetes/website content/en/examples/controllers/nginx-deployment.yaml
# (commit 3389c10e6a8eb36cadbfe89cdb28acd00b020388), unchanged.
NGINX_DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app.kubernetes.io/name: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app.kubernetes.io/name: nginx
  template:
    metadata:
      labels:
        app.kubernetes.io/name: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
"""

SERVICE = """apiVersion: v1
kind: Service
metadata: {name: x}
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""

GET_SVC = (
    "NAME   TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n"
    "x      ClusterIP   10.96.0.2    <none>        80/TCP    {age}\n"
)


def run_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], session: str
) -> tuple[int, str, str]:
    """``rollsim replay`` on ``session`` with svc.yaml beside it: status, stdout, stderr."""
    (tmp_path / "svc.yaml").write_text(SERVICE, encoding="utf-8")
    path = tmp_path / "s.session"
    path.write_text(session, encoding="utf-8")
    code = main(["replay", str(path)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _env(**extra: str) -> dict[str, str]:
    """The environment of a ``python -m rollsim`` child that imports this checkout."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": path, **extra}


# ---------------------------------------------------------------- the user's work


def test_transcript_so_far_is_printed_before_the_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad line on line 4 threw away lines 1 to 3: only the error was printed."""
    code, out, err = run_cli(
        tmp_path,
        capsys,
        "kubectl apply -f svc.yaml\nsleep 5\nkubectl get svc x\nsleep soon\nkubectl get svc x\n",
    )
    assert code == 1
    assert out == (
        "[t=0s] $ kubectl apply -f svc.yaml\nservice/x created\n"
        "[t=0s] $ sleep 5\n"
        "[t=5s] $ kubectl get svc x\n" + GET_SVC.format(age="5s") + "[t=5s] $ sleep soon\n"
    )
    assert err == "rollsim: line 4: sleep: invalid time interval 'soon'\n"


def test_the_error_comes_after_the_transcript_on_one_stream(tmp_path: Path) -> None:
    """With stdout and stderr on one pipe (``2>&1``) the error line is the last line: the
    transcript is flushed before it."""
    (tmp_path / "svc.yaml").write_text(SERVICE, encoding="utf-8")
    session = tmp_path / "s.session"
    session.write_text("kubectl apply -f svc.yaml\nhelm install x\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "rollsim", "replay", str(session)],
        env=_env(PYTHONIOENCODING="utf-8"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 127
    assert result.stdout.decode() == (
        "[t=0s] $ kubectl apply -f svc.yaml\nservice/x created\n"
        "[t=0s] $ helm install x\n"
        "rollsim: line 2: expected a kubectl or sleep command, got 'helm'\n"
    )


def test_session_error_carries_the_transcript() -> None:
    """The library's view: ``SessionError`` names the line and holds the text so far,
    which ``write`` had already received piece by piece."""
    pieces: list[str] = []
    with pytest.raises(SessionError) as info:
        replay("# one\nsleep 2\nkubectl get 'pods\n", Cluster(), write=pieces.append)
    assert str(info.value) == "line 3: No closing quotation"
    assert info.value.line == 3
    assert info.value.transcript == Transcript(
        "# one\n[t=0s] $ sleep 2\n[t=2s] $ kubectl get 'pods\n", 2
    )
    assert "".join(pieces) == info.value.transcript.text


def test_a_bug_keeps_its_traceback_with_the_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception rollsim did not mean is not turned into a one-line message, but its
    traceback says which session line was running."""

    def broken(*args: object, **kwargs: object) -> str:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(rollsim.replay, "run", broken)
    pieces: list[str] = []
    with pytest.raises(ZeroDivisionError) as info:
        replay("sleep 1\nkubectl get pods  # all\n", Cluster(), write=pieces.append)
    assert info.value.__notes__ == ["while replaying line 2: kubectl get pods  # all"]
    assert "".join(pieces) == "[t=0s] $ sleep 1\n[t=1s] $ kubectl get pods  # all\n"


@pytest.mark.parametrize(
    ("session", "status"),
    [
        ("kubectl get deploy nope\nkubectl get svc x\n", 0),
        ("kubectl get svc x\nkubectl get deploy nope\n", 1),
        ("kubectl get deploy nope\nsleep 1\n", 0),
        ("kubectl get deploy nope\n# a comment is not a command\n", 1),
    ],
)
def test_exit_status_is_the_last_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], session: str, status: int
) -> None:
    """As ``sh SESSION`` without ``-e``: a failing kubectl line does not stop the replay,
    and the status is the last command's. A ``sleep`` after a failure kept its status 1."""
    code, out, err = run_cli(tmp_path, capsys, "kubectl apply -f svc.yaml\n" + session)
    assert (code, err) == (status, "")
    assert 'Error from server (NotFound): deployments.apps "nope" not found\n' in out


# ---------------------------------------------------------------- comments and sleep


def test_comments_as_the_shell_strips_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A trailing ``# ...`` was passed to kubectl as three more arguments; inside quotes,
    escaped or in the middle of a word a ``#`` is part of the word, as in the shell."""
    code, out, err = run_cli(
        tmp_path,
        capsys,
        "kubectl apply -f svc.yaml # create it\n"
        "   # an indented comment\n"
        "kubectl get svc x\t# tab before the comment\n"
        "kubectl get deploy 'web # kept'  # dropped\n"
        'kubectl get deploy "web # kept"\n'
        "kubectl get deploy \\#web\n"
        "kubectl get deploy web#x\n",
    )
    assert (code, err) == (1, "")
    assert out == (
        "[t=0s] $ kubectl apply -f svc.yaml # create it\nservice/x created\n"
        "# an indented comment\n"
        "[t=0s] $ kubectl get svc x\t# tab before the comment\n"
        + GET_SVC.format(age="0s")
        + "[t=0s] $ kubectl get deploy 'web # kept'  # dropped\n"
        'Error from server (NotFound): deployments.apps "web # kept" not found\n'
        '[t=0s] $ kubectl get deploy "web # kept"\n'
        'Error from server (NotFound): deployments.apps "web # kept" not found\n'
        "[t=0s] $ kubectl get deploy \\#web\n"
        'Error from server (NotFound): deployments.apps "#web" not found\n'
        "[t=0s] $ kubectl get deploy web#x\n"
        'Error from server (NotFound): deployments.apps "web#x" not found\n'
    )


def test_a_trailing_backslash_continues_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The habit of the Flagger and Argo docs (``kubectl -n test set image
    deployment/podinfo \\`` then the image on the next line) was a "No escaped
    character" error. The next lines show after ``> `` as a terminal's; a backslash in
    a comment continues nothing."""
    code, out, err = run_cli(
        tmp_path,
        capsys,
        "kubectl apply -f svc.yaml\n"
        "kubectl get \\\n"
        "    svc \\\n"
        "  x   # the service\n"
        "kubectl get deploy web\\\n"
        "x\n"
        "# a comment \\\n"
        "kubectl get svc x\n",
    )
    assert (code, err) == (0, "")
    assert out == (
        "[t=0s] $ kubectl apply -f svc.yaml\nservice/x created\n"
        "[t=0s] $ kubectl get \\\n> svc \\\n> x   # the service\n"
        + GET_SVC.format(age="0s")
        + "[t=0s] $ kubectl get deploy web\\\n> x\n"
        'Error from server (NotFound): deployments.apps "webx" not found\n'
        "# a comment \\\n"
        "[t=0s] $ kubectl get svc x\n" + GET_SVC.format(age="0s")
    )


def test_sleep_reads_its_operands_as_gnu_sleep(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``sleep 1m`` was refused and ``sleep 1 2`` waited 1 s, the 2 ignored: coreutils
    sleep takes s/m/h/d suffixes and waits the sum of its operands."""
    code, out, err = run_cli(
        tmp_path,
        capsys,
        "kubectl apply -f svc.yaml\nsleep 1m\nsleep 0.5m 15  # 45 s\nsleep .5e1s\n"
        "kubectl get svc x\n",
    )
    assert (code, err) == (0, "")
    assert out.endswith(
        "[t=0s] $ sleep 1m\n[t=60s] $ sleep 0.5m 15  # 45 s\n[t=105s] $ sleep .5e1s\n"
        "[t=110s] $ kubectl get svc x\n" + GET_SVC.format(age="110s")
    )


@pytest.mark.parametrize(
    ("line", "syntax"),
    [
        ("kubectl get pods | grep web", "|"),
        ("kubectl get pods > pods.txt", ">"),
        ("kubectl apply -f - <<EOF", "<<"),
        ("kubectl get pods && sleep 1", "&&"),
        ("kubectl get pods; sleep 1", ";"),
        ("kubectl get pods &", "&"),
        ("kubectl set image deploy/web web=web:$TAG", "$TAG"),
        ("kubectl get deploy ${NAME}", "${NAME}"),
        ('kubectl get deploy "$(cat name)"', "$("),
        ("kubectl get deploy `cat name`", "`"),
        ("(kubectl get pods)", "("),
    ],
)
def test_shell_syntax_is_refused_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, syntax: str
) -> None:
    """Each reached kubectl as literal words (``|`` and ``grep`` as names, ``$TAG`` as an
    image tag): now the line names what rollsim does not simulate, exit 2."""
    code, out, err = run_cli(tmp_path, capsys, line + "\n")
    assert (code, out) == (2, f"[t=0s] $ {line}\n")
    assert err == (
        f"rollsim: line 1: rollsim does not simulate the shell's `{syntax}`: "
        "a session line is one kubectl or sleep command\n"
    )


def test_shell_syntax_inside_single_quotes_is_a_word(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(tmp_path, capsys, "kubectl get deploy '$x|y;(z)'\n")
    assert (code, err) == (1, "")
    assert out.endswith('Error from server (NotFound): deployments.apps "$x|y;(z)" not found\n')


# ---------------------------------------------------------------- namespaces


def test_namespace_flags_pass_through(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The Kubernetes docs' files applied as the namespaces walkthrough does, then every
    spelling of the namespace flag kubectl accepts, in any position: replay hands each
    line to kubectl as written (less its comment)."""
    (tmp_path / "namespace-dev.yaml").write_text(NAMESPACE_DEV, encoding="utf-8")
    (tmp_path / "nginx-deployment.yaml").write_text(NGINX_DEPLOYMENT, encoding="utf-8")
    gets = [
        "kubectl -n development get deploy",
        "kubectl get deploy --namespace=development",
        "kubectl get deploy --namespace development  # the long flag",
        "kubectl get deploy -n=development",
        "kubectl get deploy -ndevelopment",
    ]
    path = tmp_path / "ns.session"
    path.write_text(
        "kubectl create -f namespace-dev.yaml\n"
        "kubectl apply -f nginx-deployment.yaml -n development\n"
        + "".join(f"{get}\n" for get in gets)
        + "kubectl get deploy\n",
        encoding="utf-8",
    )
    code = main(["replay", str(path)])
    captured = capsys.readouterr()
    table = (
        "NAME               READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "nginx-deployment   0/3     3            0           0s\n"
    )
    assert (code, captured.err) == (0, "")
    assert captured.out == (
        "[t=0s] $ kubectl create -f namespace-dev.yaml\nnamespace/development created\n"
        "[t=0s] $ kubectl apply -f nginx-deployment.yaml -n development\n"
        "deployment.apps/nginx-deployment created\n"
        + "".join(f"[t=0s] $ {get}\n{table}" for get in gets)
        + "[t=0s] $ kubectl get deploy\nNo resources found in default namespace.\n"
    )


# ---------------------------------------------------------------- the command line


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """``rollsim --version`` was an argparse error, exit 2."""
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"rollsim {metadata.version('rollsim')}\n"


def test_version_subprocess() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "rollsim", "--version"],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        f"rollsim {metadata.version('rollsim')}\n",
        "",
    )


@pytest.mark.parametrize(
    "environment",
    [
        {"PYTHONIOENCODING": "ascii"},
        {"LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"},
    ],
    ids=["PYTHONIOENCODING=ascii", "LANG=C"],
)
def test_demo_on_an_ascii_terminal(environment: dict[str, str]) -> None:
    """The demo's last history names a change cause in Chinese: on an ASCII stdout it was
    a UnicodeEncodeError traceback after half the transcript. Now each character the
    stream cannot hold is a ``?``, and everything else is the golden transcript."""
    env = {k: v for k, v in _env(**environment).items() if k != "PYTHONIOENCODING"}
    env.update(environment)
    result = subprocess.run(
        [sys.executable, "-m", "rollsim", "demo"],
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )
    golden = GOLDEN.read_text(encoding="utf-8")
    assert (result.returncode, result.stderr) == (0, b"")
    assert result.stdout == golden.encode("ascii", errors="replace")
    assert b"6         ??Nginx????1.27\n" in result.stdout
