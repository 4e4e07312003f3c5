"""The scenario format: strict pydantic models for the YAML files under ``content/scenarios``.

Every string, list and number is capped so that a hostile upload cannot make the bot render an
oversized message or spend unbounded time. Cross-references (a move naming an unknown metric, a
condition calling ``played`` on a move that does not exist) are checked in ``validate.py``; the
models here check only what one object can check about itself.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, model_validator

from bot.game.expr import Expr, parse

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
MoveId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}\.[a-z][a-z0-9_]{0,39}$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=80, strip_whitespace=True)]
Line = Annotated[str, StringConstraints(min_length=1, max_length=300)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=1000)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=3000)]
Condition = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
Amount = Annotated[float, Field(ge=-1000, le=1000, allow_inf_nan=False)]
Probability = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Rounds = Annotated[int, Field(ge=0, le=20)]

MAX_MOVES_PER_SEAT = 25  # one Discord select menu holds 25 options
_NOTHING: frozenset[str] = frozenset()


class Model(BaseModel):
    """Base for every scenario model: strict types, unknown keys refused, immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, serialize_by_alias=True)


class PlayerCount(Model):
    """How many people a match needs and allows."""

    min: Annotated[int, Field(ge=1, le=50)] = 1
    max: Annotated[int, Field(ge=1, le=50)] = 12


ScenarioId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,39}$")]


class Meta(Model):
    """What the scenario is and where it comes from."""

    id: ScenarioId  # a built-in scenario's id is its file name
    title: Name
    version: Annotated[str, StringConstraints(pattern=r"^\d{1,4}(\.\d{1,4}){0,2}$")]
    author: Name
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")] = "en"
    source: Text
    description: LongText
    rounds: Annotated[int, Field(ge=1, le=20)]
    round_labels: Annotated[list[Name], Field(max_length=20)] = []
    players: PlayerCount = PlayerCount()


class Sight(Model):
    """Which seats see a metric exactly, which with noise; every other seat does not see it."""

    exact: Annotated[list[Id], Field(max_length=10)] = []
    noisy: Annotated[list[Id], Field(max_length=10)] = []
    noise: Annotated[float, Field(ge=0, le=50, allow_inf_nan=False)] = 5.0


class Metric(Model):
    """A number the rules move: its range, start, and who may see it."""

    id: Id
    name: Name
    description: Text | None = None
    min: Amount = 0.0
    max: Amount = 100.0
    start: Amount
    unit: Annotated[str, StringConstraints(max_length=12)] = ""
    see: Literal["all"] | Sight = "all"
    # A switch or internal counter (a sanction in force, a stage reached): state the rules need,
    # not part of the story, so the debrief never picks it as a turning point.
    bookkeeping: bool = False
    # A metric that absorbs this one's changes so that both keep a fixed sum (support shares).
    balance: Id | None = None


class Goal(Model):
    """A weighted target on one metric; a seat's score is the weighted mean of its goals."""

    metric: Id
    target: Amount
    kind: Literal["at_least", "at_most", "near"] = "at_least"
    weight: Annotated[float, Field(gt=0, le=10, allow_inf_nan=False)] = 1.0


class Objective(Model):
    """A secret objective: bonus points when its condition holds at the end of the match."""

    id: Id
    text: Line
    condition: Condition
    points: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] = 10.0


class Leanings(Model):
    """How the AI that plays this seat leans: a bonus (or malus) per move, and its randomness."""

    prefer: Annotated[
        dict[MoveId, Annotated[float, Field(ge=-10, le=10)]], Field(max_length=25)
    ] = {}
    noise: Annotated[float, Field(ge=0, le=10, allow_inf_nan=False)] = 1.0


class Seat(Model):
    """A role a player (or the AI) holds."""

    id: Id
    name: Name
    description: LongText
    colour: Colour = "#5865f2"
    budget: Annotated[int, Field(ge=1, le=10)] = 3
    goals: Annotated[list[Goal], Field(min_length=1, max_length=10)]
    objectives: Annotated[list[Objective], Field(max_length=5)] = []
    ai: Leanings = Leanings()
    credibility: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] = 50.0


class Effect(Model):
    """A change to one metric: fixed (``change``) or drawn from ``range``, possibly by chance.

    ``change`` is a number or an expression (``-0.2 * fuel_supply``) evaluated when the effect
    applies. The change applies ``duration`` times, once per round, starting ``delay`` rounds
    after the round it was triggered in; ``condition`` is checked when it is triggered, and when
    it does not hold the ``else`` effects apply instead.
    """

    metric: Id
    change: Amount | Condition | None = None
    range: Annotated[list[Amount], Field(min_length=2, max_length=2)] | None = None
    chance: Probability = 1.0
    delay: Annotated[int, Field(ge=0, le=10)] = 0
    duration: Annotated[int, Field(ge=1, le=10)] = 1
    condition: Condition | None = None
    otherwise: Annotated[list[Effect], Field(max_length=12, alias="else")] = []
    # A transfer: the change is taken from (or, negative, given to) this metric, so that the two
    # keep their sum; it replaces the metric's own ``balance`` for this effect.
    source: Annotated[Id | None, Field(alias="from")] = None

    @model_validator(mode="after")
    def _one_size(self) -> Effect:
        if (self.change is None) == (self.range is None):
            raise ValueError("give exactly one of 'change' or 'range'")
        if self.range is not None and self.range[0] > self.range[1]:
            raise ValueError("'range' must be [low, high] with low <= high")
        if self.otherwise and self.condition is None:
            raise ValueError("'else' needs a 'condition' (it applies when the condition fails)")
        return self

    @property
    def formula(self) -> str | None:
        """The expression of an expression-sized change, or None for a number or a range."""
        return self.change if isinstance(self.change, str) else None

    @property
    def mean(self) -> float:
        """The expected size of one application, before the chance (0 for an expression)."""
        if self.range is not None:
            return (self.range[0] + self.range[1]) / 2
        return self.change if isinstance(self.change, float | int) else 0.0


Effects = Annotated[list[Effect], Field(max_length=12)]


class ForecastText(Model):
    """A forecast a scenario argument makes: ``metric`` goes ``direction`` by the end of this
    round (``horizon`` 0) or the next (1)."""

    metric: Id
    direction: Literal["up", "down"]
    horizon: Literal[0, 1] = 0


class ArgumentText(Model):
    """One case the AI may make for a move, with an optional forecast."""

    text: Line
    forecast: ForecastText | None = None


class Move(Model):
    """A lever a seat can pull; its id is ``seat.move``."""

    id: MoveId
    name: Name
    description: LongText
    cost: Annotated[int, Field(ge=0, le=10)] = 1
    once: bool = False
    cooldown: Rounds = 0
    requires: Annotated[list[MoveId], Field(max_length=5)] = []
    excludes: Annotated[list[MoveId], Field(max_length=10)] = []  # not in the same round
    # A covert move is hidden from the other seats (reveal, public record) until
    # ``exposed_when`` holds after a round, or the match ends.
    covert: bool = False
    exposed_when: Condition | None = None
    condition: Condition | None = None
    prompt: Line = "Why will this work?"
    argument: Line | None = None  # the case the AI makes when it plays this move
    # Several cases the AI draws from (``argument`` is the fallback when none is listed).
    arguments: Annotated[list[ArgumentText], Field(max_length=8)] = []
    effects: Effects = []
    text: Text
    text_miss: Text | None = None
    debrief: Text | None = None

    @property
    def seat(self) -> str:
        """The seat the move belongs to (the part of the id before the dot)."""
        return self.id.split(".", 1)[0]


class Threshold(Model):
    """A state that switches on at one level and off at another, so it does not flicker.

    Either a ``metric`` with numeric ``on``/``off`` levels (``direction`` says which way), or,
    without a metric, ``on`` and ``off`` conditions: it switches on when ``on`` holds and, once
    on, off when ``off`` holds.
    """

    metric: Id | None = None
    direction: Literal["above", "below"] = "above"
    on: Amount | Condition
    off: Amount | Condition

    @model_validator(mode="after")
    def _hysteresis(self) -> Threshold:
        if self.metric is None:
            if not isinstance(self.on, str) or not isinstance(self.off, str):
                raise ValueError(
                    "without a 'metric', 'on' and 'off' are conditions (quoted text); "
                    "with a 'metric' they are levels"
                )
            return self
        if isinstance(self.on, str) or isinstance(self.off, str):
            raise ValueError("with a 'metric', 'on' and 'off' are numbers (levels of the metric)")
        if self.direction == "above" and self.off > self.on:
            raise ValueError("for 'above', 'off' must be at or below 'on'")
        if self.direction == "below" and self.off < self.on:
            raise ValueError("for 'below', 'off' must be at or above 'on'")
        return self


class Interaction(Model):
    """A rule that fires when moves meet (``when``) or a metric crosses a ``threshold``."""

    id: Id
    name: Name
    when: Condition | None = None
    threshold: Threshold | None = None
    once: bool = False
    effects: Effects = []
    text: Text
    debrief: Text | None = None

    @model_validator(mode="after")
    def _one_trigger(self) -> Interaction:
        if (self.when is None) == (self.threshold is None):
            raise ValueError("give exactly one of 'when' or 'threshold'")
        return self


class Option(Model):
    """One answer to an event's decision."""

    id: Id
    label: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    effects: Effects = []
    text: Text


class Decision(Model):
    """A choice an event puts to a seat, with the option applied when the seat does not answer."""

    seat: Id
    prompt: Line
    options: Annotated[list[Option], Field(min_length=2, max_length=5)]
    default: Id


class Scale(Model):
    """Multiplies a random event's chance while its condition holds."""

    when: Condition
    factor: Annotated[float, Field(ge=0, le=20, allow_inf_nan=False)]


class Event(Model):
    """Something that happens at the start of a round: scheduled, random, or triggered."""

    id: Id
    name: Name
    kind: Literal["scheduled", "random", "triggered"]
    round: Annotated[int, Field(ge=1, le=20)] | None = None
    chance: Probability = 0.0
    scale: Annotated[list[Scale], Field(max_length=8)] = []
    condition: Condition | None = None
    once: bool = False
    cooldown: Rounds = 0  # rounds it rests after happening (cooldown: 2 -> round 3, then 6)
    max_times: Annotated[int, Field(ge=1, le=20)] | None = None  # times it may happen at most
    effects: Effects = []
    decision: Decision | None = None
    text: Text
    debrief: Text | None = None

    @model_validator(mode="after")
    def _kind_fields(self) -> Event:
        if self.kind == "scheduled" and self.round is None:
            raise ValueError("a scheduled event needs a 'round'")
        if self.kind != "scheduled" and self.round is not None:
            raise ValueError("only scheduled events have a 'round'")
        if self.kind == "random" and self.chance == 0 and not self.scale:
            raise ValueError("a random event needs a 'chance' above 0 or a 'scale'")
        if self.kind == "triggered" and self.condition is None:
            raise ValueError("a triggered event needs a 'condition'")
        return self


class Ending(Model):
    """An end condition checked after every round, with bonus points per seat when it fires."""

    id: Id
    name: Name
    condition: Condition
    earliest_round: Annotated[int, Field(ge=1, le=20)] = 1
    bonus: Annotated[dict[Id, Annotated[float, Field(ge=-100, le=100)]], Field(max_length=10)] = {}
    text: Text
    debrief: Text | None = None


class Outcome(Model):
    """The shared outcome (TABLE.md's scoreboard): how the country fares, whoever wins.

    Scored like a seat's goals, from 0 to 100, and never added to any seat's score.
    """

    name: Name
    description: Text | None = None
    goals: Annotated[list[Goal], Field(min_length=1, max_length=10)]


class Scoring(Model):
    """How goals turn into points."""

    goal_points: Annotated[float, Field(gt=0, le=1000, allow_inf_nan=False)] = 100.0
    # Where partial credit for a goal starts: the far end of the metric's range, or its start.
    partial_from: Literal["bound", "start"] = "bound"


class Rules(Model):
    """Match-wide rule switches: the debate, argument ratings and deals.

    ``debate`` open: the intentions are posted and rated before resolution and the ratings act
    on the numbers; sealed: arguments stay secret until the outcome and ratings count only as
    debate points. ``rating_bound`` caps what a rating does to a move's own effects;
    ``spectator_weight`` is how many seats the spectators' bloc weighs.
    """

    debate: Literal["open", "sealed"] = "open"
    rating_bound: Annotated[float, Field(ge=0, le=0.5, allow_inf_nan=False)] = 0.0
    spectator_weight: Annotated[float, Field(ge=0, le=10, allow_inf_nan=False)] = 1.0
    deal_breach_cost: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] = 0.0
    ai_talks: Probability = 0.0  # the chance a round opens with the AI seats' talks (deals)


class Note(Model):
    """A debrief note, shown when its condition holds at the end (always, without one)."""

    text: Text
    when: Condition | None = None


class Debrief(Model):
    """Notes and discussion questions for the end of the match."""

    notes: Annotated[list[Note], Field(max_length=30)] = []
    questions: Annotated[list[Line], Field(max_length=12)] = []


class Scenario(Model):
    """A whole scenario file."""

    meta: Meta
    metrics: Annotated[list[Metric], Field(min_length=1, max_length=40)]
    seats: Annotated[list[Seat], Field(min_length=1, max_length=10)]
    moves: Annotated[list[Move], Field(min_length=1, max_length=200)]
    interactions: Annotated[list[Interaction], Field(max_length=100)] = []
    events: Annotated[list[Event], Field(max_length=100)] = []
    endings: Annotated[list[Ending], Field(max_length=10)] = []
    scoring: Scoring = Scoring()
    rules: Rules = Rules()
    outcome: Outcome | None = None
    debrief: Debrief = Debrief()

    _exprs: dict[str, Expr] = PrivateAttr(default_factory=dict)
    _indexes: dict[str, Any] = PrivateAttr(default_factory=dict)

    def _cache(self, name: str) -> dict[str, Any]:
        # Read pydantic's private storage directly: attribute access on a private attribute
        # goes through pydantic's slow __getattr__, and these lookups sit on the hot path.
        cache: dict[str, Any] = self.__pydantic_private__[name]  # type: ignore[index]
        return cache

    def expr(self, text: str) -> Expr:
        """The parsed form of a condition in this scenario, parsed once and kept."""
        exprs = self._cache("_exprs")
        found = exprs.get(text)
        if found is None:
            found = exprs[text] = parse(text)
        return found

    def memo(self, key: str) -> dict[Any, Any]:
        """A per-scenario dict for derived tables that hot loops would otherwise rebuild.

        Scenarios are immutable, so anything computed purely from one can be kept here.
        """
        return self._cache("_indexes").setdefault(f"memo:{key}", {})  # type: ignore[no-any-return]

    def _index(self, kind: str) -> dict[str, Any]:
        indexes = self._cache("_indexes")
        found = indexes.get(kind)
        if found is None:
            items: list[Any] = getattr(self, kind)
            found = indexes[kind] = {item.id: item for item in items}
        return found

    def seat(self, seat_id: str) -> Seat:
        """The seat with this id (KeyError when there is none)."""
        seat: Seat = self._index("seats")[seat_id]
        return seat

    def metric(self, metric_id: str) -> Metric:
        """The metric with this id (KeyError when there is none)."""
        metric: Metric = self._index("metrics")[metric_id]
        return metric

    def move(self, move_id: str) -> Move:
        """The move with this id (KeyError when there is none)."""
        move: Move = self._index("moves")[move_id]
        return move

    def event(self, event_id: str) -> Event:
        """The event with this id (KeyError when there is none)."""
        event: Event = self._index("events")[event_id]
        return event

    def exclusions(self, move_id: str) -> frozenset[str]:
        """The moves that cannot be ordered in the same round as this one (both directions)."""
        indexes = self._cache("_indexes")
        table: dict[str, frozenset[str]] | None = indexes.get("excludes")
        if table is None:
            pairs: dict[str, set[str]] = {}
            for move in self.moves:
                for other in move.excludes:
                    pairs.setdefault(move.id, set()).add(other)
                    pairs.setdefault(other, set()).add(move.id)
            table = indexes["excludes"] = {k: frozenset(v) for k, v in pairs.items()}
        return table.get(move_id, _NOTHING)

    def moves_of(self, seat_id: str) -> list[Move]:
        """The seat's moves in file order."""
        by_seat: dict[str, list[Move]] = self._cache("_indexes").setdefault("by_seat", {})
        if not by_seat:
            for move in self.moves:
                by_seat.setdefault(move.seat, []).append(move)
        return by_seat.get(seat_id, [])

    @property
    def seat_ids(self) -> list[str]:
        """Seat ids in file order."""
        return list(self._index("seats"))
