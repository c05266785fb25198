"""The injected clock: production reads the system, tests fix the instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Source of the current instant (timezone-aware UTC)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to (tests, demos)."""

    def __init__(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware instant")
        self._now = instant.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **kwargs: float) -> datetime:
        """Move forward by `timedelta(**kwargs)` and return the new instant."""
        self._now = self._now + timedelta(**kwargs)
        return self._now

    def set(self, instant: datetime) -> None:
        """Jump to `instant` (may go backwards, as a badly set clock does)."""
        self._now = instant.astimezone(UTC)
