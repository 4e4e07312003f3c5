"""Values the engine passes around: a match's state, the orders of a round, and the records.

Everything here is plain data that serialises to JSON with sorted keys, so that "the same match
to the byte" can be checked by comparing ``canonical_json`` outputs.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, NamedTuple, TypeVar

from bot.game.deal_state import Deal

RecordKind = Literal[
    "order",  # a seat ordered a move
    "effect",  # a metric changed
    "miss",  # a chance effect did not happen, or its condition did not hold
    "scheduled",  # an effect was put off to a later round
    "interaction",  # a rule about moves played together fired
    "threshold_on",
    "threshold_off",
    "event",
    "decision",
    "exposed",  # a covert move was found out: from now on everyone sees it
    "ending",
    "held",  # a conditional order did not run: a condition failed or an escrow lapsed
    "deal",  # a deal changed state (expired, kept, broken, lapsed)
    "kept",  # a promise's term was kept, or an escrow's exchange ran
    "breach",  # a promise's term was broken
    "lapse",  # an escrow's exchange did not happen this round
]


Direction = Literal["up", "down"]


@dataclass(frozen=True)
class Forecast:
    """What an argument predicts: a metric moves ``direction`` by the end of this round
    (``horizon`` 0) or of the next one (1)."""

    metric: str
    direction: Direction
    horizon: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The forecast as a JSON-ready dict."""
        return {"metric": self.metric, "direction": self.direction, "horizon": self.horizon}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Forecast:
        """Rebuild a forecast stored with ``to_dict``."""
        return cls(str(data["metric"]), data["direction"], int(data.get("horizon", 0)))


SPECTATORS = "spectators"  # the rater name of the spectators' bloc


@dataclass(frozen=True)
class Rating:
    """One rater's plausibility rating of an argument, -2 .. +2.

    ``by`` is a seat id, ``spectators`` (the bloc: ``value`` its mean, ``count`` how many), or
    another name for a rater outside the seats (``room``: a simulated audience).
    """

    by: str
    value: float
    count: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The rating as a JSON-ready dict."""
        data: dict[str, Any] = {"by": self.by, "value": self.value}
        if self.count is not None:
            data["count"] = self.count
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rating:
        """Rebuild a rating stored with ``to_dict``."""
        return cls(str(data["by"]), float(data["value"]), data.get("count"))


@dataclass(frozen=True)
class Order:
    """One move a seat orders this round, with its public argument.

    ``rating`` (-1..1) is the move's rating r as it acts on the numbers (open debate, an
    umpire, or a simulated room); it scales the move's own effects within
    ``rules.rating_bound``. ``ratings`` are the raters' values (-2..2) behind it, which count
    as debate points even when they do not act (sealed debate). ``author`` is the player who
    wrote the argument; ``umpire`` who ruled on its rating, if anyone did.
    """

    move: str
    argument: str = ""
    rating: float | None = None
    forecast: Forecast | None = None
    author: str | None = None
    ratings: tuple[Rating, ...] = ()
    umpire: str | None = None
    counter_arguments: tuple[tuple[str, str], ...] = ()  # (player, text)
    conditions: tuple[str, ...] = ()  # ``if: SEAT.MOVE``: runs only when all of these run


def plain_order(move: str, argument: str = "", forecast: Forecast | None = None) -> Order:
    """``Order(move, argument, forecast=forecast)`` without the frozen dataclass's
    ``__init__`` (nine ``object.__setattr__`` calls); the AI makes tens of orders per round."""
    new = object.__new__(Order)
    new.__dict__.update(
        move=move,
        argument=argument,
        rating=None,
        forecast=forecast,
        author=None,
        ratings=(),
        umpire=None,
        counter_arguments=(),
        conditions=(),
    )
    return new


_Plain = TypeVar("_Plain", "Order", "SeatOrders")


def evolve(value: _Plain, **changes: Any) -> _Plain:
    """``dataclasses.replace`` for ``Order`` and ``SeatOrders`` (plain frozen dataclasses: no
    ``__post_init__``, no slots, every field in ``__init__``), without rebuilding every field
    through ``__init__``; the AI's debate makes tens of these per round."""
    new = object.__new__(type(value))
    fields = new.__dict__
    fields.update(value.__dict__)
    for name in changes:
        if name not in fields:
            raise TypeError(f"{type(value).__name__} has no field {name!r}")
    fields.update(changes)
    return new


@dataclass(frozen=True)
class SeatOrders:
    """Everything one seat decides in a round: moves and answers to event decisions."""

    moves: tuple[Order, ...] = ()
    decisions: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Pending:
    """An effect waiting for a later round."""

    source: str
    metric: str
    amount: float
    due: int
    origin: int
    partner: str | None = None  # the metric a transfer takes the change from


class Record(NamedTuple):
    """One line of the engine's account of a round: what happened and why.

    A NamedTuple rather than a frozen dataclass: the engine makes tens of these per round and
    a tuple is several times cheaper to build, while staying immutable.
    """

    round: int
    kind: RecordKind
    source: str  # "move:us.oil_sanctions", "interaction:hardening", "event:fuel_crisis", ...
    seat: str | None = None
    metric: str | None = None
    before: float | None = None
    after: float | None = None
    delta: float | None = None
    delayed_from: int | None = None
    draw: float | None = None
    detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The record as a JSON-ready dict, without empty fields."""
        return {k: v for k, v in zip(self._fields, self, strict=True) if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        """Rebuild a record stored with ``to_dict``."""
        return cls(**data)


@dataclass
class MatchState:
    """A match between rounds. ``round`` is the round about to be played (1-based)."""

    round: int
    last_round: int
    metrics: dict[str, float]
    start: dict[str, float]
    round_start: dict[str, float]
    history: list[dict[str, list[str]]] = field(default_factory=list)
    pending: list[Pending] = field(default_factory=list)
    active: list[str] = field(default_factory=list)
    fired: dict[str, int] = field(default_factory=dict)
    events_now: list[str] = field(default_factory=list)
    awaiting: dict[str, str] = field(default_factory=dict)  # event id -> seat that must decide
    decided: dict[str, str] = field(default_factory=dict)  # event id -> option chosen
    interactions_fired: dict[str, int] = field(default_factory=dict)
    ending: str | None = None
    finished: bool = False
    event_last: dict[str, int] = field(default_factory=dict)  # event id -> last round it fired
    exposed: list[str] = field(default_factory=list)  # covert moves found out
    deals: list[Deal] = field(default_factory=list)
    credibility: dict[str, float] = field(default_factory=dict)  # seats deals have moved
    penalties: dict[str, float] = field(default_factory=dict)  # points lost to breaches

    def copy(self) -> MatchState:
        """A deep copy the engine may change without touching this one (every field set as
        ``__init__`` would, without its call: the engine copies the state every round)."""
        new = object.__new__(MatchState)
        new.__dict__.update(
            round=self.round,
            last_round=self.last_round,
            metrics=dict(self.metrics),
            start=self.start,
            round_start=dict(self.round_start),
            history=list(self.history),
            pending=list(self.pending),
            active=list(self.active),
            fired=dict(self.fired),
            events_now=list(self.events_now),
            awaiting=dict(self.awaiting),
            decided=dict(self.decided),
            interactions_fired=dict(self.interactions_fired),
            ending=self.ending,
            finished=self.finished,
            event_last=dict(self.event_last),
            exposed=list(self.exposed),
            deals=list(self.deals),
            credibility=dict(self.credibility),
            penalties=dict(self.penalties),
        )
        return new

    def to_dict(self) -> dict[str, Any]:
        """The state as a JSON-ready dict."""
        data = asdict(self)
        data["deals"] = [d.to_dict() for d in self.deals]
        opt_in = ("event_last", "exposed", "deals", "credibility", "penalties")
        for name in opt_in:  # used by opt-in features only: older states
            if not data[name]:  # read (and serialise) the same
                del data[name]
        for item in data["pending"]:
            if item["partner"] is None:
                del item["partner"]  # absent unless a transfer: older states read the same
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MatchState:
        """Rebuild a state stored with ``to_dict``."""
        values = dict(data)
        values["pending"] = [Pending(**p) for p in data.get("pending", [])]
        values["deals"] = [Deal.from_dict(d) for d in data.get("deals", [])]
        return cls(**values)

    def played_in(self, round_number: int) -> set[str]:
        """Every move ordered in an earlier round (1-based)."""
        if 1 <= round_number <= len(self.history):
            return {m for moves in self.history[round_number - 1].values() for m in moves}
        return set()


@dataclass(frozen=True)
class RoundResult:
    """What ``resolve_round`` returns: the state after the round and the account of it."""

    state: MatchState
    records: tuple[Record, ...]


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: equal values give equal bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def records_json(records: tuple[Record, ...] | list[Record]) -> str:
    """The canonical JSON of a list of records."""
    return canonical_json([r.to_dict() for r in records])
