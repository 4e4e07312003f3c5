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
    Authors,
    ClassRun,
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
    SeatSwap,
    StoredFork,
    StoredScenario,
    Submission,
    Timer,
)

MAX_ARGUMENT = 1000
"""The longest argument (characters) a player may write for one move."""

MAX_NAME = 100
"""The longest display name kept for a player."""

MAX_TEAM = 10
"""The most players one seat may hold (a match's team size)."""


Front = Literal["terminal", "discord"]


@dataclass(frozen=True)
class Actor:
    """Who is asking, as the front end knows them; every use case takes one.

    ``player`` is a Discord user id as text (or a local name); ``moderator`` says the front end
    saw an administrator's right (Manage Server, or the terminal's operator); ``guild_id`` and
    ``roles`` are the server the request came from and the asker's role ids there. The services
    decide from these alone: a Discord actor sees only its own server's things (others are *not
    found*) and a Discord actor without a server (a direct message) is refused; a terminal actor
    (``front="terminal"``) runs on the machine that holds the database and sees everything. A
    moderator is ``moderator`` or the holder of the server's moderator role (``/levers
    settings``); the host of a match is whoever created it.
    """

    player: str
    name: str = ""
    moderator: bool = False
    guild_id: str | None = None
    roles: frozenset[str] = frozenset()
    front: Front = "terminal"

    @property
    def label(self) -> str:
        """The display name, or the id when there is none."""
        return self.name or self.player

    def sees(self, guild_id: str | None) -> bool:
        """True when something of this server (None: a terminal match) is visible to the actor."""
        return self.front == "terminal" or (self.guild_id is not None and guild_id == self.guild_id)


SYSTEM = Actor("system", "Levers", moderator=True)
"""The actor for what the bot does by itself (deadlines, reminders, announcements) and for
the operator's commands on the machine that holds the database."""


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


FiredKind = Literal["resolved", "reminder", "stale", "debate"]


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
    "Authors",
    "ClassRun",
    "Controller",
    "FiredTimer",
    "Front",
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
    "SeatSwap",
    "StoredFork",
    "StoredScenario",
    "Submission",
    "Timer",
]
