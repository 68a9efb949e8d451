"""Simulated time as wall-clock text.

The simulation clock counts float seconds from zero; on the wire that instant
is ``EPOCH``. Timestamps are printed as RFC 3339 with second precision, as the
API server stores ``metav1.Time``, and read as Go's ``time.Parse(time.RFC3339, ...)``
reads them: ASCII digits only, a ``T`` between date and time, ``Z`` or an offset.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

__all__ = ["EPOCH", "MAX_SECONDS", "MIN_SECONDS", "format_time", "parse_time"]

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)

#: The instants RFC 3339 can write (years 0001 to 9999; ``metav1.Time``'s
#: MarshalJSON refuses a year outside [0,9999]), in simulated seconds.
MIN_SECONDS = (datetime(1, 1, 1, tzinfo=UTC) - EPOCH).total_seconds()
MAX_SECONDS = (datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC) - EPOCH).total_seconds()

# Go's RFC3339 layout; ``[0-9]`` rather than ``\d``, which would take '²' or '①'.
_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})"
)


def format_time(seconds: float) -> str:
    """``2025-01-01T00:00:22Z`` for 22.0 simulated seconds (fractions truncated).

    Raises ``ValueError`` for an instant RFC 3339 cannot write (``MIN_SECONDS`` to
    ``MAX_SECONDS``), rather than ``OverflowError`` from ``timedelta``.
    """
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise ValueError(f"Time.MarshalJSON: year outside of range [0,9999]: {seconds}")
    instant = EPOCH + timedelta(seconds=int(seconds // 1))
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> float:
    """Simulated seconds of an RFC 3339 timestamp (may be negative: before the epoch).

    Raises ``ValueError`` for text Go's ``time.Parse(time.RFC3339, ...)`` refuses.
    """
    if not _RFC3339.fullmatch(text):
        raise ValueError(f'parsing time "{text}" as "2006-01-02T15:04:05Z07:00": cannot parse')
    instant = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (instant - EPOCH).total_seconds()
