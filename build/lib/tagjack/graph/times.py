"""Epoch seconds (what stores hand analytics) to UTC datetimes and ISO-8601 text."""

from __future__ import annotations

from datetime import UTC, datetime


def utc(epoch: int | float) -> datetime:
    """Timezone-aware UTC datetime of epoch seconds."""
    return datetime.fromtimestamp(int(epoch), UTC)


def iso(moment: datetime | None) -> str | None:
    """``2014-04-22T20:15:00Z``; None stays None."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def duration(seconds: float) -> str:
    """A short human duration: ``45 s``, ``12 min``, ``3.5 h``, ``2.1 days``."""
    seconds = max(float(seconds), 0.0)
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"
