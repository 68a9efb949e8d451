"""Plots render headless (Agg) to real PNG files."""

from pathlib import Path

import matplotlib
import pytest
import yaml

import rollsim
from rollsim import plot
from rollsim.forecast import compare
from rollsim.scenario import Action, Scenario

matplotlib.use("Agg")
EXAMPLES = Path(__file__).parent.parent / "examples"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _scenario(strategy: dict[str, object]) -> Scenario:
    old = yaml.safe_load((EXAMPLES / "ngx-dep-v1.yaml").read_text())
    old["spec"]["strategy"] = strategy
    new = yaml.safe_load(yaml.safe_dump(old))
    new["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.25-alpine"
    return Scenario(
        manifests=old,
        actions=[Action(30.0, apply=new)],
        pods=rollsim.PodBehavior(startup=2.0),
        traffic=rollsim.Traffic(rps=100),
    )


@pytest.fixture(scope="module")
def result() -> object:
    return compare(
        {
            "rolling": _scenario({"type": "RollingUpdate"}),
            "recreate": _scenario({"type": "Recreate"}),
        }
    )


@pytest.mark.parametrize("draw", [plot.availability, plot.pods_by_revision, plot.traffic_share])
def test_single_plots(result: object, draw: object, tmp_path: Path) -> None:
    timeline = result.timelines["rolling"]  # type: ignore[attr-defined]
    figure = draw(timeline)  # type: ignore[operator]
    path = tmp_path / "plot.png"
    figure.savefig(path)
    assert path.read_bytes().startswith(PNG_MAGIC)
    axes = figure.axes[0]
    assert axes.get_xlabel() == "time (s)"
    assert axes.get_legend() is not None


def test_comparison_grid(result: object, tmp_path: Path) -> None:
    figure = plot.comparison(result)  # type: ignore[arg-type]
    assert len(figure.axes) == 2 * 3
    assert figure.axes[0].get_title() == "rolling: availability"
    figure.savefig(tmp_path / "grid.png")
    assert (tmp_path / "grid.png").read_bytes().startswith(PNG_MAGIC)


def test_plot_into_given_axes(result: object) -> None:
    from matplotlib.figure import Figure

    figure = Figure()
    ax = figure.add_subplot()
    assert plot.availability(result.timelines["recreate"], ax=ax) is figure  # type: ignore[attr-defined]
    assert ax.get_title() == "ngx-dep: availability"
