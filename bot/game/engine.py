"""The rules engine: pure functions from (scenario, state, orders, rng) to (state, records).

A round resolves in a fixed order so that the same inputs always give the same bytes:
which conditional orders run (``deals.py``), event decisions, then every seat's moves (in seat
order, then file order), then interactions, then effects delayed from earlier rounds, then
thresholds, then end conditions, then deals are settled; finally the next round's events are
drawn. Moves are simultaneous: their conditions all read the state as it was when resolution
began.

Speed: the scenario's effects, rules, events and endings are flattened once (``_Tables``, with
their conditions parsed), so a round does attribute reads instead of model lookups. The rules
are those of ``bot/game/reference/engine.py``, which ``tests/game/test_fast_engine.py`` checks
this module against to the byte: a rule change goes into both.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any, Final

from bot.game.ai_tables import Kept
from bot.game.deals import RoundPlan, plan_round, settle
from bot.game.env import StateEnv, round_set
from bot.game.errors import MatchOver
from bot.game.expr import Expr
from bot.game.legal import check_orders
from bot.game.rng import seeded
from bot.game.scenario import Effect, Ending, Event, Interaction, Scenario, Threshold
from bot.game.state import MatchState, Pending, Record, RoundResult, SeatOrders

LAST_ROUND: Final = "last_round"  # the ending id reported when no end condition fired
ROUNDED: Final = 1 << 15  # rounded sums kept per scenario before the memo starts again
# The builtin ``round`` as a constant: compiled, ``round(x, n)`` otherwise looks ``round`` up
# in the builtins module on every call.
_ROUND: Final = round


def round_rng(seed: int, round_number: int) -> random.Random:
    """The random source for one round of a match, so any round can be replayed on its own."""
    return seeded(seed * 1_000_003 + round_number * 7_919 + 17)


class _Eff:
    """One effect with its condition and formula parsed."""

    __slots__ = (
        "chance",
        "cond",
        "delay",
        "duration",
        "fixed",
        "formula",
        "metric",
        "now",
        "otherwise",
        "plain",
        "range",
        "source",
    )

    def __init__(self, scenario: Scenario, effect: Effect) -> None:
        self.cond: Expr | None = None
        if effect.condition is not None:
            self.cond = scenario.expr(effect.condition)
        self.otherwise = tuple(_Eff(scenario, e) for e in effect.otherwise)
        self.chance = effect.chance
        self.range = None if effect.range is None else (effect.range[0], effect.range[1])
        formula = effect.formula
        self.formula = None if formula is None else scenario.expr(formula)
        self.fixed = 0.0 if formula is not None else float(effect.change or 0.0)
        self.delay = effect.delay
        self.duration = effect.duration
        self.now = effect.duration == 1 and effect.delay == 0  # applied at once, in full
        self.metric = effect.metric
        self.source = effect.source
        # No condition, no chance, no draw, no formula, applied at once: ``fire`` comes down
        # to ``apply(fixed * factor)``, which the hot loops call directly.
        self.plain = (
            self.cond is None
            and not self.chance < 1
            and self.range is None
            and self.formula is None
            and self.now
        )


# ``tuple.__new__`` and ``Record`` held as constants: compiled, a call then skips looking
# ``__new__`` up on ``tuple`` and ``Record`` up in the module's globals.
_NEW: Final[Callable[..., Any]] = tuple.__new__
_RECORD: Final = Record


def _record(values: tuple[object, ...]) -> Record:
    """A record from all its fields in order (skips the NamedTuple's defaults handling)."""
    record: Record = _NEW(_RECORD, values)
    return record


def _note(
    rnd: int,
    kind: str,
    source: str,
    seat: str | None,
    detail: str | None,
    metric: str | None = None,
    after: float | None = None,
) -> Record:
    """A record without a change (its fields written out: compiled, unpacking a tuple of
    Nones into the record's would build a list first)."""
    return _record((rnd, kind, source, seat, metric, None, after, None, None, None, detail))


def _miss(
    rnd: int, source: str, seat: str | None, metric: str, draw: float | None, why: str
) -> Record:
    """An effect that did not land: its condition failed, or its chance ``draw`` missed."""
    return _record((rnd, "miss", source, seat, metric, None, None, None, None, draw, why))


def _effs(scenario: Scenario, effects: list[Effect]) -> tuple[_Eff, ...]:
    return tuple(_Eff(scenario, e) for e in effects)


class _Rule:
    """One interaction rule with a ``when``, its fields read once."""

    __slots__ = ("effects", "expr", "id", "needs", "once", "source")

    def __init__(self, scenario: Scenario, rule: Interaction, when: str) -> None:
        self.id = rule.id
        self.once = rule.once
        self.source = f"interaction:{rule.id}"
        self.expr = scenario.expr(when)
        self.needs = self.expr.needs_played
        self.effects = _effs(scenario, rule.effects)


class _Level:
    """One interaction rule with a threshold, its fields read once (and its conditions parsed,
    for a threshold on conditions)."""

    __slots__ = ("above", "effects", "id", "metric", "off", "off_expr", "on", "on_expr", "source")

    def __init__(self, scenario: Scenario, rule: Interaction, level: Threshold) -> None:
        self.id = rule.id
        self.source = f"interaction:{rule.id}"
        self.effects = _effs(scenario, rule.effects)
        self.metric = level.metric
        self.on_expr: Expr | None = None
        self.off_expr: Expr | None = None
        self.on = self.off = 0.0
        if level.metric is None:
            self.on_expr = scenario.expr(str(level.on))
            self.off_expr = scenario.expr(str(level.off))
        else:
            self.on, self.off = float(level.on), float(level.off)
        self.above = level.direction == "above"


class _EventRow:
    """One event with its fields read once and its conditions parsed."""

    __slots__ = (
        "chance",
        "condition",
        "cooldown",
        "decider",
        "effects",
        "event",
        "id",
        "kind",
        "max_times",
        "once",
        "round",
        "scales",
        "source",
    )

    def __init__(self, scenario: Scenario, event: Event) -> None:
        self.event = event
        self.id = event.id
        self.once = event.once
        self.max_times = event.max_times
        self.cooldown = event.cooldown
        self.kind = event.kind
        self.round = event.round
        self.chance = event.chance
        self.condition = None if event.condition is None else scenario.expr(event.condition)
        self.scales = [(scenario.expr(scale.when), scale.factor) for scale in event.scale]
        self.effects = _effs(scenario, event.effects)
        self.source = f"event:{event.id}"
        self.decider = None if event.decision is None else event.decision.seat


class _Tables:
    """The scenario flattened for resolution (built once per scenario object)."""

    def __init__(self, scenario: Scenario) -> None:
        self.bounds = {m.id: (m.min, m.max, m.balance) for m in scenario.metrics}
        self.rating_bound = scenario.rules.rating_bound
        # ``_Round.round4``'s results (a plain dict: the tables live in a ``Kept`` memo, so a
        # pickled scenario never carries them)
        self.rounded: dict[float, float] = {}
        self.seat_moves = [
            (
                seat.id,
                [
                    (m.id, f"move:{m.id}", _effs(scenario, m.effects))
                    for m in scenario.moves_of(seat.id)
                ],
            )
            for seat in scenario.seats
        ]
        self.decisions = {
            event.id: event.decision for event in scenario.events if event.decision is not None
        }
        self.options = {
            (event.id, option.id): _effs(scenario, option.effects)
            for event in scenario.events
            if event.decision is not None
            for option in event.decision.options
        }
        self.interactions: list[_Rule] = []
        self.thresholds: list[_Level] = []
        for rule in scenario.interactions:
            if rule.when is not None:
                self.interactions.append(_Rule(scenario, rule, rule.when))
            if rule.threshold is not None:
                self.thresholds.append(_Level(scenario, rule, rule.threshold))
        self.events = [_EventRow(scenario, event) for event in scenario.events]
        self.endings: list[tuple[Ending, Expr]] = [
            (ending, scenario.expr(ending.condition)) for ending in scenario.endings
        ]
        self.covert = any(m.covert for m in scenario.moves)
        # Covert moves that can be found out, in file order, with their condition.
        self.exposable = [
            (m.id, m.seat, scenario.expr(m.exposed_when))
            for m in scenario.moves
            if m.covert and m.exposed_when is not None
        ]


class _Last:
    """The scenario whose tables were asked for last, with them, as one pair (read and
    replaced whole, so another thread never sees one scenario with another's tables)."""

    __slots__ = ("pair",)

    def __init__(self) -> None:
        self.pair: tuple[Scenario, _Tables] | None = None


_LAST: Final = _Last()  # a match asks for the same scenario's tables every round


def _tables(scenario: Scenario) -> _Tables:
    pair = _LAST.pair
    if pair is not None and pair[0] is scenario:
        return pair[1]
    memo: Kept[int, tuple[Scenario, _Tables]] = scenario.memo("fast.engine").setdefault(
        "by_id", Kept()
    )  # pickles empty, as ``ai_tables.tables``' memo
    found = memo.get(id(scenario))
    if found is None or found[0] is not scenario:
        found = memo[id(scenario)] = (scenario, _Tables(scenario))
    _LAST.pair = found
    return found[1]


def _bounds(scenario: Scenario) -> dict[str, tuple[float, float, str | None]]:
    """Each metric's range and balancing metric, looked up once per scenario."""
    return _tables(scenario).bounds


class _Round:
    """The mutable working state of one resolution (never escapes the engine)."""

    def __init__(self, scenario: Scenario, state: MatchState, rng: random.Random) -> None:
        self.scenario = scenario
        self.state = state
        self.rng = rng
        self.records: list[Record] = []
        self.tables = _tables(scenario)
        self.bounds = self.tables.bounds
        self.rounded = self.tables.rounded
        # The state's metrics (changed in place, never replaced) and round (``next_round``
        # moves it on): read on every effect, and the state is a plain Python object.
        self.metrics = state.metrics
        self.rnd = state.round

    def next_round(self) -> None:
        """The state moves on to its next round (before the next round's events are drawn)."""
        self.state.round += 1
        self.rnd = self.state.round

    def round4(self, value: float) -> float:
        """``round(value, 4)``, kept per scenario: a match rounds the same few thousand sums
        over and over, and ``round`` to digits is slow. Only non-zero floats are kept (0.0
        and -0.0 are equal keys but round to different signs).

        A value that is a whole number of sixteenths (most are: whole and half points) is its
        own rounding, to the bit: such a float's exact decimal expansion has at most four
        digits after the point (k / 16 = k * 625 / 10000), so ``round(value, 4)`` gives it back
        (sign of a zero included). Multiplying by 16 is exact, so the test is too."""
        if (value * 16.0) % 1.0 == 0.0:
            return value
        found = self.rounded.get(value)
        if found is None:
            found = _ROUND(value, 4)
            if value and type(value) is float and value == value:  # not NaN either
                rounded = self.rounded
                if len(rounded) >= ROUNDED:
                    rounded.clear()
                rounded[value] = found
        return found

    def apply(
        self,
        source: str,
        metric_id: str,
        amount: float,
        seat: str | None = None,
        delayed_from: int | None = None,
        draw: float | None = None,
        partner: str | None = None,
    ) -> None:
        """Change a metric within its range; a balancing metric absorbs the opposite change.

        ``partner`` (a transfer) takes the place of the metric's own balancing metric.
        """
        bounds = self.bounds
        low, high, balance = bounds[metric_id]
        if partner is not None:
            balance = partner
        metrics = self.metrics
        before = metrics[metric_id]
        # min(max(x, low), high), spelt out (the same comparisons, without two calls)
        moved = before + amount
        if low > moved:
            moved = low
        if high < moved:
            moved = high
        delta = moved - before
        if balance is not None and delta:
            other_low, other_high, _ = bounds[balance]
            held = metrics[balance]
            rest = held - delta
            if other_low > rest:
                rest = other_low
            if other_high < rest:
                rest = other_high
            delta = held - rest
        # ``round4`` inlined: its sixteenths test, then its memo (most sums are in one or
        # the other).
        rounded = self.rounded
        total = before + delta
        if (total * 16.0) % 1.0 == 0.0:
            after = total
        else:
            found = rounded.get(total)
            after = self.round4(total) if found is None else found
        metrics[metric_id] = after
        change = after - before
        if (change * 16.0) % 1.0 == 0.0:
            shown = change
        else:
            found = rounded.get(change)
            shown = self.round4(change) if found is None else found
        records = self.records
        rnd = self.rnd
        records.append(
            _record(
                (
                    rnd,
                    "effect",
                    source,
                    seat,
                    metric_id,
                    before,
                    after,
                    shown,
                    delayed_from,
                    draw,
                    None,
                )
            )
        )
        if balance is not None and delta:
            held = metrics[balance]
            now = metrics[balance] = self.round4(held - delta)
            records.append(
                _record(
                    (
                        rnd,
                        "effect",
                        source,
                        seat,
                        balance,
                        held,
                        now,
                        self.round4(now - held),
                        delayed_from,
                        None,
                        f"balances {metric_id}" if partner is None else f"to {metric_id}",
                    )
                )
            )

    def trigger(
        self,
        effect: Effect,
        source: str,
        env: StateEnv,
        seat: str | None = None,
        factor: float = 1.0,
    ) -> bool:
        """Apply (or schedule) one effect; False when its condition or its chance failed."""
        return self.fire(_Eff(self.scenario, effect), source, env, seat, factor)

    def fire(
        self,
        effect: _Eff,
        source: str,
        env: StateEnv,
        seat: str | None = None,
        factor: float = 1.0,
    ) -> bool:
        """``trigger`` for a flattened effect."""
        if effect.plain:
            self.apply(
                source, effect.metric, effect.fixed * factor, seat, None, None, effect.source
            )
            return True
        rnd = self.rnd
        cond = effect.cond
        if cond is not None and not env.holds(cond):
            self.records.append(_miss(rnd, source, seat, effect.metric, None, "condition"))
            hits = [self.fire(other, source, env, seat, factor) for other in effect.otherwise]
            return any(hits)
        draw: float | None = None
        if effect.chance < 1:
            draw = _ROUND(self.rng.random(), 6)
            if draw >= effect.chance:
                self.records.append(_miss(rnd, source, seat, effect.metric, draw, "chance"))
                return False
        if effect.range is not None:
            low, high = effect.range  # ``rng.uniform(low, high)``, spelt out as Random's:
            draw = _ROUND(low + (high - low) * self.rng.random(), 4)
            amount = draw
        elif effect.formula is not None:
            amount = float(effect.formula.evaluate(env))
        else:
            amount = effect.fixed
        amount *= factor
        if effect.now:
            self.apply(source, effect.metric, amount, seat, None, draw, effect.source)
            return True
        state = self.state
        for step in range(effect.duration):
            due = rnd + effect.delay + step
            if due == rnd:
                self.apply(source, effect.metric, amount, seat, draw=draw, partner=effect.source)
            elif due <= state.last_round:
                state.pending.append(
                    Pending(source, effect.metric, amount, due, rnd, effect.source)
                )
                self.records.append(
                    Record(
                        rnd,
                        "scheduled",
                        source,
                        seat,
                        effect.metric,
                        delta=round(amount, 4),
                        detail=f"round {due}",
                    )
                )
        return True

    def fire_event(self, row: _EventRow, env: StateEnv) -> None:
        """An event happens at the start of the current round."""
        state = self.state
        event_id = row.id
        state.fired[event_id] = state.fired.get(event_id, 0) + 1
        if row.cooldown:
            state.event_last[event_id] = state.round
        state.events_now.append(event_id)
        source = row.source
        self.records.append(_note(state.round, "event", source, None, None))
        for effect in row.effects:
            self.fire(effect, source, env)
        if row.decider is not None:
            state.awaiting[event_id] = row.decider


def _rating_factor(scenario: Scenario, rating: float | None) -> float:
    return 1.0 + scenario.rules.rating_bound * (rating or 0.0)


def _draw_events(work: _Round) -> None:
    """Decide which events happen at the start of the state's current round."""
    state = work.state
    env = StateEnv(state)
    fired, event_last, rnd = state.fired, state.event_last, state.round
    for row in work.tables.events:
        event_id = row.id
        if row.once and fired.get(event_id):
            continue
        if row.max_times is not None and fired.get(event_id, 0) >= row.max_times:
            continue
        last = event_last.get(event_id)
        if last is not None and rnd - last <= row.cooldown:
            continue  # resting: no draw is made, as if the event were not in the file
        # Conditions are pure: one whose answer cannot matter is not evaluated.
        kind = row.kind
        if kind == "scheduled" and row.round != rnd:
            continue
        condition = row.condition
        holds = condition is None or env.holds(condition)
        if kind == "scheduled" or kind == "triggered":
            happens = holds
        elif not holds:
            happens = False  # no draw, as before: the chance is drawn only when it holds
        else:
            chance = row.chance
            for when, factor in row.scales:
                if env.holds(when):
                    chance *= factor
            happens = work.rng.random() < min(chance, 1.0)
        if happens:
            work.fire_event(row, env)


def new_match(scenario: Scenario, rng: random.Random, rounds: int | None = None) -> RoundResult:
    """The state before round 1, with round 1's events already drawn.

    ``rounds`` shortens (or lengthens, up to 20) the match; the scenario's count by default.
    """
    last = scenario.meta.rounds if rounds is None else rounds
    if not 1 <= last <= 20:
        raise ValueError("a match lasts between 1 and 20 rounds")
    start = {m.id: m.start for m in scenario.metrics}
    state = MatchState(
        round=1, last_round=last, metrics=dict(start), start=start, round_start=dict(start)
    )
    work = _Round(scenario, state, rng)
    _draw_events(work)
    state.round_start = dict(state.metrics)
    return RoundResult(state, tuple(work.records))


def _resolve_decisions(work: _Round, orders: Mapping[str, SeatOrders], env: StateEnv) -> None:
    state = work.state
    if not state.awaiting:
        return
    tables = work.tables
    for event_id, seat in sorted(state.awaiting.items()):
        decision = tables.decisions[event_id]
        seat_orders = orders.get(seat)
        given = None if seat_orders is None else seat_orders.decisions.get(event_id)
        choice = given or decision.default
        effects = tables.options.get((event_id, choice))
        if effects is None:  # not an option of the decision (as before: StopIteration)
            option = next(o for o in decision.options if o.id == choice)
            effects = tables.options[(event_id, option.id)]
        state.decided[event_id] = choice
        detail = choice if given else f"{choice} (default)"
        work.records.append(_note(work.rnd, "decision", f"event:{event_id}", seat, detail))
        for effect in effects:
            work.fire(effect, f"decision:{event_id}.{choice}", env, seat)
    state.awaiting = {}


def _resolve_moves(work: _Round, orders: Mapping[str, SeatOrders], env: StateEnv) -> None:
    records = work.records
    rnd = work.state.round
    bound = work.tables.rating_bound
    for seat_id, moves in work.tables.seat_moves:
        seat_orders = orders.get(seat_id)
        if seat_orders is None or not seat_orders.moves:
            continue
        chosen = {o.move: o for o in seat_orders.moves}
        for move_id, source, effects in moves:
            order = chosen.get(move_id)
            if order is None:
                continue
            mark = len(records)
            factor = 1.0 + bound * (order.rating or 0.0)  # ``_rating_factor``
            hits = 0
            for e in effects:
                if e.plain:  # ``fire`` for it, inlined
                    work.apply(source, e.metric, e.fixed * factor, seat_id, None, None, e.source)
                    hits += 1
                elif work.fire(e, source, env, seat_id, factor):
                    hits += 1
            outcome = "hit" if hits == len(effects) else "miss" if not hits else "partial"
            records.insert(mark, _note(rnd, "order", source, seat_id, outcome))


def _resolve_interactions(work: _Round, env: StateEnv) -> None:
    state = work.state
    fired, played = state.interactions_fired, env.played
    for rule in work.tables.interactions:
        if rule.once and fired.get(rule.id):
            continue
        if rule.needs and not rule.needs <= played:
            continue  # a move the rule needs was not played: it cannot fire
        if env.holds(rule.expr):
            fired[rule.id] = fired.get(rule.id, 0) + 1
            source = rule.source
            work.records.append(_note(work.rnd, "interaction", source, None, None))
            for effect in rule.effects:
                if effect.plain:
                    work.apply(source, effect.metric, effect.fixed, None, None, None, effect.source)
                else:
                    work.fire(effect, source, env)


def _resolve_pending(work: _Round) -> None:
    state = work.state
    due = [p for p in state.pending if p.due == state.round]
    state.pending = [p for p in state.pending if p.due != state.round]
    for item in due:
        work.apply(
            item.source, item.metric, item.amount, delayed_from=item.origin, partner=item.partner
        )


def _resolve_thresholds(work: _Round) -> None:
    state = work.state
    env = StateEnv(state)
    active, metrics = state.active, state.metrics
    for level in work.tables.thresholds:
        rule_id = level.id
        is_on = rule_id in active
        value: float | None = None
        on_expr, off_expr = level.on_expr, level.off_expr
        if on_expr is not None and off_expr is not None:  # conditions: on when `on` holds,
            switch_on = not is_on and env.holds(on_expr)  # off when `off` does
            switch_off = is_on and env.holds(off_expr)
        else:
            assert level.metric is not None  # a threshold has a metric or two conditions
            value = metrics[level.metric]
            on, off = level.on, level.off
            above = level.above
            switch_on = not is_on and (value >= on if above else value <= on)
            switch_off = is_on and (value < off if above else value > off)
        if switch_on:
            source = level.source
            active.append(rule_id)
            state.interactions_fired[rule_id] = state.interactions_fired.get(rule_id, 0) + 1
            work.records.append(
                _note(state.round, "threshold_on", source, None, None, level.metric, value)
            )
            for effect in level.effects:
                work.fire(effect, source, env)
        elif switch_off:
            active.remove(rule_id)
            work.records.append(
                _note(state.round, "threshold_off", level.source, None, None, level.metric, value)
            )


def _has_covert(scenario: Scenario) -> bool:
    return _tables(scenario).covert


def _resolve_exposures(work: _Round, env: StateEnv) -> None:
    """Covert moves played so far whose ``exposed_when`` now holds become public."""
    state = work.state
    history: list[frozenset[str]] | None = None  # read once, only if a covert move needs it
    for move_id, seat, exposed_when in work.tables.exposable:
        if move_id in state.exposed:
            continue
        if move_id not in env.played:
            history = _history(state) if history is None else history
            if not any(move_id in s for s in history):
                continue
        if env.holds(exposed_when):
            state.exposed.append(move_id)
            work.records.append(_note(state.round, "exposed", f"move:{move_id}", seat, None))


def _history(state: MatchState) -> list[frozenset[str]]:
    return [round_set(rnd) for rnd in state.history]


def _check_endings(work: _Round) -> None:
    state = work.state
    env = StateEnv(state)
    for ending, condition in work.tables.endings:
        if state.round >= ending.earliest_round and env.holds(condition):
            state.ending, state.finished = ending.id, True
            break
    else:
        if state.round >= state.last_round:
            state.ending, state.finished = LAST_ROUND, True
    if state.finished:
        source = f"ending:{state.ending}"
        work.records.append(_note(state.round, "ending", source, None, None))


def resolve_round(
    scenario: Scenario, state: MatchState, orders: Mapping[str, SeatOrders], rng: random.Random
) -> RoundResult:
    """Resolve the state's current round with every seat's orders (a missing seat holds).

    Raises IllegalOrder when any order breaks the rules, MatchOver when the match has ended.
    The state passed in is never changed.
    """
    if state.finished:
        raise MatchOver("the match is over")
    check_orders(scenario, state, orders)
    work = _Round(scenario, state.copy(), rng)
    plan: RoundPlan | None = None
    if not state.deals and not any(o.conditions for so in orders.values() for o in so.moves):
        # ``plan_round``'s answer without its work: every ordered move runs, nothing is held
        played = frozenset([o.move for so in orders.values() for o in so.moves])
    else:
        plan = plan_round(work.state, orders)  # conditional orders and escrows: which run
        orders, played = plan.orders, plan.ran
        work.records.extend(plan.records)
    counts = {seat: len(o.moves) for seat, o in orders.items()}
    snapshot = dict(work.state.metrics)
    env = StateEnv(work.state, metrics=snapshot, played=played, seat_counts=counts)
    _resolve_decisions(work, orders, env)
    _resolve_moves(work, orders, env)
    _resolve_interactions(work, env)
    _resolve_pending(work)
    _resolve_thresholds(work)
    if work.tables.covert:
        after = StateEnv(work.state, played=played, seat_counts=counts)
        _resolve_exposures(work, after)
    new = work.state
    new.history.append(
        {s: sorted(o.move for o in so.moves) for s, so in sorted(orders.items()) if so.moves}
    )
    _check_endings(work)
    if new.deals:
        assert plan is not None  # a state with deals always has a plan
        work.records.extend(settle(scenario, new, plan))
    new.events_now = []
    work.next_round()
    if not new.finished:
        _draw_events(work)
    new.round_start = dict(new.metrics)
    return RoundResult(new, tuple(work.records))
