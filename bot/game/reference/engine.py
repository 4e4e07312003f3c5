"""The rules engine: pure functions from (scenario, state, orders, rng) to (state, records).

A round resolves in a fixed order so that the same inputs always give the same bytes:
which conditional orders run (``deals.py``), event decisions, then every seat's moves (in seat
order, then file order), then interactions, then effects delayed from earlier rounds, then
thresholds, then end conditions, then deals are settled; finally the next round's events are
drawn. Moves are simultaneous: their conditions all read the state as it was when resolution
began.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from bot.game.deals import plan_round, settle
from bot.game.env import StateEnv
from bot.game.errors import MatchOver
from bot.game.reference.legal import check_orders
from bot.game.scenario import Effect, Event, Scenario
from bot.game.state import MatchState, Pending, Record, RoundResult, SeatOrders

LAST_ROUND = "last_round"  # the ending id reported when no end condition fired


def round_rng(seed: int, round_number: int) -> random.Random:
    """The random source for one round of a match, so any round can be replayed on its own."""
    return random.Random(seed * 1_000_003 + round_number * 7_919 + 17)


def _bounds(scenario: Scenario) -> dict[str, tuple[float, float, str | None]]:
    """Each metric's range and balancing metric, looked up once per scenario."""
    memo = scenario.memo("ref.bounds")
    if not memo:
        memo.update({m.id: (m.min, m.max, m.balance) for m in scenario.metrics})
    return memo


class _Round:
    """The mutable working state of one resolution (never escapes the engine)."""

    def __init__(self, scenario: Scenario, state: MatchState, rng: random.Random) -> None:
        self.scenario = scenario
        self.state = state
        self.rng = rng
        self.records: list[Record] = []
        self.bounds = _bounds(scenario)

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
        low, high, balance = self.bounds[metric_id]
        if partner is not None:
            balance = partner
        metrics = self.state.metrics
        before = metrics[metric_id]
        delta = min(max(before + amount, low), high) - before
        if balance is not None and delta:
            other_low, other_high, _ = self.bounds[balance]
            held = metrics[balance]
            delta = held - min(max(held - delta, other_low), other_high)
        after = round(before + delta, 4)
        metrics[metric_id] = after
        self.records.append(
            Record(
                self.state.round,
                "effect",
                source,
                seat,
                metric_id,
                before,
                after,
                round(after - before, 4),
                delayed_from,
                draw,
            )
        )
        if balance is not None and delta:
            held = metrics[balance]
            metrics[balance] = round(held - delta, 4)
            self.records.append(
                Record(
                    self.state.round,
                    "effect",
                    source,
                    seat,
                    balance,
                    held,
                    metrics[balance],
                    round(metrics[balance] - held, 4),
                    delayed_from,
                    detail=f"balances {metric_id}" if partner is None else f"to {metric_id}",
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
        rnd = self.state.round
        if effect.condition is not None and not self.scenario.expr(effect.condition).evaluate(env):
            self.records.append(
                Record(rnd, "miss", source, seat, effect.metric, detail="condition")
            )
            hits = [self.trigger(other, source, env, seat, factor) for other in effect.otherwise]
            return any(hits)
        draw: float | None = None
        if effect.chance < 1:
            draw = round(self.rng.random(), 6)
            if draw >= effect.chance:
                self.records.append(
                    Record(rnd, "miss", source, seat, effect.metric, draw=draw, detail="chance")
                )
                return False
        if effect.range is not None:
            draw = round(self.rng.uniform(effect.range[0], effect.range[1]), 4)
            amount = draw
        elif effect.formula is not None:
            amount = float(self.scenario.expr(effect.formula).evaluate(env))
        else:
            amount = float(effect.change or 0.0)
        amount *= factor
        for step in range(effect.duration):
            due = rnd + effect.delay + step
            if due == rnd:
                self.apply(source, effect.metric, amount, seat, draw=draw, partner=effect.source)
            elif due <= self.state.last_round:
                self.state.pending.append(
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

    def fire_event(self, event: Event, env: StateEnv) -> None:
        """An event happens at the start of the current round."""
        state = self.state
        state.fired[event.id] = state.fired.get(event.id, 0) + 1
        if event.cooldown:
            state.event_last[event.id] = state.round
        state.events_now.append(event.id)
        self.records.append(Record(state.round, "event", f"event:{event.id}"))
        for effect in event.effects:
            self.trigger(effect, f"event:{event.id}", env)
        if event.decision is not None:
            state.awaiting[event.id] = event.decision.seat


def _rating_factor(scenario: Scenario, rating: float | None) -> float:
    return 1.0 + scenario.rules.rating_bound * (rating or 0.0)


def _draw_events(work: _Round) -> None:
    """Decide which events happen at the start of the state's current round."""
    state, scenario = work.state, work.scenario
    env = StateEnv(state)
    for event in scenario.events:
        if event.once and state.fired.get(event.id):
            continue
        if event.max_times is not None and state.fired.get(event.id, 0) >= event.max_times:
            continue
        last = state.event_last.get(event.id)
        if last is not None and state.round - last <= event.cooldown:
            continue  # resting: no draw is made, as if the event were not in the file
        holds = event.condition is None or bool(scenario.expr(event.condition).evaluate(env))
        if event.kind == "scheduled":
            happens = event.round == state.round and holds
        elif event.kind == "triggered":
            happens = holds
        else:
            chance = event.chance
            for scale in event.scale:
                if scenario.expr(scale.when).evaluate(env):
                    chance *= scale.factor
            happens = holds and work.rng.random() < min(chance, 1.0)
        if happens:
            work.fire_event(event, env)


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
    for event_id, seat in sorted(state.awaiting.items()):
        decision = work.scenario.event(event_id).decision
        assert decision is not None  # only events with a decision wait for an answer
        given = orders.get(seat, SeatOrders()).decisions.get(event_id)
        choice = given or decision.default
        option = next(o for o in decision.options if o.id == choice)
        state.decided[event_id] = choice
        work.records.append(
            Record(
                state.round,
                "decision",
                f"event:{event_id}",
                seat,
                detail=choice if given else f"{choice} (default)",
            )
        )
        for effect in option.effects:
            work.trigger(effect, f"decision:{event_id}.{choice}", env, seat)
    state.awaiting = {}


def _resolve_moves(work: _Round, orders: Mapping[str, SeatOrders], env: StateEnv) -> None:
    scenario = work.scenario
    for seat in scenario.seats:
        chosen = {o.move: o for o in orders.get(seat.id, SeatOrders()).moves}
        for move in scenario.moves_of(seat.id):
            order = chosen.get(move.id)
            if order is None:
                continue
            mark = len(work.records)
            factor = _rating_factor(scenario, order.rating)
            hits = [work.trigger(e, f"move:{move.id}", env, seat.id, factor) for e in move.effects]
            outcome = "hit" if all(hits) else "miss" if not any(hits) else "partial"
            work.records.insert(
                mark, Record(work.state.round, "order", f"move:{move.id}", seat.id, detail=outcome)
            )


def _resolve_interactions(work: _Round, env: StateEnv) -> None:
    state, scenario = work.state, work.scenario
    for rule in scenario.interactions:
        if rule.when is None or (rule.once and state.interactions_fired.get(rule.id)):
            continue
        expr = scenario.expr(rule.when)
        if not expr.needs_played <= env.played:
            continue  # a move the rule needs was not played: it cannot fire
        if expr.evaluate(env):
            state.interactions_fired[rule.id] = state.interactions_fired.get(rule.id, 0) + 1
            work.records.append(Record(state.round, "interaction", f"interaction:{rule.id}"))
            for effect in rule.effects:
                work.trigger(effect, f"interaction:{rule.id}", env)


def _resolve_pending(work: _Round) -> None:
    state = work.state
    due = [p for p in state.pending if p.due == state.round]
    state.pending = [p for p in state.pending if p.due != state.round]
    for item in due:
        work.apply(
            item.source, item.metric, item.amount, delayed_from=item.origin, partner=item.partner
        )


def _resolve_thresholds(work: _Round) -> None:
    state, scenario = work.state, work.scenario
    env = StateEnv(state)
    for rule in scenario.interactions:
        level = rule.threshold
        if level is None:
            continue
        is_on = rule.id in state.active
        value: float | None = None
        if level.metric is None:  # conditions: on when `on` holds, off when `off` does
            switch_on = not is_on and bool(scenario.expr(str(level.on)).evaluate(env))
            switch_off = is_on and bool(scenario.expr(str(level.off)).evaluate(env))
        else:
            value = state.metrics[level.metric]
            on, off = float(level.on), float(level.off)
            above = level.direction == "above"
            switch_on = not is_on and (value >= on if above else value <= on)
            switch_off = is_on and (value < off if above else value > off)
        if switch_on:
            state.active.append(rule.id)
            state.interactions_fired[rule.id] = state.interactions_fired.get(rule.id, 0) + 1
            work.records.append(
                Record(
                    state.round,
                    "threshold_on",
                    f"interaction:{rule.id}",
                    metric=level.metric,
                    after=value,
                )
            )
            for effect in rule.effects:
                work.trigger(effect, f"interaction:{rule.id}", env)
        elif switch_off:
            state.active.remove(rule.id)
            work.records.append(
                Record(
                    state.round,
                    "threshold_off",
                    f"interaction:{rule.id}",
                    metric=level.metric,
                    after=value,
                )
            )


def _has_covert(scenario: Scenario) -> bool:
    memo = scenario.memo("ref.covert")
    found = memo.get("any")
    if found is None:
        found = memo["any"] = any(m.covert for m in scenario.moves)
    return bool(found)


def _resolve_exposures(work: _Round, env: StateEnv) -> None:
    """Covert moves played so far whose ``exposed_when`` now holds become public."""
    state, scenario = work.state, work.scenario
    for move in scenario.moves:
        if not move.covert or move.exposed_when is None or move.id in state.exposed:
            continue
        if move.id not in env.played and not any(move.id in s for s in _history(state)):
            continue
        if scenario.expr(move.exposed_when).evaluate(env):
            state.exposed.append(move.id)
            work.records.append(Record(state.round, "exposed", f"move:{move.id}", move.seat))


def _history(state: MatchState) -> list[set[str]]:
    return [{m for moves in rnd.values() for m in moves} for rnd in state.history]


def _check_endings(work: _Round) -> None:
    state, scenario = work.state, work.scenario
    env = StateEnv(state)
    for ending in scenario.endings:
        if state.round >= ending.earliest_round and scenario.expr(ending.condition).evaluate(env):
            state.ending, state.finished = ending.id, True
            break
    else:
        if state.round >= state.last_round:
            state.ending, state.finished = LAST_ROUND, True
    if state.finished:
        work.records.append(Record(state.round, "ending", f"ending:{state.ending}"))


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
    plan = plan_round(work.state, orders)  # conditional orders and escrows: which moves run
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
    if _has_covert(scenario):
        after = StateEnv(work.state, played=played, seat_counts=counts)
        _resolve_exposures(work, after)
    new = work.state
    new.history.append(
        {s: sorted(o.move for o in so.moves) for s, so in sorted(orders.items()) if so.moves}
    )
    _check_endings(work)
    if new.deals:
        work.records.extend(settle(scenario, new, plan))
    new.events_now = []
    new.round += 1
    if not new.finished:
        _draw_events(work)
    new.round_start = dict(new.metrics)
    return RoundResult(new, tuple(work.records))
