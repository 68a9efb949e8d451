"""The examples run as a user would run them, and say what the article says."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_seed_walkthrough_script(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "seed_walkthrough.py")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    out = result.stdout
    assert "$ kubectl apply -f ngx-dep-v1.yaml\ndeployment.apps/ngx-dep created\n" in out
    assert 'deployment "ngx-dep" successfully rolled out' in out
    # History 1,2,3 becomes 1,3,4 after the undo, then 1,4,5 and 1,4,5,6.
    assert "REVISION  CHANGE-CAUSE\n1         <none>\n3         <none>\n4         <none>\n" in out
    assert "6         升级Nginx的版本到1.27\n" in out
    assert "nginx:1.26-alpine   app=ngx-dep" in out
