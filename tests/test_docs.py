"""The README and every page in docs/ run, and print what they say they print.

A ```python block is executed (blocks of one page share a namespace, in order);
a bare ``` block right after it is the output it must print, exactly.
"""

import contextlib
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_page_examples_print_what_they_claim(
    page: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    text = page.read_text(encoding="utf-8")
    blocks = re.findall(r"```(\w*)\n(.*?)```", text, flags=re.S)
    namespace: dict[str, object] = {}
    pending: str | None = None
    ran = 0
    # Pages name the shipped examples/ by relative path, and may write files
    # of their own: run them in a scratch directory that sees examples/.
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    for language, body in blocks:
        if language == "python":
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(body, str(page), "exec"), namespace)
            pending = out.getvalue()
            ran += 1
        elif language == "" and pending is not None:
            assert pending == body, f"{page.name}: the output differs:\n{pending}"
            pending = None
    assert ran, f"{page.name} has no runnable example"
