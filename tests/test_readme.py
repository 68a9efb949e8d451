"""The README's Python blocks run, and print what the README says they print."""

import contextlib
import io
import re
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_readme_examples_print_what_they_claim(monkeypatch: object) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(\w*)\n(.*?)```", text, flags=re.S)
    namespace: dict[str, object] = {}
    pending = None
    checked = 0
    monkeypatch.chdir(ROOT)  # type: ignore[attr-defined]
    for language, body in blocks:
        if language == "python":
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(body, "README.md", "exec"), namespace)
            pending = out.getvalue()
        elif language == "" and pending is not None:
            assert pending == body, f"README output differs:\n{pending}"
            checked += 1
            pending = None
    assert checked == 2
