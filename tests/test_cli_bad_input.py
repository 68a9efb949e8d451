"""Bad input to ``rollsim replay``, to Scenario and PodBehavior, never a traceback (issue 11).

The CLI prints one ``rollsim: ...`` line on stderr for a user's mistake: exit 2
for a session file or ``--config`` it cannot use, a shell's status for a session
line it cannot run (after the transcript so far); a kubectl command that fails
is part of the transcript with kubectl's words, as in a shell. Python
arguments of Scenario, Action, PodBehavior and the distributions are refused
with a ``ValidationError`` naming the field.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from rollsim import PodBehavior, Scenario, dist
from rollsim.api.errors import RollsimError, ValidationError
from rollsim.cli import main
from rollsim.replay import MAX_SLEEP
from rollsim.scenario import Action

SERVICE = """apiVersion: v1
kind: Service
metadata: {name: x}
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "web:1"}]}
"""


def replay(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], session: str, *options: str
) -> tuple[int, str, str]:
    """Run ``rollsim replay`` on ``session`` (with svc.yaml beside it): exit code,
    stdout, stderr."""
    (tmp_path / "svc.yaml").write_text(SERVICE, encoding="utf-8")
    path = tmp_path / "s.session"
    path.write_text(session, encoding="utf-8")
    code = main(["replay", str(path), *options])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --------------------------------------------------------------- the CLI


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (
            "kubectl set image service/x c=i",
            "error: services/x the object is not a pod or does not have a pod template: "
            "*v1.Service",
        ),
        (
            "kubectl scale service/x --replicas=3",
            "Error from server (NotFound): the server could not find the requested resource",
        ),
    ],
)
def test_failed_kubectl_lines_are_part_of_the_transcript(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, message: str
) -> None:
    """Both printed a raw traceback before: now kubectl's words and its exit code 1."""
    code, out, err = replay(tmp_path, capsys, f"kubectl apply -f svc.yaml\n{command}\n")
    assert code == 1
    assert err == ""
    assert out.endswith(f"$ {command}\n{message}\n")


@pytest.mark.parametrize(
    ("line", "message", "status"),
    [
        ("sleep inf", f"sleep needs a number of seconds from 0 to {MAX_SLEEP:g}, got inf", 1),
        ("sleep nan", f"sleep needs a number of seconds from 0 to {MAX_SLEEP:g}, got nan", 1),
        ("sleep -1", f"sleep needs a number of seconds from 0 to {MAX_SLEEP:g}, got -1", 1),
        ("sleep 1e300", "sleep needs a number of seconds from 0 to 86400, got 1e300", 1),
        ("sleep 1d 1s", "sleep needs a number of seconds from 0 to 86400, got 1d 1s", 1),
        ("sleep 5 -1", "sleep needs a number of seconds from 0 to 86400, got 5 -1", 1),
        ("sleep soon", "sleep: invalid time interval 'soon'", 1),
        ("sleep 1_000", "sleep: invalid time interval '1_000'", 1),
        ("sleep 5x", "sleep: invalid time interval '5x'", 1),
        ("sleep", "sleep: missing operand", 1),
        ("kubectl get 'deploy", "No closing quotation", 2),
        ("kubectl get deploy \\", "No escaped character", 2),
        ("helm install x", "expected a kubectl or sleep command, got 'helm'", 127),
    ],
)
def test_bad_session_lines_stop_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, message: str, status: int
) -> None:
    """``sleep inf`` ran the clock forever; an unbalanced quote was a raw shlex error. The
    prompt of the line is in the transcript, the message names the line, and the status
    is a shell's: 1 from sleep, 2 for a syntax error, 127 for a command not found."""
    code, out, err = replay(tmp_path, capsys, line + "\n")
    assert (code, out, err) == (status, f"[t=0s] $ {line}\n", f"rollsim: line 1: {message}\n")


def test_missing_session_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The file named on the command line cannot be read: exit 2, as argparse's errors."""
    path = tmp_path / "nope.session"
    code = main(["replay", str(path)])
    assert (code, capsys.readouterr().err) == (2, f"rollsim: {path}: No such file or directory\n")


def test_session_file_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "latin1.session"
    path.write_bytes(b"# caf\xe9\nkubectl get pods\n")
    code = main(["replay", str(path)])
    captured = capsys.readouterr()
    assert (code, captured.out) == (2, "")
    assert captured.err == (
        f"rollsim: {path}: 'utf-8' codec can't decode byte 0xe9 in position 5: "
        "invalid continuation byte\n"
    )


_KNOWN = (
    "schedule, pull, startup, warmup, shutdown, pre_stop, image_pull_error, crash_loop, "
    "never_ready, unready_after, hangs_after, error_rate, latency"
)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("pods: [1, 2", "yaml: line 2: did not find expected ',' or ']'"),
        (
            "pods: {startup: 1}\npods: {startup: 2}\n",
            'yaml: unmarshal errors:; line 2: mapping key "pods" already defined at line 1',
        ),
        ("--- {}\n--- {}\n", "yaml: line 2: expected a single document in the stream"),
        ("[1, 2]", "expected a mapping, got [1, 2]"),
        ("pods: 3", "pods: expected a mapping, got 3"),
        ("images: [web]", "images: expected a mapping, got ['web']"),
        ("images: {web:1: 5}", "images[web:1]: expected a mapping, got 5"),
        ("pods: {startup: {uniform: [1]}}", "pods.startup: uniform takes [low, high], got [1]"),
        (
            "pods: {startup: {uniform: {low: 1, hi: 2}}}",
            "pods.startup: uniform takes [low, high], got {'low': 1, 'hi': 2}",
        ),
        (
            "pods: {startup: {lognormal: null}}",
            "pods.startup: lognormal takes [median, sigma], got None",
        ),
        (
            "pods: {startup: {uniform: [3, 1]}}",
            "pods.startup: Invalid Uniform arguments: high: Invalid value: 1: must be >= 3",
        ),
        (
            "pods: {startup: {lognormal: [x, 1]}}",
            "pods.startup: Invalid LogNormal arguments: median: Invalid value: "
            '"x": must be a number of seconds',
        ),
        ("pods: {startup: {gamma: 2}}", "pods.startup: expected seconds or one of {fixed: ...}"),
        ("pods: {startup: 2s}", "pods.startup: expected seconds or one of {fixed: ...}"),
        (
            "pods: {error_rate: 2}",
            "pods: Invalid PodBehavior arguments: error_rate: Invalid value: 2: "
            "must be a number between 0 and 1, inclusive",
        ),
        (
            "pods: {never_ready: sometimes}",
            'pods: Invalid PodBehavior arguments: never_ready: Invalid value: "sometimes": '
            "must be a bool",
        ),
        ("pods: {speed: 2}", f'pods: unknown field "speed", known: {_KNOWN}'),
        ("pods: {startupp: 2}", 'pods: unknown field "startupp", did you mean "startup"?'),
        ("pod: {startup: 2}", 'unknown field "pod", did you mean "pods"?'),
        (
            "images: {web:1: {shutdwon: 3}}",
            'images[web:1]: unknown field "shutdwon", did you mean "shutdown"?',
        ),
    ],
)
def test_bad_config_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], config: str, message: str
) -> None:
    """Each was a traceback (TypeError, AttributeError, yaml's ScannerError), a message of
    several lines, a message without the field, or (an unknown or duplicated field) no
    message at all: the field was ignored. Now one line naming the file, exit 2."""
    path = tmp_path / "pods.yaml"
    path.write_text(config, encoding="utf-8")
    code, out, err = replay(tmp_path, capsys, "kubectl get pods\n", "--config", str(path))
    assert (code, out) == (2, "")
    assert err.startswith(f"rollsim: --config {path}: {message}")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda path: None, "No such file or directory"),
        (lambda path: path.mkdir(), "Is a directory"),
        (
            lambda path: path.write_bytes(b"pods: {startup: \xff}"),
            "'utf-8' codec can't decode byte 0xff in position 16: invalid start byte",
        ),
    ],
)
def test_unreadable_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Any, reason: str
) -> None:
    path = tmp_path / "pods.yaml"
    make(path)
    code, out, err = replay(tmp_path, capsys, "kubectl get pods\n", "--config", str(path))
    assert (code, out, err) == (2, "", f"rollsim: --config {path}: {reason}\n")


@pytest.mark.parametrize(
    "config",
    [
        "images: {web:1: {startup: {Empirical: [1, 2]}}}",
        "pods: {startup: {uniform: {low: 1, high: 2}}}",
    ],
)
def test_config_spellings_that_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], config: str
) -> None:
    """``Empirical`` (the lookup ignores case) was called as ``Empirical(1, 2)``, a
    TypeError reported as the wrong number of parameters; parameters by name were
    refused."""
    path = tmp_path / "pods.yaml"
    path.write_text(config, encoding="utf-8")
    code, out, err = replay(tmp_path, capsys, "kubectl get pods\n", "--config", str(path))
    assert (code, out, err) == (
        0,
        "[t=0s] $ kubectl get pods\nNo resources found in default namespace.\n",
        "",
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--startup", "nan"], "argument --startup: must be a finite number of seconds >= 0"),
        (["--shutdown", "-1"], "argument --shutdown: must be a finite number of seconds >= 0"),
        (["--warmup=inf"], "argument --warmup: must be a finite number of seconds >= 0"),
        (["--warmup", "2s"], "argument --warmup: must be a number of seconds, got '2s'"),
    ],
)
def test_bad_timing_options_are_refused_by_the_parser(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    """They were reported as ``pods: Invalid PodBehavior arguments``, naming no option."""
    with pytest.raises(SystemExit) as exit_info:
        replay(tmp_path, capsys, "kubectl get pods\n", *options)
    assert exit_info.value.code == 2
    assert f"rollsim replay: error: {message}" in capsys.readouterr().err


def test_negative_seed_is_refused_by_the_parser(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """NumPy's ``SeedSequence(-1)`` raised its own ValueError; argparse names the option."""
    with pytest.raises(SystemExit) as exit_info:
        replay(tmp_path, capsys, "kubectl get pods\n", "--seed=-1")
    assert exit_info.value.code == 2
    assert "argument --seed: must be a non-negative integer, got '-1'" in capsys.readouterr().err


# ---------------------------------------------- Scenario and PodBehavior


@pytest.mark.parametrize(
    ("arguments", "field", "detail"),
    [
        ({"startup": -1}, "startup", "must be >= 0"),
        ({"warmup": math.nan}, "warmup", "must be a finite number"),
        ({"pull": math.inf}, "pull", "must be a finite number"),
        ({"schedule": "2s"}, "schedule", "must be seconds or a rollsim.dist distribution"),
        ({"latency": True}, "latency", "must be seconds or a rollsim.dist distribution"),
        ({"crash_loop": -5}, "crash_loop", "must be >= 0"),
        ({"unready_after": math.nan}, "unready_after", "must be a finite number"),
        ({"never_ready": "yes"}, "never_ready", "must be a bool"),
        ({"error_rate": math.nan}, "error_rate", "must be a number between 0 and 1, inclusive"),
    ],
)
def test_pod_behavior_names_the_argument(
    arguments: dict[str, Any], field: str, detail: str
) -> None:
    """NaN passed every ``< 0`` check; a string failed inside NumPy at the first pod."""
    with pytest.raises(ValidationError) as info:
        PodBehavior(**arguments)
    assert [(e.field, e.detail) for e in info.value.errors] == [(field, detail)]
    assert str(info.value).startswith(f"Invalid PodBehavior arguments: {field}: Invalid value: ")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: dist.Fixed(-1), "Invalid Fixed arguments: value: Invalid value: -1: must be"),
        (lambda: dist.Uniform(math.nan, 1), "Invalid Uniform arguments: low: Invalid value: nan"),
        (lambda: dist.LogNormal(0, 1), "Invalid LogNormal arguments: median: Invalid value: 0"),
        (lambda: dist.Empirical(()), "Invalid Empirical arguments: values: Invalid value: []"),
        (lambda: dist.Empirical("12"), 'Invalid Empirical arguments: values: Invalid value: "12"'),
        (
            lambda: dist.Empirical((1, -2)),
            "Invalid Empirical arguments: values[1]: Invalid value: -2",
        ),
        (
            lambda: dist.KwokDelay(1, math.inf),
            "Invalid KwokDelay arguments: jitter_duration: Invalid value: inf",
        ),
        (lambda: dist.Exponential("3"), "Invalid Exponential arguments: mean_seconds: Invalid"),
    ],
)
def test_distributions_name_the_argument(make: Any, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        make()
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"seed": -1}, "seed"),
        ({"seed": 1.5}, "seed"),
        ({"timeout": math.nan}, "timeout"),
        ({"until": -3}, "until"),
        ({"latency": {"deployment": -1}}, "latency[deployment]"),
        ({"latency": "fast"}, "latency"),
        ({"pods": {"startup": 2}}, "pods"),
        ({"images": {"web:1": 3}}, "images"),
        ({"actions": [3]}, "actions"),
        ({"traffic": "lots"}, "traffic"),
        ({"target": 7}, "target"),
    ],
)
def test_scenario_names_the_argument(arguments: dict[str, Any], field: str) -> None:
    """A negative seed failed in NumPy's SeedSequence at run(); a NaN timeout never
    ended the run."""
    with pytest.raises(ValidationError) as info:
        Scenario(DEPLOYMENT, **arguments)
    assert [e.field for e in info.value.errors] == [field]


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"time": -1, "kubectl": "get pods"}, "time"),
        ({"time": math.nan, "kubectl": "get pods"}, "time"),
        ({"time": "soon", "kubectl": "get pods"}, "time"),
        ({"time": 1, "kubectl": ["get", "pods"]}, "kubectl"),
        ({"time": 1}, "kubectl"),
    ],
)
def test_action_names_the_argument(arguments: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        Action(**arguments)
    assert [e.field for e in info.value.errors] == [field]


def test_unknown_target_kind() -> None:
    """``target="nope/web"`` silently meant a Deployment."""
    with pytest.raises(ValidationError) as info:
        Scenario(DEPLOYMENT, target="nope/web").target_ref()
    assert str(info.value) == (
        'Invalid Scenario arguments: target: Invalid value: "nope/web": '
        'the server doesn\'t have a resource type "nope"'
    )


def test_run_with_a_bad_seed() -> None:
    with pytest.raises(RollsimError):
        Scenario(DEPLOYMENT).run(seed=-2)


def test_valid_arguments_still_run() -> None:
    """The checks refuse nothing that worked: the same scenario runs to completion."""
    cluster = Scenario(
        DEPLOYMENT,
        pods=PodBehavior(startup=dist.Uniform(1, 2), error_rate=0.5, crash_loop=None),
        latency={"deployment": 0.1},
        actions=[Action(time=1, kubectl="set image deployment/web web=web:2")],
        seed=3,
    ).run()
    assert cluster.get("Deployment", "web").status.updated_replicas == 1
