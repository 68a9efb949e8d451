"""The ``rollsim`` command line: replay kubectl sessions on a simulated cluster.

``rollsim demo`` replays the seed walkthrough shipped with the package;
``rollsim replay SESSION`` replays a session file of your own.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

import yaml

from rollsim import dist
from rollsim.api.errors import RollsimError
from rollsim.behavior import PodBehavior
from rollsim.cluster import Cluster
from rollsim.replay import replay

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


def _duration(value: Any, where: str) -> float | dist.Distribution:
    """A number, or ``{lognormal: [median, sigma]}``-style mapping from a config file."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, dict) and len(value) == 1:
        ((name, params),) = value.items()
        factory = _DISTRIBUTIONS.get(str(name).lower())
        if factory is not None:
            params = params if isinstance(params, list) else [params]
            if name == "empirical":
                params = [params]
            try:
                return factory(*params)  # type: ignore[no-any-return]
            except TypeError:
                # The wrong number of parameters: the distribution's own checks
                # name wrong values, so only the count is left to say.
                raise ValueError(
                    f"{where}: {name} takes {_arity(factory)}, got {value[name]!r}"
                ) from None
            except ValueError as err:
                raise ValueError(f"{where}: {err}") from None
    raise ValueError(
        f"{where}: expected seconds or one of "
        f"{', '.join('{' + k + ': ...}' for k in _DISTRIBUTIONS)}, got {value!r}"
    )


def _arity(factory: type[dist.Distribution]) -> str:
    """The parameters a distribution takes, as a config file gives them."""
    names = [f.name for f in fields(factory)]  # type: ignore[arg-type]
    return f"[{', '.join(names)}]" if len(names) > 1 else names[0]


def _mapping(value: Any, where: str) -> dict[str, Any]:
    """A mapping read from the config file, or an error naming where it was expected."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{where}: expected a mapping, got {value!r}")
    return value


def _behavior(spec: Any, where: str) -> PodBehavior:
    if not isinstance(spec, dict):
        raise ValueError(f"{where}: expected a mapping of PodBehavior fields")
    timed = {
        "schedule",
        "pull",
        "startup",
        "ready",
        "shutdown",
        "crash_loop",
        "unready_after",
        "latency",
    }
    values: dict[str, Any] = {}
    for key, value in spec.items():
        values[key] = _duration(value, f"{where}.{key}") if key in timed else value
    try:
        return PodBehavior(**values)
    except TypeError as err:
        raise ValueError(f"{where}: {err}") from None
    except ValueError as err:
        raise ValueError(f"{where}: {err}") from None


def _cluster(args: argparse.Namespace) -> Cluster:
    pods: dict[str, Any] = {"startup": args.startup, "ready": args.ready, "shutdown": args.shutdown}
    images: dict[str, PodBehavior] = {}
    if args.config:
        try:
            loaded = yaml.safe_load(Path(args.config).read_text(encoding="utf-8"))
        except yaml.YAMLError as err:
            raise ValueError(f"{args.config}: {err}") from None
        config = _mapping(loaded, args.config)
        pods.update(_mapping(config.get("pods"), "pods"))
        for image, spec in _mapping(config.get("images"), "images").items():
            where = f"images[{image}]"
            images[str(image)] = _behavior({**pods, **_mapping(spec, where)}, where)
    return Cluster(seed=args.seed, pods=_behavior(pods, "pods"), images=images)


def _seed(text: str) -> int:
    """``--seed``: a non-negative integer, what NumPy's ``SeedSequence`` takes."""
    if not text.isascii() or not text.isdigit():
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {text!r}")
    return int(text)


def _add_cluster_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--startup",
        type=float,
        default=2.0,
        help="seconds from pod creation to container start (default 2)",
    )
    parser.add_argument(
        "--ready",
        type=float,
        default=0.0,
        help="seconds from container start to readiness (default 0)",
    )
    parser.add_argument(
        "--shutdown",
        type=float,
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="rollsim",
        description="Replay kubectl sessions against a deterministic simulated cluster.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
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
    )
    session.add_argument("session", help="path to the session file")
    _add_cluster_options(session)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    path = DEMO if args.command == "demo" else Path(args.session)
    try:
        text = path.read_text(encoding="utf-8")
        cluster = _cluster(args)
        transcript = replay(text, cluster, cwd=path.parent)
    except (OSError, ValueError, RollsimError) as err:
        # A user's mistake (a missing file, a bad config, a refused manifest) is one
        # line on stderr; anything else is a bug in rollsim and keeps its traceback.
        print(f"rollsim: {err}", file=sys.stderr)
        return 1
    sys.stdout.write(transcript.text)
    return transcript.exit_code
