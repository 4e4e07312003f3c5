"""What services take and return. Store models are re-exported so front ends import one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from bot.game.scenario import Move
from bot.game.state import MatchState, Record
from db.models import (
    Announcement,
    AuditEntry,
    Controller,
    GuildSettings,
    Holder,
    LibraryEntry,
    LockedSeat,
    LogEntry,
    Match,
    Phase,
    SeatInfo,
    SeatStatus,
    StoredScenario,
    Submission,
    Timer,
)

MAX_ARGUMENT = 1000
"""The longest argument (characters) a player may write for one move."""

MAX_NAME = 100
"""The longest display name kept for a player."""


@dataclass(frozen=True)
class Actor:
    """Who is asking: a player id (a Discord user id as text, or a local name), a display name,
    and whether the front end judged them a moderator (e.g. they have the server's moderator
    role). The host of a match is whoever created it."""

    player: str
    name: str = ""
    moderator: bool = False

    @property
    def label(self) -> str:
        """The display name, or the id when there is none."""
        return self.name or self.player


SYSTEM = Actor("system", "Levers")
"""The actor for what the bot does by itself (deadlines, reminders)."""


@dataclass(frozen=True)
class RoundOutcome:
    """A resolved round: the locked orders, the engine's records, the state after, the scores.

    ``already_resolved`` is True when the round had been resolved before this call (the stored
    result is returned unchanged). Round 0 is the opening (no orders; round 1's events).
    """

    match_id: int
    round: int
    trigger: str
    resolved_at: datetime
    orders: dict[str, LockedSeat]
    records: tuple[Record, ...]
    state: MatchState
    scores: dict[str, float]
    winners: tuple[str, ...]
    already_resolved: bool = False

    @property
    def finished(self) -> bool:
        """True when the match ended with this round."""
        return self.state.finished

    @property
    def ending(self) -> str | None:
        """The ending reached (``last_round`` when none fired), once finished."""
        return self.state.ending

    def records_of(self, round_number: int) -> tuple[Record, ...]:
        """The records about one round (the next round's events carry the next number)."""
        return tuple(r for r in self.records if r.round == round_number)


@dataclass(frozen=True)
class SeatOptions:
    """What a seat may order now: its legal moves, its budget, the decisions awaiting it."""

    match_id: int
    round: int
    seat: str
    budget: int
    moves: tuple[Move, ...]
    decisions: tuple[str, ...]
    current: Submission | None = None


FiredKind = Literal["resolved", "reminder", "stale"]


@dataclass(frozen=True)
class FiredTimer:
    """A due timer the timer service handled, and what came of it."""

    timer: Timer
    result: FiredKind
    outcome: RoundOutcome | None = None


@dataclass(frozen=True)
class ReplayReport:
    """The result of re-running a match from its stored scenario text, seed and locked orders."""

    match_id: int
    rounds_checked: int
    first_difference: int | None = None
    detail: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every stored round matched the replay."""
        return self.first_difference is None and not self.problems


__all__ = [
    "MAX_ARGUMENT",
    "MAX_NAME",
    "SYSTEM",
    "Actor",
    "Announcement",
    "AuditEntry",
    "Controller",
    "FiredTimer",
    "GuildSettings",
    "Holder",
    "LibraryEntry",
    "LockedSeat",
    "LogEntry",
    "Match",
    "Phase",
    "ReplayReport",
    "RoundOutcome",
    "SeatInfo",
    "SeatOptions",
    "SeatStatus",
    "StoredScenario",
    "Submission",
    "Timer",
]
