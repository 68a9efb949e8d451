"""The ``rollsim`` command line: replay kubectl sessions on a simulated cluster.

``rollsim demo`` replays the seed walkthrough shipped with the package;
``rollsim replay SESSION`` replays a session file of your own (the rules of a
session are ``rollsim.replay``'s). Exit status: the session's (its last
command's, or the status of the line that stopped it); 2 when the command line
is unusable (a bad option, a session file or ``--config`` that cannot be read
or holds a mistake), with one ``rollsim: ...`` line on stderr.
"""

from __future__ import annotations

import argparse
import difflib
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import fields
from importlib import metadata
from pathlib import Path
from typing import Any, TextIO

import rollsim
from rollsim import dist
from rollsim.api.manifest import YAMLProblem, compose_yaml
from rollsim.behavior import PodBehavior
from rollsim.cluster import Cluster
from rollsim.replay import SessionError, replay

__all__ = ["main"]

DEMO = Path(__file__).parent / "demo" / "seed.session"

_DISTRIBUTIONS = {
    "fixed": dist.Fixed,
    "uniform": dist.Uniform,
    "exponential": dist.Exponential,
    "lognormal": dist.LogNormal,
    "empirical": dist.Empirical,
    "kwok": dist.KwokDelay,
}

#: The fields of a config file, and of each behaviour in it.
_CONFIG_FIELDS = ("pods", "images")
_BEHAVIOR_FIELDS = tuple(f.name for f in fields(PodBehavior))
_TIMED_FIELDS = frozenset(
    {
        "schedule",
        "pull",
        "startup",
        "warmup",
        "shutdown",
        "pre_stop",
        "crash_loop",
        "unready_after",
        "hangs_after",
        "latency",
    }
)


def _duration(value: Any, where: str) -> float | dist.Distribution:
    """A number, or a ``{lognormal: [median, sigma]}``-style mapping from a config file
    (the parameters as a list, one value, or a mapping of their names)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, dict) and len(value) == 1:
        ((name, params),) = value.items()
        kind = str(name).lower()
        factory = _DISTRIBUTIONS.get(kind)
        if factory is not None:
            return _distribution(factory, kind, params, where)
    raise ValueError(
        f"{where}: expected seconds or one of "
        f"{', '.join('{' + k + ': ...}' for k in _DISTRIBUTIONS)}, got {value!r}"
    )


def _distribution(
    factory: type[dist.Distribution], kind: str, params: Any, where: str
) -> dist.Distribution:
    """``factory`` called with the parameters a config file gives for it."""
    try:
        if isinstance(params, dict):
            return factory(**{str(k): v for k, v in params.items()})
        if kind == "empirical":
            # Its one parameter is the list of values itself.
            return factory(params)  # type: ignore[call-arg]
        return factory(*(params if isinstance(params, list) else [params]))
    except TypeError:
        # The wrong number or names of parameters: the distribution's own checks
        # name wrong values, so only its signature is left to say.
        raise ValueError(f"{where}: {kind} takes {_arity(factory)}, got {params!r}") from None
    except ValueError as err:
        raise ValueError(f"{where}: {err}") from None


def _arity(factory: type[dist.Distribution]) -> str:
    """The parameters a distribution takes, as a config file gives them."""
    names = [f.name for f in fields(factory)]  # type: ignore[arg-type]
    return f"[{', '.join(names)}]" if len(names) > 1 else names[0]


def _mapping(value: Any, where: str) -> dict[str, Any]:
    """A mapping read from the config file, or an error naming where it was expected."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        prefix = f"{where}: " if where else ""
        raise ValueError(f"{prefix}expected a mapping, got {value!r}")
    return value


def _known_fields(spec: dict[str, Any], known: Sequence[str], where: str) -> None:
    """Refuse a field the config does not define, as kubectl's strict decoding refuses an
    unknown field, with the closest known name when there is one."""
    for key in spec:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f'did you mean "{close[0]}"?' if close else f"known: {', '.join(known)}"
            raise ValueError(f'{where}unknown field "{key}", {hint}')


def _behavior(spec: dict[str, Any], where: str) -> PodBehavior:
    """The PodBehavior a config mapping describes, every mistake named by its field."""
    _known_fields(spec, _BEHAVIOR_FIELDS, f"{where}: ")
    values: dict[str, Any] = {
        key: _duration(value, f"{where}.{key}") if key in _TIMED_FIELDS else value
        for key, value in spec.items()
    }
    try:
        return PodBehavior(**values)
    except ValueError as err:
        raise ValueError(f"{where}: {err}") from None


def _config(path: str, pods: dict[str, Any]) -> tuple[PodBehavior, dict[str, PodBehavior]]:
    """Read ``--config``: the default behaviour (its ``pods`` fields over ``pods``, the
    command line's) and the behaviour of each image under ``images``, which starts from
    that default. The YAML is read as kubectl reads a manifest (``compose_yaml``: one
    document, duplicate keys refused)."""
    try:
        loaded = compose_yaml(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise ValueError(err.strerror or str(err)) from None
    except YAMLProblem as err:
        raise ValueError("; ".join(line.strip() for line in str(err).splitlines())) from None
    config = _mapping(loaded, "")
    _known_fields(config, _CONFIG_FIELDS, "")
    defaults = {**pods, **_mapping(config.get("pods"), "pods")}
    images: dict[str, PodBehavior] = {}
    for image, spec in _mapping(config.get("images"), "images").items():
        where = f"images[{image}]"
        images[image] = _behavior({**defaults, **_mapping(spec, where)}, where)
    return _behavior(defaults, "pods"), images


def _cluster(args: argparse.Namespace) -> Cluster:
    """A fresh cluster with the command line's seed, timings and ``--config``."""
    pods: dict[str, Any] = {
        "startup": args.startup,
        "warmup": args.warmup,
        "shutdown": args.shutdown,
    }
    if args.config is None:
        return Cluster(seed=args.seed, pods=PodBehavior(**pods))
    try:
        default, images = _config(args.config, pods)
    except ValueError as err:
        raise ValueError(f"--config {args.config}: {err}") from None
    return Cluster(seed=args.seed, pods=default, images=images)


def _seed(text: str) -> int:
    """``--seed``: a non-negative integer, what NumPy's ``SeedSequence`` takes."""
    if not text.isascii() or not text.isdigit():
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    """``--startup``, ``--warmup``, ``--shutdown``: finite seconds, not negative, as
    PodBehavior takes them."""
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, got {text!r}") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds >= 0, got {text!r}")
    return seconds


def _version() -> str:
    """``rollsim <version>`` from the installed package's metadata, or the source tree's
    ``__version__`` when rollsim runs uninstalled."""
    try:
        return f"rollsim {metadata.version('rollsim')}"
    except metadata.PackageNotFoundError:
        return f"rollsim {rollsim.__version__}"


def _add_cluster_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--startup",
        type=_seconds,
        default=2.0,
        help="seconds from pod creation to container start (default 2)",
    )
    parser.add_argument(
        "--warmup",
        type=_seconds,
        default=0.0,
        help="seconds from container start until the application answers (default 0)",
    )
    parser.add_argument(
        "--shutdown",
        type=_seconds,
        default=0.0,
        help="seconds a deleted pod takes to stop (default 0)",
    )
    parser.add_argument(
        "--config",
        metavar="YAML",
        help="pod behaviours: {pods: {startup: 2}, images: {IMAGE: {...}}}; "
        "durations are seconds or {lognormal: [median, sigma]}, "
        "{uniform: [low, high]}, {exponential: mean}",
    )


_SESSION_RULES = (
    "A line is one command, as in a shell script: a '#' that begins a word starts a "
    "comment; sleep takes seconds or GNU sleep's 30s, 2m, 1h. A kubectl command that "
    "fails is printed with kubectl's message and the replay goes on, as 'sh SESSION' "
    "without -e; the exit status is the last command's. A line rollsim cannot run "
    "(unbalanced quotes, a pipe or other shell syntax, a program other than kubectl or "
    "sleep, a bad sleep) stops the replay after the transcript so far, with 'line N: ...' "
    "on stderr and the status a shell gives it (2, 127 or 1)."
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rollsim",
        # The usage line names the commands, as it did before --version; the options
        # list shows every flag.
        usage="%(prog)s [-h] COMMAND ...",
        description="Replay kubectl sessions against a deterministic simulated cluster.",
    )
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", prog="rollsim")
    demo = commands.add_parser(
        "demo",
        help="replay the seed walkthrough shipped with rollsim",
        description="Replay the seed walkthrough: apply, rolling "
        "update, rollout status, history and undo.",
    )
    _add_cluster_options(demo)
    session = commands.add_parser(
        "replay",
        help="replay a session file of kubectl commands",
        description="Replay SESSION: kubectl lines, 'sleep N' lines "
        "and # comments, against a fresh cluster.",
        epilog=_SESSION_RULES,
    )
    session.add_argument("session", help="path to the session file")
    _add_cluster_options(session)
    return parser


def _writer(stream: TextIO) -> Callable[[str], None]:
    """Write text to ``stream`` whatever its encoding can hold. kubectl writes UTF-8
    whatever the locale; Python refuses text an ASCII stream (``LANG=C``,
    ``PYTHONIOENCODING=ascii``) cannot encode, so those characters become ``?``, the
    ``replace`` error handler's, one for one so columns stay where they were."""
    encoding = getattr(stream, "encoding", None) or "utf-8"

    def write(text: str) -> None:
        try:
            stream.write(text)
        except UnicodeEncodeError:
            # TextIOWrapper encodes the whole text before writing any of it.
            stream.write(text.encode(encoding, errors="replace").decode(encoding))

    return write


def _fail(message: str, status: int) -> int:
    """One ``rollsim: ...`` line on stderr, after what stdout holds so far."""
    sys.stdout.flush()
    _writer(sys.stderr)(f"rollsim: {message}\n")
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """``rollsim``: the exit status is the session's, or 2 for an unusable command line."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    path = DEMO if args.command == "demo" else Path(args.session)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        return _fail(f"{path}: {err.strerror or err}", 2)
    except ValueError as err:
        return _fail(f"{path}: {err}", 2)
    try:
        cluster = _cluster(args)
    except ValueError as err:
        return _fail(str(err), 2)
    try:
        transcript = replay(text, cluster, cwd=path.parent, write=_writer(sys.stdout))
    except SessionError as err:
        return _fail(str(err), err.transcript.exit_code)
    return transcript.exit_code
