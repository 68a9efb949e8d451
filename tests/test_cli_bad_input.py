"""Bad input to ``rollsim replay``, to Scenario and PodBehavior, never a traceback (issue 11).

The CLI prints one ``rollsim: ...`` line on stderr and exits 1 for a user's
mistake (a missing file, a bad config or session line); a kubectl command that
fails is part of the transcript with kubectl's words, as in a shell. Python
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
    ("line", "message"),
    [
        ("sleep inf", f"line 1: sleep needs a number of seconds from 0 to {MAX_SLEEP:g}, got inf"),
        ("sleep nan", f"line 1: sleep needs a number of seconds from 0 to {MAX_SLEEP:g}, got nan"),
        ("sleep -1", f"line 1: sleep needs a number of seconds from 0 to {MAX_SLEEP:g}, got -1"),
        ("sleep 1e300", "line 1: sleep needs a number of seconds from 0 to 86400, got 1e300"),
        ("sleep soon", "line 1: sleep needs a number of seconds"),
        ("sleep", "line 1: sleep needs a number of seconds"),
        ("kubectl get 'deploy", "line 1: No closing quotation"),
        ("helm install x", "line 1: expected a kubectl or sleep command, got 'helm'"),
    ],
)
def test_bad_session_lines_stop_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, message: str
) -> None:
    """``sleep inf`` ran the clock forever; an unbalanced quote was a raw shlex error."""
    code, _, err = replay(tmp_path, capsys, line + "\n")
    assert (code, err) == (1, f"rollsim: {message}\n")


def test_missing_session_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["replay", str(tmp_path / "nope.session")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("rollsim: [Errno 2] No such file or directory")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("pods: [1, 2", "rollsim: {path}: while parsing a flow sequence"),
        ("[1, 2]", "rollsim: {path}: expected a mapping, got [1, 2]"),
        ("pods: 3", "rollsim: pods: expected a mapping, got 3"),
        ("images: {web:1: 5}", "rollsim: images[web:1]: expected a mapping, got 5"),
        ("pods: {startup: {uniform: [1]}}", "rollsim: pods.startup: uniform takes [low, high]"),
        (
            "pods: {startup: {uniform: [3, 1]}}",
            "rollsim: pods.startup: Invalid Uniform arguments: high: Invalid value: 1: "
            "must be >= 3",
        ),
        (
            "pods: {startup: {lognormal: [x, 1]}}",
            "rollsim: pods.startup: Invalid LogNormal arguments: median: Invalid value: "
            '"x": must be a number of seconds',
        ),
        ("pods: {startup: {gamma: 2}}", "rollsim: pods.startup: expected seconds or one of"),
        (
            "pods: {error_rate: 2}",
            "rollsim: pods: Invalid PodBehavior arguments: error_rate: Invalid value: 2: "
            "must be a number between 0 and 1, inclusive",
        ),
        ("pods: {speed: 2}", "rollsim: pods: PodBehavior.__init__() got an unexpected keyword"),
    ],
)
def test_bad_config_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], config: str, message: str
) -> None:
    """Each was a traceback (TypeError, AttributeError, yaml's ScannerError) or a
    message without the field."""
    path = tmp_path / "pods.yaml"
    path.write_text(config, encoding="utf-8")
    code, _, err = replay(tmp_path, capsys, "kubectl get pods\n", "--config", str(path))
    assert code == 1
    assert err.startswith(message.format(path=path))
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--startup", "nan"],
            "rollsim: pods: Invalid PodBehavior arguments: startup: Invalid value: nan: "
            "must be a finite number\n",
        ),
        (
            ["--shutdown", "-1"],
            "rollsim: pods: Invalid PodBehavior arguments: shutdown: Invalid value: -1.0: "
            "must be >= 0\n",
        ),
    ],
)
def test_bad_timing_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    code, _, err = replay(tmp_path, capsys, "kubectl get pods\n", *options)
    assert (code, err) == (1, message)


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
        ({"ready": math.nan}, "ready", "must be a finite number"),
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
