"""Per-scenario tables for the fast path: moves, effects, seats and goals flattened once.

The engine's rules and the AI's look-ahead read the scenario through pydantic models, whose
properties (``Move.seat``, ``Effect.mean``) and per-call lookups (``scenario.expr``, ``memo``,
``exclusions``) cost more than the arithmetic they feed. These tables hold the same facts as
plain slotted objects with the conditions already parsed, so the hot loops do attribute reads
and dict lookups only. Everything here is derived from the scenario alone and never changes,
except memos of pure results (``Kept``: outcomes of a list of effects, shared ratings), which
pickle empty. ``RoundCache`` and ``SeatRound`` hold what one round's state gives.

``expected`` is the AI's expected change per metric (``ai.expected_deltas``); it must do the
same float operations in the same order as ``bot/game/reference/ai.py``'s ``_expected`` (the
fast engine is checked against the reference to the byte by ``tests/game/test_fast_engine.py``).
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

from bot.game.env import StateEnv
from bot.game.expr import Env, Expr, Value
from bot.game.scenario import (
    ArgumentText,
    Effect,
    Goal,
    Interaction,
    Metric,
    Move,
    Scenario,
    Seat,
)
from bot.game.state import Forecast, MatchState, Rating
from bot.game.view import noise_rng, sight

DISCOUNT = 0.85  # as ``ai.DISCOUNT``: a change next round is worth less than one now
OBJECTIVE_WEIGHT = 0.25  # as ``reference.ai.OBJECTIVE_WEIGHT``
OBJECTIVE_RAMP = 8.0  # as ``reference.ai.OBJECTIVE_RAMP``: see ``objective_terms``
_NONE: frozenset[str] = frozenset()
_K = TypeVar("_K")
_V = TypeVar("_V")
_TERM = re.compile(r"^\s*([a-z_][a-z0-9_]*)\s*(>=|<=|>|<)\s*(-?[0-9]+(?:\.[0-9]+)?)\s*$")


def objective_terms(scenario: Scenario, seat: Seat) -> list[tuple[str, bool, float, float]]:
    """The seat's secret objectives as thresholds the look-ahead can steer toward.

    An objective whose condition is metric comparisons joined by ``and`` (``unity >= 40 and
    assets <= 65``) becomes one term per comparison: (metric, at least?, threshold, points
    shared among its terms). The AI values a change by how much nearer it brings the metric to
    its threshold, on a ramp ``OBJECTIVE_RAMP`` wide ending at the threshold (``Ramp``): the
    objective's step, smoothed so that every point of progress counts. Other conditions (a
    decision, an event) are left to the seat's leanings.
    """
    metrics = {m.id for m in scenario.metrics}
    found: list[tuple[str, bool, float, float]] = []
    for objective in seat.objectives:
        parts = [_TERM.match(p) for p in objective.condition.split(" and ")]
        if not parts or not all(m is not None and m.group(1) in metrics for m in parts):
            continue
        share = objective.points * OBJECTIVE_WEIGHT / len(parts)
        for match in parts:
            assert match is not None  # checked above
            found.append((match.group(1), match.group(2)[0] == ">", float(match.group(3)), share))
    return found


class EffectT:
    """One effect, flattened for the look-ahead."""

    __slots__ = ("balance", "chance", "cond", "formula", "mean", "metric", "otherwise", "weight")

    def __init__(self, scenario: Scenario, effect: Effect) -> None:
        self.cond: Expr | None = None
        if effect.condition is not None:
            self.cond = scenario.expr(effect.condition)
        self.otherwise = tuple(EffectT(scenario, e) for e in effect.otherwise)
        formula = effect.formula
        self.formula: Expr | None = None if formula is None else scenario.expr(formula)
        self.mean = effect.mean
        self.chance = effect.chance
        # The same sum as the reference's, term by term, so the float is the same.
        self.weight = sum(DISCOUNT ** (effect.delay + k) for k in range(effect.duration))
        self.metric = effect.metric
        self.balance = effect.source or scenario.metric(effect.metric).balance


class Kept(dict[_K, _V]):
    """A memo of values derived from the scenario, kept with its tables: a copy (a pickle sent
    to a worker process) starts empty, as the tables of a fresh scenario would."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type[Kept[_K, _V]], tuple[()]]:
        return (type(self), ())


class Outcome:
    """The expected changes of a list of effects in one set of circumstances (``deltas``,
    shared: never to be changed), and, by seat index, the changes that touch the seat's goal
    terms as (term index, change) in term order (``pairs``, filled in on first use): what
    ``_gain`` adds up."""

    __slots__ = ("deltas", "pairs")

    def __init__(self, deltas: dict[str, float]) -> None:
        self.deltas = deltas
        self.pairs: dict[int, tuple[tuple[int, float], ...]] = {}


OUTCOMES = 64  # circumstances kept per list of effects (formulas can make many)


class _Unread:
    """The environment of effects that read nothing (no condition, no formula)."""

    def value(self, name: str) -> float:
        raise KeyError(name)

    def call(
        self, name: str, args: tuple[str | float, ...], kwargs: Mapping[str, str | float]
    ) -> Value:
        raise KeyError(name)


_UNREAD = _Unread()


class EffectsT:
    """A list of effects; ``static`` holds their expected changes when no condition or
    formula makes them depend on the state (computed once, never to be changed by callers).

    Otherwise the changes depend only on which conditions hold and what the formulas give
    (``_signature``): each such outcome is kept (``outcomes``, up to ``OUTCOMES``), so the
    same circumstances in a later round or for another seat reuse its changes and pairs.
    """

    __slots__ = ("fixed", "items", "outcomes", "static")

    def __init__(self, scenario: Scenario, effects: Sequence[Effect]) -> None:
        self.items = tuple(EffectT(scenario, e) for e in effects)
        static = all(e.condition is None and e.formula is None for e in effects)
        self.static: dict[str, float] | None = expected(self.items, _UNREAD) if static else None
        self.fixed = None if self.static is None else Outcome(self.static)
        self.outcomes: Kept[tuple[float | bool, ...], Outcome] = Kept()

    def outcome(self, env: StateEnv) -> Outcome:
        """The expected changes in ``env``, with their pairs."""
        fixed = self.fixed
        if fixed is not None:
            return fixed
        key: list[float | bool] = []
        _signature(self.items, env, key)
        sign = tuple(key)
        found = self.outcomes.get(sign)
        if found is None:
            found = Outcome(expected(self.items, env))
            if len(self.outcomes) < OUTCOMES:
                self.outcomes[sign] = found
        return found

    def deltas(self, env: StateEnv) -> dict[str, float]:
        """The expected change per metric in ``env`` (shared: do not change it)."""
        found = self.static
        return self.outcome(env).deltas if found is None else found


def _signature(items: tuple[EffectT, ...], env: StateEnv, out: list[float | bool]) -> None:
    """What ``expected`` reads of ``env`` for ``items``, in the order it reads it: each
    condition's truth and each formula's value. Equal signatures give equal changes."""
    for effect in items:
        cond = effect.cond
        if cond is not None:
            if not env.holds(cond):
                out.append(False)
                _signature(effect.otherwise, env, out)
                continue
            out.append(True)
        if effect.formula is not None:
            out.append(float(effect.formula.evaluate(env)))


def expected(items: tuple[EffectT, ...], env: Env) -> dict[str, float]:
    """The average change the effects make to each metric, counting balancing metrics.

    Mirrors ``_expected`` in ``bot/game/reference/ai.py`` operation for operation.
    """
    deltas: dict[str, float] = {}
    for effect in items:
        cond = effect.cond
        if cond is not None and not cond.evaluate(env):
            for metric, amount in expected(effect.otherwise, env).items():
                deltas[metric] = deltas.get(metric, 0.0) + amount
            continue
        size = effect.mean
        if effect.formula is not None:
            size = float(effect.formula.evaluate(env))
        amount = size * effect.chance * effect.weight
        metric = effect.metric
        deltas[metric] = deltas.get(metric, 0.0) + amount
        balance = effect.balance
        if balance is not None:
            deltas[balance] = deltas.get(balance, 0.0) - amount
    return deltas


class MoveT:
    """One move, flattened: legality, effects, what it unlocks, its ties to coming events."""

    __slots__ = (
        "agreeing",
        "alone",
        "by_horizon",
        "cond",
        "cooldown",
        "cost",
        "directions",
        "effects",
        "event_effects",
        "excl",
        "forecasts",
        "id",
        "move",
        "once",
        "own_forecast",
        "per",
        "plain",
        "rank",
        "requires",
        "requires_set",
        "seat",
        "static",
        "texts",
        "unlocks",
    )

    def __init__(self, scenario: Scenario, move: Move) -> None:
        self.move = move
        self.id = move.id
        self.seat = move.seat
        self.cost = move.cost
        self.per = max(move.cost, 1)  # what the AI divides a move's worth by to rank it
        self.rank = 0  # the move's place among its seat's moves, in file order (``Tables``)
        self.once = move.once
        self.cooldown = move.cooldown
        self.requires = tuple(move.requires)
        self.requires_set = frozenset(move.requires)
        self.cond: Expr | None = None if move.condition is None else scenario.expr(move.condition)
        self.effects = EffectsT(scenario, move.effects)
        self.excl = scenario.exclusions(move.id)
        self.unlocks: list[MoveT] = []  # filled in by Tables
        self.event_effects: list[tuple[EffectsT, str, int]] = []
        self.by_horizon: tuple[EffectsT, ...] = ()
        self.alone = frozenset((move.id,))  # ``played`` when the AI weighs the move alone
        # The debate AI's cases (``ai_debate.argument_texts``), and what it makes of them when
        # the move's effects by either horizon depend on nothing (``static``): kept once known.
        single = [ArgumentText(text=move.argument)] if move.argument else []
        self.texts: list[ArgumentText] = single + list(move.arguments)
        self.plain = [t for t in self.texts if t.forecast is None] or self.texts
        self.forecasts: dict[int, Forecast] = {}  # by id of a text in ``texts``
        self.static = False
        self.agreeing: list[ArgumentText] | None = None
        self.own_forecast: tuple[Forecast | None] | None = None
        self.directions: dict[tuple[str, int], int] = {}


class RuleT:
    """An interaction rule a seat's own moves can set off (the AI's combination bonus)."""

    __slots__ = ("clash", "cost", "effects", "expr", "in_order", "named", "needs", "rule")

    def __init__(self, scenario: Scenario, rule: Interaction, named: frozenset[str]) -> None:
        self.rule = rule
        self.expr = scenario.expr(rule.when or "")
        self.needs = self.expr.needs_played
        self.named = named
        self.in_order = sorted(named)
        self.cost = sum(scenario.move(n).cost for n in self.in_order)  # the named moves'
        self.effects = EffectsT(scenario, rule.effects)
        # Two of the named moves exclude each other: never worth trying together.
        self.clash = any(scenario.exclusions(n) & named for n in named)


class Fraction:
    """``scoring.goal_fraction`` for one goal, with its constants worked out once: the same
    comparisons and the same float operations on the same operands. (A class rather than a
    closure, so that the tables, kept with the scenario, still pickle.)"""

    __slots__ = ("code", "kind", "span", "target")

    def __init__(self, metric: Metric, goal: Goal, from_start: bool) -> None:
        target = self.target = goal.target
        self.kind = goal.kind
        self.code = 0 if goal.kind == "at_least" else 1 if goal.kind == "at_most" else 2
        if goal.kind == "at_least":
            low = metric.start if from_start and metric.start < target else metric.min
            self.span = target - low
        elif goal.kind == "at_most":
            high = metric.start if from_start and metric.start > target else metric.max
            self.span = high - target
        else:
            self.span = max(target - metric.min, metric.max - target)
            if from_start and metric.start != target:
                self.span = abs(metric.start - target)

    def __call__(self, value: float) -> float:
        target, span = self.target, self.span
        kind = self.kind
        if kind == "at_least":
            if value >= target:
                return 1.0
            return max(0.0, 1 - (target - value) / span) if span > 0 else 0.0
        if kind == "at_most":
            if value <= target:
                return 1.0
            return max(0.0, 1 - (value - target) / span) if span > 0 else 0.0
        return max(0.0, 1 - abs(value - target) / span) if span > 0 else 1.0


class Ramp:
    """How near a value is to an objective's threshold, from 0 (``OBJECTIVE_RAMP`` or more
    away on the wrong side) to 1 (reached): ``reference.ai._ramp``, the same operations."""

    __slots__ = ("above", "threshold")

    def __init__(self, above: bool, threshold: float) -> None:
        self.above, self.threshold = above, threshold

    def __call__(self, value: float) -> float:
        short = self.threshold - value if self.above else value - self.threshold
        if short <= 0:
            return 1.0
        return max(0.0, 1 - short / OBJECTIVE_RAMP)


class SeatT:
    """One seat: its moves, goals, leanings, sight and the rules its moves can set off."""

    __slots__ = (
        "budget",
        "fractions",
        "free",
        "goals",
        "hidden",
        "index",
        "moves",
        "noise",
        "noisy",
        "objectives",
        "prefer",
        "rules",
        "seat",
        "sight",
        "specs",
        "terms",
        "visible",
    )

    def __init__(self, scenario: Scenario, seat: Seat, index: int, moves: list[MoveT]) -> None:
        self.seat = seat
        self.index = index
        self.budget = seat.budget
        self.moves = moves
        self.free = any(m.cost == 0 for m in moves)  # a move that costs nothing: never full
        self.prefer = dict(seat.ai.prefer)
        self.noise = seat.ai.noise
        scale = scenario.scoring.goal_points / sum(g.weight for g in seat.goals)
        self.goals: list[tuple[Goal, Metric, float]] = [
            (g, scenario.metric(g.metric), g.weight * scale) for g in seat.goals
        ]
        from_start = scenario.scoring.partial_from == "start"
        self.fractions = [Fraction(m, g, from_start) for g, m, _w in self.goals]
        # The secret objectives' thresholds: (metric, ramp, points, min, max), after the goals.
        self.objectives = [
            (metric, Ramp(above, threshold), points, m.min, m.max)
            for metric, above, threshold, points in objective_terms(scenario, seat)
            for m in (scenario.metric(metric),)
        ]
        # (metric id, 0 exact / 1 noisy / 2 hidden, noise, min, max), in file order
        self.sight: list[tuple[str, int, float, float, float]] = []
        for metric in scenario.metrics:
            how = sight(metric, seat.id)
            code = 0 if how == "exact" else 2 if how == "hidden" or metric.see == "all" else 1
            noise = 0.0 if metric.see == "all" else metric.see.noise
            self.sight.append((metric.id, code, noise, metric.min, metric.max))
        # The metric of each goal term the look-ahead values (goals, then objectives' terms),
        # and each term as ``SeatRound`` values it: (metric, side, target, span, met when the
        # span is empty, weight, min, max); see ``met``.
        self.terms = [g.metric for g, _m, _w in self.goals] + [o[0] for o in self.objectives]
        self.specs = [
            (g.metric, f.code, f.target, f.span, 1.0 if f.code == 2 else 0.0, w, m.min, m.max)
            for (g, m, w), f in zip(self.goals, self.fractions, strict=True)
        ] + [
            (metric, 0 if ramp.above else 1, ramp.threshold, OBJECTIVE_RAMP, 0.0, w, low, high)
            for metric, ramp, w, low, high in self.objectives
        ]
        self.hidden = [m for m, code, _n, _l, _h in self.sight if code == 2]
        self.noisy = [(m, n, low, high) for m, code, n, low, high in self.sight if code == 1]
        seen = [m.id for m in scenario.metrics if sight(m, seat.id) != "hidden"]
        self.visible = {metric: order for order, metric in enumerate(seen)}
        own = {m.id for m in moves}
        self.rules: list[RuleT] = []
        for rule in scenario.interactions:
            if rule.when is None:
                continue
            calls = scenario.expr(rule.when).calls()
            named = {str(c.args[0]) for c in calls if c.name == "played"}
            if named & own:
                self.rules.append(RuleT(scenario, rule, frozenset(named & own)))


class Tables:
    """Everything the fast path reads from one scenario."""

    def __init__(self, scenario: Scenario) -> None:
        self.moves = {m.id: MoveT(scenario, m) for m in scenario.moves}
        scheduled = {e.id: e.round for e in scenario.events if e.kind == "scheduled" and e.round}
        for table in self.moves.values():
            move = table.move
            for required in move.requires:
                if required.split(".", 1)[0] == move.seat:
                    self.moves[required].unlocks.append(table)
            table.event_effects = [
                (EffectsT(scenario, [effect]), str(call.args[0]), scheduled[str(call.args[0])])
                for effect in move.effects
                if effect.condition is not None
                for call in scenario.expr(effect.condition).calls()
                if call.name == "event" and str(call.args[0]) in scheduled
            ]
            if all(e.delay == 0 for e in move.effects):
                # Everything lands now: both horizons are the move's effects themselves, so
                # the debate AI can read the outcome the look-ahead already worked out
                # (``RoundCache.outcome``) instead of evaluating the same conditions again.
                table.by_horizon = (table.effects, table.effects)
            else:
                table.by_horizon = tuple(
                    EffectsT(scenario, [e for e in move.effects if e.delay <= horizon])
                    for horizon in (0, 1)
                )
            table.static = all(e.static is not None for e in table.by_horizon)
        self.seats = {
            seat.id: SeatT(
                scenario, seat, index, [self.moves[m.id] for m in scenario.moves_of(seat.id)]
            )
            for index, seat in enumerate(scenario.seats)
        }
        for seat_table in self.seats.values():
            for rank, table in enumerate(seat_table.moves):
                table.rank = rank
        self.from_start = scenario.scoring.partial_from == "start"
        self.effects: dict[int, tuple[Sequence[Effect], EffectsT]] = {}
        # The AI's ratings made so far, by (rater, value): immutable, so shared (``ai_debate``).
        self.ratings: Kept[tuple[str, float], Rating] = Kept()
        # The forecasts the AI makes of its own, by (metric, up, horizon): shared likewise.
        self.forecasts: Kept[tuple[str, bool, int], Forecast] = Kept()
        # Every interaction with a ``when``, in file order: its condition and its effects.
        self.whens = [
            (scenario.expr(rule.when), EffectsT(scenario, rule.effects))
            for rule in scenario.interactions
            if rule.when is not None
        ]

    def effects_of(self, scenario: Scenario, effects: Sequence[Effect]) -> EffectsT:
        """The flattened form of a list of effects that lives as long as the scenario."""
        found = self.effects.get(id(effects))
        if found is None or found[0] is not effects:
            found = self.effects[id(effects)] = (effects, EffectsT(scenario, effects))
        return found[1]


def tables(scenario: Scenario) -> Tables:
    """The scenario's tables, built on first use.

    Kept per scenario object: a ``model_copy`` shares its original's memo dict but may differ
    (its scoring, say), so the entry remembers which object it was built for.
    """
    last = _LAST[0]
    if last is not None and last[0] is scenario:  # the usual case: the same scenario again
        return last[1]
    # A Kept: a pickled scenario (sent to a worker) carries no tables (and the compiled
    # engine's tables do not pickle); the copy builds its own, as it would anyway (new id).
    memo: Kept[int, tuple[Scenario, Tables]] = scenario.memo("fast.tables").setdefault(
        "by_id", Kept()
    )
    found = memo.get(id(scenario))
    if found is None or found[0] is not scenario:
        found = memo[id(scenario)] = (scenario, Tables(scenario))
    _LAST[0] = found
    return found[1]


# The scenario whose tables were asked for last, with them: a match asks hundreds of times a
# round, and the scenario's memo is two Python calls away. One entry, replaced whole (a tuple),
# so a reader in another thread sees either the old pair or the new one.
_LAST: list[tuple[Scenario, Tables] | None] = [None]


def known_metrics(
    scenario: Scenario, state: MatchState, seat_id: str, seed: int
) -> dict[str, float]:
    """The metrics as the seat's look-ahead takes them: ``view.seat_view`` with hidden metrics
    at their start value. The same draws, in the same order, as ``seat_view``."""
    return _known(tables(scenario).seats[seat_id], state, seed)


def _known(seat: SeatT, state: MatchState, seed: int) -> dict[str, float]:
    metrics, start = state.metrics, state.start
    if len(metrics) == len(seat.sight):  # the usual case: copy, then patch what differs
        known = dict(metrics)
        for metric_id in seat.hidden:
            known[metric_id] = start[metric_id]
        if seat.noisy:
            draw = noise_rng(seed, state.round, seat.index).random
            for metric_id, noise, low, high in seat.noisy:  # file order: the same draws
                # ``uniform(-noise, noise)`` is ``a + (b - a) * random()``; then the clamp
                noisy = metrics[metric_id] + (-noise + (noise - -noise) * draw())
                if low > noisy:
                    noisy = low
                if high < noisy:
                    noisy = high
                known[metric_id] = round1(noisy)
        return known
    rng: random.Random | None = None
    known = {}
    for metric_id, code, noise, low, high in seat.sight:
        if code == 0:
            known[metric_id] = metrics[metric_id]
        elif code == 2:
            known[metric_id] = start[metric_id]
        else:
            rng = rng or noise_rng(seed, state.round, seat.index)
            noisy = metrics[metric_id] + rng.uniform(-noise, noise)
            known[metric_id] = round1(min(max(noisy, low), high))
    return known


def legal_table(
    seat: SeatT, state: MatchState, env: StateEnv, last: Mapping[str, int]
) -> list[MoveT]:
    """The seat's legal moves (``legal.why_illegal`` finds no reason), in file order."""
    budget, rnd = seat.budget, state.round
    found: list[MoveT] = []
    for move in seat.moves:
        if move.cost > budget:
            continue
        played = last.get(move.id)
        if played is not None and (move.once or rnd - played <= move.cooldown):
            continue
        if move.requires and any(r not in last for r in move.requires):
            continue
        if move.cond is not None and not env.holds(move.cond):
            continue
        found.append(move)
    return found


def round1(x: float) -> float:
    """``round(x, 1)``, the same float, without the decimal conversion ``round`` makes.

    ``round`` rounds the exact value of ``x`` to one decimal and returns the double nearest
    that decimal. An exact tie cannot occur (``10 * x`` is never an odd multiple of one half
    for a binary ``x``), so the decimal is the integer nearest ``10 * x``, over ten. ``y``,
    the product rounded to a double, lies within half an ulp of it (far less than 1e-6 below
    1e9), so unless ``y`` is within 1e-6 of a half it has the same nearest integer ``d``; and
    ``d / 10.0`` is the double nearest ``d / 10`` (IEEE division rounds correctly). Near a
    half, or for huge values, ``round`` itself decides. A zero takes the sign of ``x``, as
    ``round`` gives it.
    """
    y = x * 10.0
    if not -1e9 < y < 1e9:
        return round(x, 1)
    low = math.floor(y)
    frac = y - low  # exact: ``low`` and ``y`` are within 1 of each other
    if -1e-6 < frac - 0.5 < 1e-6:
        return round(x, 1)
    found = (low + 1.0 if frac > 0.5 else low) / 10.0
    return found if found != 0.0 else math.copysign(0.0, x)  # round keeps a zero's sign


def met(side: int, target: float, span: float, empty: float, value: float) -> float:
    """How far a goal term is met at ``value``, 0 .. 1: the shortfall ``short`` from the
    target (side 0: below it, 1: above it, 2: either way) is none: 1.0; else
    ``max(0.0, 1 - short / span)``, or ``empty`` when the span is empty.

    This is ``Fraction`` (a value at or past an at-least target has ``target - value <= 0``,
    exactly; a target goal's empty span gives 1.0, the others' 0.0) and ``Ramp`` (an
    objective's threshold approached from below or above, over ``OBJECTIVE_RAMP``), with the
    same comparisons (``max(0.0, x)`` is 0.0 unless x > 0.0) and float operations.
    ``SeatRound.gain_in`` spells it out inline.
    """
    short = target - value if side == 0 else value - target if side == 1 else abs(value - target)
    if short <= 0:
        return 1.0
    if span > 0:
        found = 1 - short / span
        return found if found > 0.0 else 0.0
    return empty


class Term:
    """One goal term of a seat, valued now (``SeatRound.flat``): the seat's ``specs`` without
    the metric, then the metric's value now and how far the term is met now. A class, not a
    tuple: compiled, its floats are read unboxed, where a tuple's are unpacked and unboxed."""

    __slots__ = ("before", "empty", "high", "low", "now", "side", "span", "target", "weight")

    def __init__(
        self,
        side: int,
        target: float,
        span: float,
        empty: float,
        weight: float,
        low: float,
        high: float,
        now: float,
    ) -> None:
        self.side = side
        self.target = target
        self.span = span
        self.empty = empty
        self.weight = weight
        self.low = low
        self.high = high
        self.now = now
        self.before = met(side, target, span, empty, now)


class SeatRound:
    """One seat's look-ahead inputs for one round: the metrics as it knows them, one
    environment on them (re-pointed at each candidate's ``played``), and its goal terms
    valued now (``flat``: the seat's ``specs`` without the metric, then the value now and
    how far the term is met now).

    ``values`` keeps what each move is worth to the seat this round (``RoundCache.value``).
    """

    __slots__ = ("env", "flat", "gains", "index", "known", "seat", "values")

    def __init__(self, seat: SeatT, state: MatchState, known: dict[str, float]) -> None:
        self.seat = seat
        self.index = seat.index
        self.known = known
        self.env = StateEnv(state, metrics=known)
        self.flat = [
            Term(side, target, span, empty, weight, low, high, known[metric])
            for metric, side, target, span, empty, weight, low, high in seat.specs
        ]
        self.gains: dict[Outcome, float] = {}
        self.values: dict[str, float] = {}

    def gain(self, deltas: dict[str, float]) -> float:
        """How many goal points the changes would win (or lose) for the seat."""
        total = 0.0
        for metric_id, term in zip(self.seat.terms, self.flat, strict=True):
            change = deltas.get(metric_id)
            if change:
                then = min(max(term.now + change, term.low), term.high)
                met_then = met(term.side, term.target, term.span, term.empty, then)
                total += term.weight * (met_then - term.before)
        return total

    def gain_of(self, effects: EffectsT, env: StateEnv) -> float:
        """``gain(effects.deltas(env))``."""
        return self.gain_in(effects.outcome(env))

    def gain_in(self, outcome: Outcome) -> float:
        """``gain(outcome.deltas)``, kept for the round (``_gain``)."""
        found = self.gains.get(outcome)
        if found is None:
            found = self.gains[outcome] = _gain(self.flat, self.pairs(outcome))
        return found

    def pairs(self, outcome: Outcome) -> tuple[tuple[int, float], ...]:
        """The outcome's changes to the seat's goal terms (``Outcome.pairs``)."""
        pairs = outcome.pairs.get(self.index)
        if pairs is None:
            deltas = outcome.deltas
            pairs = outcome.pairs[self.index] = tuple(
                (i, change)
                for i, metric in enumerate(self.seat.terms)
                if (change := deltas.get(metric))
            )
        return pairs


def _gain(flat: list[Term], pairs: tuple[tuple[int, float], ...]) -> float:
    """``SeatRound.gain`` of the changes ``pairs`` (term index, change) in term order: the
    terms they do not touch are the ones ``gain`` skips, so the float operations are the same,
    with ``met`` spelt out (the same comparisons and operations)."""
    total = 0.0
    for i, change in pairs:
        term = flat[i]
        side, target, span, empty = term.side, term.target, term.span, term.empty
        low, high = term.low, term.high
        then = term.now + change
        if low > then:  # min(max(then, low), high)
            then = low
        if high < then:
            then = high
        short = target - then if side == 0 else then - target if side == 1 else None
        if short is None:
            short = abs(then - target)
        if short <= 0:
            done = 1.0
        elif span > 0:
            done = 1 - short / span
            if not done > 0.0:
                done = 0.0
        else:
            done = empty
        total += term.weight * (done - term.before)
    return total


class _Memo:
    """A round cache's entries for one seed, by seat or move id."""

    __slots__ = ("known", "outcomes", "seats")

    def __init__(self) -> None:
        self.known: dict[str, dict[str, float]] = {}
        self.seats: dict[str, SeatRound] = {}
        self.outcomes: dict[str, Outcome] = {}


class RoundCache:
    """What every AI seat reads of one state: the moves' last rounds, each seat's legal moves
    and its view. Valid for one state object, which nothing changes between rounds (or its
    copy after the round's talks, which change only deals: ``follow``)."""

    __slots__ = (
        "_legal",
        "_memo",
        "_memos",
        "_seed",
        "env",
        "key",
        "last",
        "scenario",
        "state",
        "tables",
    )

    def __init__(self, scenario: Scenario, state: MatchState) -> None:
        from bot.game.legal import last_played

        self.scenario, self.state = scenario, state
        self.key = (state.round, len(state.history))
        self.tables = tables(scenario)
        self.last = last_played(state)
        self.env = StateEnv(state)
        self._legal: dict[str, list[MoveT]] = {}
        # What is kept per seed (the seats' views, their look-ahead inputs, the moves'
        # outcomes), the last seed's at hand: a match asks with one seed throughout.
        self._memos: dict[int, _Memo] = {}
        self._seed = 0
        self._memo: _Memo | None = None

    def _for(self, seed: int) -> _Memo:
        memo = self._memo
        if memo is not None and self._seed == seed:
            return memo
        memo = self._memos.get(seed)
        if memo is None:
            memo = self._memos[seed] = _Memo()
        self._seed, self._memo = seed, memo
        return memo

    def fits(self, scenario: Scenario, state: MatchState) -> bool:
        """Whether this cache is the one for the state (the same objects, the same round)."""
        return (
            self.state is state
            and self.scenario is scenario
            and self.key == (state.round, len(state.history))
        )

    def follow(self, state: MatchState) -> None:
        """Serve ``state``, a copy of this cache's state that differs only in its deals (what
        the round's talks change): nothing kept here reads deals."""
        self.state = state

    def legal(self, seat_id: str) -> list[MoveT]:
        """The seat's legal moves this round."""
        found = self._legal.get(seat_id)
        if found is None:
            seat = self.tables.seats[seat_id]
            found = self._legal[seat_id] = legal_table(seat, self.state, self.env, self.last)
        return found

    def known(self, seat_id: str, seed: int) -> dict[str, float]:
        """The metrics as the seat knows them this round (see ``known_metrics``)."""
        memo = self._for(seed)
        found = memo.known.get(seat_id)
        if found is None:
            found = memo.known[seat_id] = _known(self.tables.seats[seat_id], self.state, seed)
        return found

    def seat_round(self, seat_id: str, seed: int) -> SeatRound:
        """The seat's look-ahead inputs this round."""
        memo = self._for(seed)
        found = memo.seats.get(seat_id)
        if found is None:
            seat = self.tables.seats[seat_id]
            found = SeatRound(seat, self.state, self.known(seat_id, seed))
            memo.seats[seat_id] = found
        return found

    def outcome(self, move: MoveT, seed: int) -> Outcome:
        """The move's expected changes as its own seat sees them, played alone."""
        found = move.effects.fixed
        if found is not None:
            return found
        memo = self._for(seed)
        found = memo.outcomes.get(move.id)
        if found is None:
            env = self.seat_round(move.seat, seed).env
            env.played = move.alone
            found = memo.outcomes[move.id] = move.effects.outcome(env)
        return found

    def row(self, seat_id: str, moves: Iterable[MoveT], seed: int) -> dict[str, float]:
        """``value`` of the moves for the seat, kept in the seat's ``values`` (returned: it
        may hold other moves too; do not change it)."""
        seat = self.seat_round(seat_id, seed)
        values, flat = seat.values, seat.flat
        for move in moves:
            if move.id not in values:
                found = move.effects.fixed
                if found is None:
                    found = self.outcome(move, seed)
                pairs = found.pairs.get(seat.index)
                if pairs is None:
                    pairs = seat.pairs(found)
                values[move.id] = _gain(flat, pairs) if pairs else 0.0
        return values

    def value(self, seat_id: str, move: MoveT, seed: int) -> float:
        """What the move is worth to the seat (its goal points, one round ahead), the move's
        changes taken as the move's own seat expects them (``outcome``)."""
        seat = self.seat_round(seat_id, seed)
        found = seat.values.get(move.id)
        if found is None:
            found = seat.values[move.id] = seat.gain_in(self.outcome(move, seed))
        return found
