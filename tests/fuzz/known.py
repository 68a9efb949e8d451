"""Defect classes still open, by test id: each xfails its test until the fix lands.

The lead deletes an entry once the engineers' fixes make its test pass (the
xfail is not strict, so a passing test shows as XPASS until then). A corpus
file names its class in its header; the same table decides its xfail.
"""

from __future__ import annotations

import pytest

OPEN: dict[str, str] = {}


def marks(test_id: str) -> list[pytest.MarkDecorator]:
    """The xfail mark for ``test_id`` if its defect class is still open."""
    reason = OPEN.get(test_id)
    return [pytest.mark.xfail(strict=False, reason=reason)] if reason else []
