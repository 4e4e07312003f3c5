"""The services' clock: injected, so tests (and replays of timers) control time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from db.codec import parse_time

__all__ = ["Clock", "ManualClock", "parse_time", "system_clock"]

Clock = Callable[[], datetime]
"""A function returning the current time as an aware UTC datetime."""


def system_clock() -> datetime:
    """The real time, in UTC."""
    return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told to: ``clock.advance(30)``."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2021, 1, 20, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        """The clock's current time."""
        return self.now

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward and return the new time."""
        self.now += timedelta(seconds=seconds)
        return self.now
