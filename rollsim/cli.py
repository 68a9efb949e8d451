"""The ``rollsim`` command line: replay kubectl sessions on a simulated cluster.

``rollsim demo`` replays the seed walkthrough shipped with the package;
``rollsim replay SESSION`` replays a session file of your own.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from rollsim import dist
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
            return factory(*params)  # type: ignore[no-any-return]
    raise ValueError(
        f"{where}: expected seconds or one of "
        f"{', '.join('{' + k + ': ...}' for k in _DISTRIBUTIONS)}, got {value!r}"
    )


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
    fields: dict[str, Any] = {}
    for key, value in spec.items():
        fields[key] = _duration(value, f"{where}.{key}") if key in timed else value
    try:
        return PodBehavior(**fields)
    except TypeError as err:
        raise ValueError(f"{where}: {err}") from None


def _cluster(args: argparse.Namespace) -> Cluster:
    pods: dict[str, Any] = {"startup": args.startup, "ready": args.ready, "shutdown": args.shutdown}
    images: dict[str, PodBehavior] = {}
    if args.config:
        config = yaml.safe_load(Path(args.config).read_text(encoding="utf-8")) or {}
        pods.update(config.get("pods") or {})
        for image, spec in (config.get("images") or {}).items():
            images[image] = _behavior({**pods, **spec}, f"images[{image}]")
    return Cluster(seed=args.seed, pods=_behavior(pods, "pods"), images=images)


def _add_cluster_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
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
    except (OSError, ValueError) as err:
        print(f"rollsim: {err}", file=sys.stderr)
        return 1
    sys.stdout.write(transcript.text)
    return transcript.exit_code
