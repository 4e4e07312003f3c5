"""What repositories return: plain frozen dataclasses (never sqlite rows, never Discord objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from bot.game.state import MatchState, Record, SeatOrders

Phase = Literal["lobby", "orders", "debate", "finished", "ended"]
"""``lobby`` (seats being taken) -> ``orders`` (round N being played) -> ``finished`` (the
scenario's end: last round or an ending) or ``ended`` (stopped by the host or a moderator)."""

Controller = Literal["players", "ai", "hold", "open"]
"""Who decides a seat's orders: its players, the AI, nobody (it holds), or nobody yet (lobby)."""

OrderSource = Literal["players", "ai", "hold"]
SubmissionStatus = Literal["current", "replaced", "withdrawn", "locked"]
TimerKind = Literal["deadline", "reminder_half", "reminder_last_minute", "debate_close"]
Origin = Literal["builtin", "file", "upload"]


@dataclass(frozen=True)
class Holder:
    """A player holding a seat: an id (Discord user id as text, or a local name) and a name."""

    player: str
    name: str
    since: datetime


@dataclass(frozen=True)
class SeatInfo:
    """One seat of a match and who holds it."""

    seat: str
    position: int
    controller: Controller
    holders: tuple[Holder, ...] = ()
    captain: str | None = None

    @property
    def players(self) -> tuple[str, ...]:
        """The ids of the players holding the seat."""
        return tuple(h.player for h in self.holders)


@dataclass(frozen=True)
class Match:
    """A match as stored: settings, phase, round, deadline, seats, and the state before ``round``.

    ``round`` is the round being played while the phase is ``orders``; once the match is over it
    is the last round played. ``state`` is None in the lobby and in match lists.
    """

    id: int
    scenario_id: str
    scenario_version: str
    scenario_sha256: str
    scenario_source: int | None
    guild_id: str | None
    channel_id: str | None
    host: str
    seed: int
    last_round: int
    ai_fill: bool
    teams: bool
    deadline_seconds: int | None
    settings: dict[str, Any]
    phase: Phase
    round: int
    revision: int
    paused: bool
    deadline_at: datetime | None
    remaining_seconds: float | None
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    ending: str | None
    end_reason: str | None
    ended_by: str | None
    winners: tuple[str, ...] | None
    seats: tuple[SeatInfo, ...] = ()
    state: MatchState | None = field(default=None, compare=False)
    team_size: int = 1

    @property
    def finished(self) -> bool:
        """True once the match is over (finished by the rules or ended early)."""
        return self.phase in ("finished", "ended")

    @property
    def rounds_resolved(self) -> int:
        """How many rounds have been resolved."""
        return self.round if self.phase == "finished" else max(self.round - 1, 0)

    def seat(self, seat_id: str) -> SeatInfo | None:
        """The seat with this id, or None."""
        return next((s for s in self.seats if s.seat == seat_id), None)

    def seat_of(self, player: str) -> str | None:
        """The seat the player holds, or None."""
        return next((s.seat for s in self.seats if player in s.players), None)

    def captain_of(self, seat_id: str) -> str | None:
        """The player who locks the seat's orders (its captain), or None."""
        info = self.seat(seat_id)
        return None if info is None else info.captain


@dataclass(frozen=True)
class Submission:
    """A seat's orders as submitted by one of its players."""

    id: int
    match_id: int
    round: int
    seat: str
    player: str
    status: SubmissionStatus
    orders: SeatOrders
    cost: int
    submitted_at: datetime
    closed_at: datetime | None = None
    authors: dict[str, Authors] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Authors:
    """Who added a move to a team's draft, and who wrote its argument (last)."""

    author: str
    argument_author: str


@dataclass(frozen=True)
class SeatStatus:
    """Whether a seat has submitted this round (never which moves: those are secret)."""

    seat: str
    controller: Controller
    holders: tuple[Holder, ...]
    submitted: bool
    submitted_by: str | None = None
    submitted_at: datetime | None = None


@dataclass(frozen=True)
class LockedSeat:
    """A seat's orders as locked for the engine, and who decided them."""

    seat: str
    source: OrderSource
    orders: SeatOrders
    submission_id: int | None
    locked_at: datetime


@dataclass(frozen=True)
class StoredRound:
    """A resolved round (round 0 is the opening): locked orders, the records, the state after."""

    match_id: int
    round: int
    orders: dict[str, LockedSeat]
    records: tuple[Record, ...]
    state: MatchState
    state_sha256: str
    resolved_at: datetime
    trigger: str


@dataclass(frozen=True)
class LogEntry:
    """One line of a match's append-only log."""

    id: int
    match_id: int
    round: int
    at: datetime
    kind: str
    actor: str | None
    seat: str | None
    data: dict[str, Any]


@dataclass(frozen=True)
class Announcement:
    """Something to announce, written with the change it announces; send it, then mark it sent.

    ``nonce`` (20 characters) is stable across retries: the announcer sends it as the message
    nonce and writes it into a marker on the post, which it looks for before sending again after
    a crash or an uncertain failure (Discord forgets nonces within minutes).
    """

    id: int
    nonce: str
    dedupe_key: str
    match_id: int | None
    guild_id: str | None
    channel_id: str | None
    round: int | None
    kind: str
    payload: dict[str, Any]
    created_at: datetime
    sent_at: datetime | None = None
    attempts: int = 0


@dataclass(frozen=True)
class Timer:
    """A deadline or a reminder, due at ``due_at``."""

    id: int
    match_id: int
    round: int
    kind: TimerKind
    due_at: datetime


@dataclass(frozen=True)
class StoredScenario:
    """A scenario text kept in the store, and the source row saying where it came from."""

    sha256: str
    scenario_id: str
    version: str
    title: str
    source_id: int | None = None


@dataclass(frozen=True)
class GuildSettings:
    """A server's settings (defaults when it never changed any)."""

    guild_id: str
    moderator_role_id: str | None = None
    default_deadline_seconds: int | None = None
    allowed_channels: tuple[str, ...] = ()
    updated_at: datetime | None = None
    updated_by: str | None = None


@dataclass(frozen=True)
class AuditEntry:
    """Who did what on a server, and when."""

    id: int
    guild_id: str | None
    actor: str
    action: str
    target: str | None
    detail: dict[str, Any]
    at: datetime


@dataclass(frozen=True)
class LibraryEntry:
    """One scenario version in a server's library."""

    id: int
    guild_id: str
    sha256: str
    scenario_id: str
    version: str
    title: str
    uploaded_by: str
    uploaded_at: datetime
    enabled: bool
    is_default: bool


@dataclass(frozen=True)
class ClassRun:
    """A class run: several matches (one per group, ``matches[0]`` is group 1) playing the same
    scenario with the same seed, compared at the end."""

    id: int
    guild_id: str | None
    channel_id: str | None
    host: str
    scenario_sha256: str
    scenario_id: str
    seed: int
    team_size: int
    role_id: str | None
    created_at: datetime
    matches: tuple[int, ...] = ()

    def group_of(self, match_id: int) -> int | None:
        """The group (from 1) playing this match, or None."""
        return self.matches.index(match_id) + 1 if match_id in self.matches else None


@dataclass(frozen=True)
class StoredFork:
    """A fork of a match someone asked for (``/match whatif``), with its report
    (``bot.game.fork.fork_report``: both arms per metric and seat, and their difference)."""

    id: int
    match_id: int
    made_at: datetime
    made_by: str
    made_by_name: str
    while_running: bool
    from_round: int
    seeds: int
    changes: dict[str, Any]
    report: dict[str, Any]


@dataclass(frozen=True)
class SeatSwap:
    """A seat-swap rematch: the match it replays, how seats were swapped (``seats``: the
    source's seat -> the seat its players took in the rematch), and the AI's expected score in
    each seat (the mean over ``expected_seeds`` matches with the AI in every seat)."""

    match_id: int
    source_match_id: int
    mode: Literal["rotate", "random"]
    seats: dict[str, str]
    expected: dict[str, float]
    expected_seeds: int
    created_at: datetime


@dataclass(frozen=True)
class DealStep:
    """One step of a match's talks as stored (``deal_events``): a deal proposed (``body``: its
    terms as JSON), a party's answer, or ``opened`` (the round's AI offers were made)."""

    seq: int
    deal_id: str
    round: int
    status: str
    seat: str | None
    player: str | None
    body: dict[str, Any] | None
    replaces: str | None
    at: datetime


@dataclass(frozen=True)
class TalkThread:
    """The private Discord thread of two seats' talks."""

    seats: tuple[str, str]
    thread_id: str
    opened_by: str
    opened_at: datetime
