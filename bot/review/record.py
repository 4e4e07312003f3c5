"""The match record: everything a reviewer may read about one match, as versioned JSON.

The models are the schema: ``MatchRecord.model_json_schema()`` is what ``levers export --schema``
prints and ``docs/match-record.md`` explains field by field. Bump ``RECORD_VERSION`` (and the
doc's changelog) for any change that an existing reader could trip on.

A record never holds Discord objects; player ids are plain text. Values a viewer may not see are
``None`` (metrics, scores) or left out (secret objectives, the seed, the final state), and
``redacted`` says so (see ``bot.review.redact``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.game.deal_state import Deal
from bot.game.state import MatchState, Record

RECORD_FORMAT: Literal["levers-match-record"] = "levers-match-record"
RECORD_VERSION: Literal[2] = 2  # 2: the debate (orders' ratings, forecasts, authors)

Status = Literal["lobby", "running", "finished", "ended"]
"""``running`` (rounds being played), ``finished`` (the rules ended it: last round or an ending),
``ended`` (stopped early by the host or a moderator); ``lobby`` before round 1."""

OrderSource = Literal["players", "ai", "hold"]


class Model(BaseModel):
    """Base of every record model: unknown keys refused, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ScenarioRef(Model):
    """Which scenario, exactly, the match was played with."""

    id: str
    version: str
    title: str
    sha256: str | None = None
    source: str = ""
    language: str = "en"


class MatchInfo(Model):
    """Where, when and how the match was played."""

    id: int | None = None
    guild_id: str | None = None
    channel_id: str | None = None
    host: str | None = None
    status: Status
    rounds_played: int
    last_round: int
    seed: int | None = None
    settings: dict[str, Any] = {}
    created_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    end_reason: str | None = None
    ended_by: str | None = None


class MetricInfo(Model):
    """A metric: its name and range, whether the public sees it, whether this copy hides it."""

    id: str
    name: str
    unit: str = ""
    min: float
    max: float
    start: float
    public: bool
    hidden: bool = False


class HolderInfo(Model):
    """A player who holds (or held) a seat."""

    player: str
    name: str
    since: datetime | None = None
    until: datetime | None = None
    joined_round: int | None = None
    left_round: int | None = None
    roles: list[str] = []


class GoalInfo(Model):
    """One of a seat's public goals."""

    metric: str
    kind: Literal["at_least", "at_most", "near"]
    target: float
    weight: float


class ObjectiveInfo(Model):
    """A seat's secret objective; ``met`` is known once the match is over."""

    id: str
    text: str
    points: float
    met: bool | None = None


class SeatInfo(Model):
    """A seat, who held it, its goals, and (when visible) its secret objectives."""

    id: str
    name: str
    colour: str
    ai: bool
    holders: list[HolderInfo] = []
    goals: list[GoalInfo] = []
    objectives: list[ObjectiveInfo] | None = None


class RecordEntry(Model):
    """One of the engine's records (``bot.game.state.Record``), as stored."""

    round: int
    kind: str
    source: str
    seat: str | None = None
    metric: str | None = None
    before: float | None = None
    after: float | None = None
    delta: float | None = None
    delayed_from: int | None = None
    draw: float | None = None
    detail: str | None = None

    @classmethod
    def of(cls, record: Record) -> RecordEntry:
        """The entry for an engine record."""
        return cls(**record.to_dict())

    def to_engine(self) -> Record:
        """The engine record again (for the shared narrative renderer)."""
        data = self.model_dump(exclude_none=True)
        return Record(**data)


class ForecastInfo(Model):
    """An argument's forecast and its check (``hit`` None until its horizon has resolved)."""

    metric: str
    direction: Literal["up", "down"]
    horizon: int = 0
    hit: bool | None = None


class RatingInfo(Model):
    """One rating of an argument, -2 .. +2: by a seat, or by the spectators as one bloc (with
    ``count``), or by ``room`` (a simulated audience)."""

    by: str
    value: float
    count: int | None = None


class CounterArgument(Model):
    """A player's answer to an argument in the debate window."""

    by: str
    text: str


class OrderInfo(Model):
    """One move a seat ordered, with its argument and the debate about it.

    ``rating`` is the final r (-1 .. 1): the umpire's, else the trimmed mean of ``ratings``
    divided by 2; it acted on the numbers only in open debate (see docs/match-record.md).
    """

    move: str
    name: str
    cost: int
    argument: str = ""
    author: str | None = None
    forecast: ForecastInfo | None = None
    ratings: list[RatingInfo] = []
    rating: float | None = None
    argument_author: str | None = None
    # Whether ``rating`` acted on the numbers (open debate, an umpire, a simulated room); a
    # version 1 record leaves it out, and its rating always acted.
    applied: bool | None = None
    umpire: str | None = None
    counter_arguments: list[CounterArgument] = []
    points: float | None = None  # debate points: mean rating from others + 1 per forecast hit
    conditions: list[str] = []  # ``if: SEAT.MOVE``: the moves it ran on
    ran: bool | None = None  # for a conditional order: whether it ran


class TermInfo(Model):
    """One term of a deal: ``seat`` plays ``move`` (or, with ``avoid``, does not) in rounds
    ``first`` to ``last``."""

    seat: str
    move: str
    first: int
    last: int
    avoid: bool = False


class DealEventInfo(Model):
    """A line of a deal's timeline: a state change, or a term kept, broken, ran or lapsed."""

    round: int
    status: str
    seat: str | None = None
    detail: str | None = None
    at: datetime | None = None  # when (a stored match's talks and rounds; None offline)
    player: str | None = None  # who answered or proposed for the seat ("ai" for the AI)


class DealInfo(Model):
    """A deal between seats and its lifecycle (see ``bot.game.deals``)."""

    id: str
    proposer: str
    parties: list[str]
    kind: Literal["promise", "escrow"]
    text: str = ""
    deadline: int
    status: str
    terms: list[TermInfo]
    accepted_by: list[str] = []
    events: list[DealEventInfo] = []
    proposed_by: str | None = None  # the player who proposed it ("ai" for an AI seat)
    replaces: str | None = None  # the deal this one counters

    @classmethod
    def of(cls, deal: Deal) -> DealInfo:
        """The record's copy of an engine deal."""
        return cls.model_validate(deal.to_dict())

    def to_engine(self) -> Deal:
        """The engine's deal again (for replays)."""
        data = self.model_dump(exclude={"proposed_by", "replaces"})
        data["events"] = [
            {k: v for k, v in e.items() if k not in ("at", "player")} for e in data["events"]
        ]
        return Deal.from_dict(data)


class SeatTurn(Model):
    """A seat's orders in one round and who decided them, when.

    ``on_time`` is True when the seat's players submitted before the orders locked, False when
    they held the seat but missed it (the AI or a hold stood in), None for a seat nobody held.
    """

    seat: str
    source: OrderSource
    submitted_by: str | None = None
    submitted_at: datetime | None = None
    locked_at: datetime | None = None
    on_time: bool | None = None
    orders: list[OrderInfo] = []
    decisions: dict[str, str] = {}


class ModAction(Model):
    """A moderator's (or the host's) action on the match: pause, resume, kick, end, ..."""

    at: datetime | None = None
    round: int
    actor: str | None = None
    action: str
    seat: str | None = None
    detail: dict[str, Any] = {}


class DebateEvent(Model):
    """One act in a round's open-debate window, in order and with its time: a ``rating``
    (every change kept; ``rater`` is the seat the player rated for, or ``spectators``), a
    ``counter`` argument, an umpire's ``ruling``, or a seat's ``done``."""

    at: datetime | None = None
    round: int
    kind: Literal["rating", "counter", "ruling", "done"]
    player: str | None = None
    seat: str | None = None
    move: str | None = None
    rater: str | None = None
    value: int | None = None


class RoundInfo(Model):
    """One resolved round: orders, the engine's records, the state and scores after it."""

    round: int
    label: str = ""
    resolved_at: datetime | None = None
    turns: list[SeatTurn] = []
    records: list[RecordEntry] = []
    metrics: dict[str, float | None] = {}
    scores: dict[str, float | None] = {}
    moderation: list[ModAction] = []
    debate: list[DebateEvent] = []  # the debate window's history (open debate only)


class Opening(Model):
    """The state before round 1 (round 1's events already drawn) and the records of the draw."""

    records: list[RecordEntry] = []
    metrics: dict[str, float | None] = {}
    scores: dict[str, float | None] = {}


class Result(Model):
    """How the match ended: the ending, final scores and winners, the final engine state."""

    ending: str | None = None
    ending_name: str | None = None
    scores: dict[str, float] = {}
    winners: list[str] = []
    state: dict[str, Any] | None = None

    def final_state(self) -> MatchState | None:
        """The engine's final state (for debrief conditions), when the record holds it."""
        return None if self.state is None else MatchState.from_dict(self.state)


class WhatIfInfo(Model):
    """The debrief's *What if*: a turning point's match replayed without the move behind it.

    Both arms start from the state before ``from_round`` and run over the same ``seeds``
    seeds (the match's own first); the changes are what-if minus as-played, seed by seed:
    their mean and the half-width of its 95% interval (``bot.game.fork.interval``).
    """

    round: int
    metric: str
    metric_name: str
    move: str
    move_name: str
    seat: str
    seat_name: str
    from_round: int
    again: bool = False
    seeds: int
    metric_change: float
    metric_interval: float
    score_change: float
    score_interval: float


class SwapResult(Model):
    """A player's result in one seat: the score, the AI's expected score there, the gap."""

    match: int
    seat: str
    seat_name: str
    score: float
    expected: float
    relative: float


class SwapPlayer(Model):
    """How one player did in the match a rematch replays (``first``) and in the rematch."""

    player: str
    name: str
    first: SwapResult | None = None
    second: SwapResult | None = None


class SeatSwapInfo(Model):
    """A seat-swap rematch's comparison (``/match rematch``), once the rematch is over.

    ``seats`` maps each seat of the first match to the seat its players took; ``expected`` is
    each seat's mean score over ``expected_matches`` matches with the AI in every seat (the
    same scenario, seeds drawn from the match's), so seats of different difficulty compare
    fairly: a result's ``relative`` is its score minus the expected score in that seat.
    """

    source_match: int
    mode: Literal["rotate", "random"]
    seats: dict[str, str]
    expected: dict[str, float]
    expected_matches: int
    players: list[SwapPlayer] = []


class MatchRecord(Model):
    """A whole match as reviewers get it (see docs/match-record.md)."""

    format: Literal["levers-match-record"] = RECORD_FORMAT
    version: Literal[1, 2] = RECORD_VERSION  # version 1 records (no debate) still read
    viewer: str | None = Field(
        default=None, description="the seat this copy was cut for; None: the public or everyone"
    )
    redacted: bool = False
    match: MatchInfo
    scenario: ScenarioRef
    metrics: list[MetricInfo]
    seats: list[SeatInfo]
    opening: Opening
    rounds: list[RoundInfo] = []
    moderation: list[ModAction] = []
    result: Result | None = None
    deals: list[DealInfo] = []
    what_if: list[WhatIfInfo] | None = Field(
        default=None, description="the debrief's forks, in exports of a finished match"
    )
    seat_swap: SeatSwapInfo | None = Field(
        default=None, description="a seat-swap rematch's comparison, once the rematch is over"
    )

    @property
    def over(self) -> bool:
        """True once the match has finished or was ended."""
        return self.match.status in ("finished", "ended")

    def seat(self, seat_id: str) -> SeatInfo:
        """The seat with this id (KeyError when there is none)."""
        for seat in self.seats:
            if seat.id == seat_id:
                return seat
        raise KeyError(seat_id)

    def metric(self, metric_id: str) -> MetricInfo:
        """The metric with this id (KeyError when there is none)."""
        for metric in self.metrics:
            if metric.id == metric_id:
                return metric
        raise KeyError(metric_id)

    def round(self, number: int) -> RoundInfo:
        """The resolved round with this number (KeyError when there is none)."""
        for played in self.rounds:
            if played.round == number:
                return played
        raise KeyError(number)

    def series(self, metric_id: str) -> list[float | None]:
        """A metric's value at the opening and after each round (None where hidden)."""
        values = [self.opening.metrics.get(metric_id)]
        values += [r.metrics.get(metric_id) for r in self.rounds]
        return values

    def score_series(self, seat_id: str) -> list[float | None]:
        """A seat's score at the opening and after each round (None where hidden)."""
        values = [self.opening.scores.get(seat_id)]
        values += [r.scores.get(seat_id) for r in self.rounds]
        return values

    def to_json(self, indent: int | None = 2) -> str:
        """The record as JSON text: keys in model order, times in ISO 8601, empty fields left out.

        Only fields whose absence reads back as None are left out; None inside a mapping
        (a hidden metric's value) is kept.
        """
        return self.model_dump_json(indent=indent, exclude_none=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> MatchRecord:
        """Read a record written by ``to_json`` (raises pydantic's ValidationError)."""
        return cls.model_validate_json(text)
