"""The AI that holds empty seats.

It looks one round ahead with expected values: for every legal move it works out what the move's
effects would do on average (their size times their chance, later rounds discounted), through
the same conditions the engine evaluates, and what that does to its seat's goal score and to
its secret objectives' thresholds (``_objective_terms``). It then
adds its seat's leanings and seeded noise, and builds the best affordable set of moves, counting
the interactions its own moves would set off, what the moves a move unlocks (``requires``)
would be worth a round later, and what a move's effects tied to a scheduled event (``event("x")``
in their condition) will do when that event comes, discounted by the rounds until then. It sees
only what its seat may see: hidden metrics are taken at their publicly known starting value and
noisy ones at the seat's estimate.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence

from bot.game.env import StateEnv
from bot.game.expr import Value
from bot.game.reference.legal import last_played, legal_moves
from bot.game.reference.view import seat_view
from bot.game.scenario import Effect, Goal, Interaction, Metric, Move, Scenario, Seat
from bot.game.scoring import counts_from_start, goal_fraction
from bot.game.state import MatchState, Order, SeatOrders

DISCOUNT = 0.85  # a change next round is worth less than one now: the match may end first
LOOKAHEAD = 3  # how many prerequisites deep the AI values the moves a move unlocks
# A secret objective's threshold counts from this far away on the wrong side: its step,
# smoothed into a ramp so that every point of progress toward it is worth something.
OBJECTIVE_RAMP = 8.0
OBJECTIVE_WEIGHT = 0.25  # an objective's points, discounted: it only counts if it holds at the end
_TERM = re.compile(r"^\s*([a-z_][a-z0-9_]*)\s*(>=|<=|>|<)\s*(-?[0-9]+(?:\.[0-9]+)?)\s*$")


def ai_rng(seed: int, round_number: int, seat_index: int) -> random.Random:
    """The AI's own random source for one seat and round, separate from the rules' draws."""
    return random.Random((seed * 104_729 + round_number) * 1_009 + seat_index + 5_000_011)


def expected_deltas(
    scenario: Scenario, effects: Sequence[Effect], env: StateEnv
) -> dict[str, float]:
    """The average change the effects would make to each metric, counting balancing metrics."""
    # Without conditions the answer depends on nothing but the effects: compute it once.
    # (Effects lists live as long as their scenario, so their id is a stable key.)
    memo = scenario.memo("ref.expected")
    key = id(effects)
    found = memo.get(key, False)
    if found is False:
        static = all(e.condition is None and e.formula is None for e in effects)
        found = memo[key] = _expected(scenario, effects, env) if static else None
    return _expected(scenario, effects, env) if found is None else found


def _expected(scenario: Scenario, effects: Sequence[Effect], env: StateEnv) -> dict[str, float]:
    deltas: dict[str, float] = {}
    for effect in effects:
        if effect.condition is not None and not scenario.expr(effect.condition).evaluate(env):
            for metric, amount in _expected(scenario, effect.otherwise, env).items():
                deltas[metric] = deltas.get(metric, 0.0) + amount
            continue
        weight = sum(DISCOUNT ** (effect.delay + k) for k in range(effect.duration))
        size = effect.mean
        if effect.formula is not None:
            size = float(scenario.expr(effect.formula).evaluate(env))
        amount = size * effect.chance * weight
        deltas[effect.metric] = deltas.get(effect.metric, 0.0) + amount
        balance = effect.source or scenario.metric(effect.metric).balance
        if balance is not None:
            deltas[balance] = deltas.get(balance, 0.0) - amount
    return deltas


class _ForesightEnv(StateEnv):
    """The state as it is, except that a scheduled event of a later round is happening now."""

    __slots__ = ("coming",)

    def __init__(self, base: StateEnv, coming: str) -> None:
        super().__init__(base.state, metrics=base.metrics, played=base.played)
        self.coming = coming

    def call(
        self, name: str, args: tuple[str | float, ...], kwargs: Mapping[str, str | float]
    ) -> Value:
        if name == "event":
            return str(args[0]) == self.coming
        return super().call(name, args, kwargs)


def _event_effects(scenario: Scenario, move: Move) -> list[tuple[Effect, str, int]]:
    """The move's effects whose condition names a scheduled event, with the event and its round."""
    memo = scenario.memo("ref.event_effects")
    found = memo.get(move.id)
    if found is None:
        rounds = {e.id: e.round for e in scenario.events if e.kind == "scheduled" and e.round}
        found = memo[move.id] = [
            (effect, str(call.args[0]), rounds[str(call.args[0])])
            for effect in move.effects
            if effect.condition is not None
            for call in scenario.expr(effect.condition).calls()
            if call.name == "event" and str(call.args[0]) in rounds
        ]
    return found


def foresight_deltas(
    scenario: Scenario, move: Move, env: StateEnv, now: int, last: int
) -> dict[str, float]:
    """What the move's effects tied to a coming scheduled event will do then, discounted.

    A stance taken now (a boycott, a campaign) is what the player will carry into the vote, so
    the AI counts the vote's consequences of the stance at ``DISCOUNT`` per round still to go.
    """
    deltas: dict[str, float] = {}
    for effect, event_id, when in _event_effects(scenario, move):
        if not now < when <= last:
            continue
        later = _expected(scenario, [effect], _ForesightEnv(env, event_id))
        for metric, amount in later.items():
            deltas[metric] = deltas.get(metric, 0.0) + amount * DISCOUNT ** (when - now)
    return deltas


def _goal_table(scenario: Scenario, seat: Seat) -> list[tuple[Goal, Metric, float]]:
    """The seat's goals with their metrics and weights scaled to goal points (kept per scenario)."""
    memo = scenario.memo("ref.goals")
    goals = memo.get(seat.id)
    if goals is None:
        scale = scenario.scoring.goal_points / sum(g.weight for g in seat.goals)
        goals = memo[seat.id] = [
            (g, scenario.metric(g.metric), g.weight * scale) for g in seat.goals
        ]
    return goals


def _objective_terms(scenario: Scenario, seat: Seat) -> list[tuple[str, bool, float, float]]:
    """The seat's secret objectives as thresholds: (metric, at least?, threshold, points).

    Only objectives whose condition is metric comparisons joined by ``and``; each comparison
    gets an equal share of the points. Other conditions are left to the seat's leanings.
    """
    memo = scenario.memo("ref.objectives")
    found = memo.get(seat.id)
    if found is None:
        metrics = {m.id for m in scenario.metrics}
        found = []
        for objective in seat.objectives:
            parts = [_TERM.match(p) for p in objective.condition.split(" and ")]
            if not all(m is not None and m.group(1) in metrics for m in parts):
                continue
            for match in parts:
                assert match is not None  # checked above
                found.append(
                    (
                        match.group(1),
                        match.group(2)[0] == ">",
                        float(match.group(3)),
                        objective.points * OBJECTIVE_WEIGHT / len(parts),
                    )
                )
        memo[seat.id] = found
    return found


def _ramp(above: bool, threshold: float, value: float) -> float:
    """How near ``value`` is to the threshold: 0 from ``OBJECTIVE_RAMP`` short, 1 once there."""
    short = threshold - value if above else value - threshold
    if short <= 0:
        return 1.0
    return max(0.0, 1 - short / OBJECTIVE_RAMP)


def _own_interactions(scenario: Scenario, seat_id: str) -> list[tuple[Interaction, frozenset[str]]]:
    """Interactions that this seat's moves can set off, with the seat's moves each one names."""
    memo = scenario.memo("ref.own_interactions")
    if seat_id in memo:
        return memo[seat_id]  # type: ignore[no-any-return]
    own = {m.id for m in scenario.moves_of(seat_id)}
    found: list[tuple[Interaction, frozenset[str]]] = []
    for rule in scenario.interactions:
        if rule.when is None:
            continue
        named = {str(c.args[0]) for c in scenario.expr(rule.when).calls() if c.name == "played"}
        if named & own:
            found.append((rule, frozenset(named & own)))
    memo[seat_id] = found
    return found


def _unlocks(scenario: Scenario, move_id: str) -> list[Move]:
    """The seat's own moves that name this move in their ``requires`` (kept per scenario)."""
    memo = scenario.memo("ref.unlocks")
    if not memo:
        memo[""] = []  # marks the table as built, even for a scenario without prerequisites
        for move in scenario.moves:
            for required in move.requires:
                if required.split(".", 1)[0] == move.seat:
                    memo.setdefault(required, []).append(move)
    return memo.get(move_id, [])  # type: ignore[no-any-return]


class _Planner:
    def __init__(
        self, scenario: Scenario, state: MatchState, seat: Seat, seed: int, rng: random.Random
    ) -> None:
        self.scenario, self.state, self.seat, self.rng = scenario, state, seat, rng
        view = seat_view(scenario, state, seat.id, seed)
        self.known = {k: (state.start[k] if v is None else v) for k, v in view.items()}
        self.rules = _own_interactions(scenario, seat.id)
        self._ever: set[str] | None = None
        self._env = StateEnv(state, metrics=self.known)
        # Each goal's metric, value now and fraction met now: only the "then" side varies.
        self.from_start = from_start = counts_from_start(scenario)
        self.goals = [
            (
                g.metric,
                m,
                g,
                w,
                self.known[g.metric],
                goal_fraction(m, g, self.known[g.metric], from_start),
            )
            for g, m, w in _goal_table(scenario, seat)
        ]
        self.objectives = [
            (
                metric_id,
                scenario.metric(metric_id),
                above,
                threshold,
                points,
                self.known[metric_id],
                _ramp(above, threshold, self.known[metric_id]),
            )
            for metric_id, above, threshold, points in _objective_terms(scenario, seat)
        ]

    def gain(self, deltas: Mapping[str, float]) -> float:
        """How many goal points the changes would win (or lose) for the seat."""
        total = 0.0
        for metric_id, metric, goal, weight, now, before in self.goals:
            change = deltas.get(metric_id)
            if change:
                then = min(max(now + change, metric.min), metric.max)
                total += weight * (goal_fraction(metric, goal, then, self.from_start) - before)
        for metric_id, metric, above, threshold, points, now, before in self.objectives:
            change = deltas.get(metric_id)
            if change:
                then = min(max(now + change, metric.min), metric.max)
                total += points * (_ramp(above, threshold, then) - before)
        return total

    def env(self, played: frozenset[str]) -> StateEnv:
        # One environment, re-pointed at each candidate: it caches the history it reads.
        self._env.played = played
        return self._env

    def utility(self, move: Move) -> float:
        env = self.env(frozenset((move.id,)))
        deltas = expected_deltas(self.scenario, move.effects, env)
        state = self.state
        later = foresight_deltas(self.scenario, move, env, state.round, state.last_round)
        lean = self.seat.ai.prefer.get(move.id, 0.0)
        noise = self.rng.gauss(0.0, self.seat.ai.noise) if self.seat.ai.noise else 0.0
        ahead = (
            self.unlock_value(move, frozenset(), LOOKAHEAD)
            if _unlocks(self.scenario, move.id)
            else 0.0
        )
        value = self.gain(deltas) + (self.gain(later) if later else 0.0)
        return value + ahead + lean + noise

    def unlock_value(self, move: Move, assumed: frozenset[str], depth: int) -> float:
        """What the best of the seat's moves this one unlocks is worth, a round later.

        A move that only opens the way to another (``requires``) is worth playing for what the
        other will do; the chain is followed ``depth`` moves deep, discounted at every step.
        """
        if depth == 0 or not _unlocks(self.scenario, move.id):
            return 0.0
        done = self._played_ever() | assumed
        if move.id in done:
            return 0.0  # already unlocked
        opened = frozenset(done | {move.id})
        best = 0.0
        for other in _unlocks(self.scenario, move.id):
            if other.id in done or not set(other.requires) <= opened:
                continue
            deltas = expected_deltas(self.scenario, other.effects, self.env(frozenset((other.id,))))
            value = self.gain(deltas) + self.unlock_value(other, opened, depth - 1)
            best = max(best, value)
        return DISCOUNT * best

    def _played_ever(self) -> set[str]:
        if self._ever is None:
            self._ever = set(last_played(self.state))
        return self._ever

    def combo_value(self, combo: list[Move], utilities: Mapping[str, float]) -> float:
        value = sum(utilities[m.id] for m in combo)
        played = frozenset(m.id for m in combo)
        env = self.env(played)
        for rule, named in self.rules:
            expr = self.scenario.expr(rule.when or "")
            if named & played and expr.needs_played <= played and expr.evaluate(env):
                deltas = expected_deltas(self.scenario, rule.effects, env)
                value += self.gain(deltas)
        return value

    def fill(
        self, start: list[Move], ranked: list[Move], utilities: Mapping[str, float]
    ) -> list[Move]:
        chosen = list(start)
        taken = {m.id for m in chosen}
        spent = sum(m.cost for m in chosen)
        for move in ranked:
            if move.id in taken or utilities[move.id] <= 0:
                continue
            if self.scenario.exclusions(move.id) & taken:
                continue
            if spent + move.cost <= self.seat.budget:
                chosen.append(move)
                taken.add(move.id)
                spent += move.cost
        return chosen


Planner = _Planner  # the look-ahead, for the AI's deals (``ai_deals.py``)


def choose_orders(
    scenario: Scenario, state: MatchState, seat_id: str, seed: int, rng: random.Random
) -> SeatOrders:
    """The AI's orders (and answers to decisions) for one seat this round."""
    seat = scenario.seat(seat_id)
    planner = _Planner(scenario, state, seat, seed, rng)
    legal = legal_moves(scenario, state, seat_id)
    utilities = {m.id: planner.utility(m) for m in legal}
    ranked = sorted(legal, key=lambda m: utilities[m.id] / max(m.cost, 1), reverse=True)
    candidates = [planner.fill([], ranked, utilities)]
    by_id = {m.id: m for m in legal}
    for _rule, named in planner.rules:
        clash = any(scenario.exclusions(n) & named for n in named)
        if named <= by_id.keys() and not clash and sum(by_id[n].cost for n in named) <= seat.budget:
            candidates.append(planner.fill([by_id[n] for n in sorted(named)], ranked, utilities))
    unique = list({frozenset(m.id for m in c): c for c in candidates}.values())
    best = max(unique, key=lambda c: planner.combo_value(c, utilities))
    order = {m.id: i for i, m in enumerate(legal)}
    best.sort(key=lambda m: order[m.id])
    moves = tuple(Order(m.id, m.argument or "") for m in best)
    return SeatOrders(moves=moves, decisions=_decide(planner, state, seat_id))


def _decide(planner: _Planner, state: MatchState, seat_id: str) -> dict[str, str]:
    answers: dict[str, str] = {}
    env = planner.env(frozenset())
    for event_id, seat in sorted(state.awaiting.items()):
        if seat != seat_id:
            continue
        decision = planner.scenario.event(event_id).decision
        assert decision is not None  # only events with a decision wait for an answer
        values = {
            o.id: planner.gain(expected_deltas(planner.scenario, o.effects, env))
            + planner.rng.gauss(0.0, planner.seat.ai.noise or 1e-9)
            for o in decision.options
        }
        answers[event_id] = max(values, key=lambda k: values[k])
    return answers
