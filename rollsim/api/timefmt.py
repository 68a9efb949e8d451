"""Simulated time as wall-clock text.

The simulation clock counts float seconds from zero; on the wire that instant
is ``EPOCH``. Timestamps are printed as RFC 3339 with second precision, as the
API server stores ``metav1.Time``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

__all__ = ["EPOCH", "format_time", "parse_time"]

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


def format_time(seconds: float) -> str:
    """``2025-01-01T00:00:22Z`` for 22.0 simulated seconds (fractions truncated)."""
    instant = EPOCH + timedelta(seconds=int(seconds // 1))
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> float:
    """Simulated seconds of an RFC 3339 timestamp (may be negative: before the epoch)."""
    instant = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return (instant - EPOCH).total_seconds()
