"""Defect classes still open, by test id: each xfails its test until the fix lands.

The lead deletes an entry once the engineers' fixes make its test pass (the
xfail is not strict, so a passing test shows as XPASS until then). A corpus
file names its class in its header; the same table decides its xfail.
"""

from __future__ import annotations

import pytest

OPEN: dict[str, str] = {
    "corpus:yaml-int-tag-empty": "`name: !!int` (an empty tagged int) -> IndexError in "
    "rollsim/api/manifest.py:_yaml_int",
    "manifests:nesting": "dicts 10,000 deep -> RecursionError in rollsim/api/manifest.py:_plain "
    "(the text path is limited, the dict path is not)",
    "manifests:yaml": "a dict-mode alias bomb (one list shared 10^6 times) -> hang in "
    "rollsim/api/limits.py:jsonable (expansion is not counted on the dict path)",
    "manifests:sizes": "3,000 documents in one apply -> hang past 5 s in rollsim/api/wire.py "
    "(no document count or total size limit)",
}


def marks(test_id: str) -> list[pytest.MarkDecorator]:
    """The xfail mark for ``test_id`` if its defect class is still open."""
    reason = OPEN.get(test_id)
    return [pytest.mark.xfail(strict=False, reason=reason)] if reason else []
