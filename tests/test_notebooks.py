"""Every notebook runs green with a real kernel, from its own folder."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))
#: A strategy name each notebook's tables must show.
EXPECTED_ROWS = {
    "compare_strategies": "maxSurge 1, maxUnavailable 0",
    "compare_progressive": "Argo canary (traffic-routed)",
}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), (
        "notebooks are committed without outputs"
    )
    NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert images, "the comparison plots render as PNG"
    tables = [o for o in outputs if "text/html" in o.get("data", {})]
    assert any(EXPECTED_ROWS[path.stem] in o["data"]["text/html"] for o in tables)


def test_at_least_one_notebook() -> None:
    assert NOTEBOOKS
