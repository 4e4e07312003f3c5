"""The AI that holds empty seats.

It looks one round ahead with expected values: for every legal move it works out what the move's
effects would do on average (their size times their chance, later rounds discounted), through
the same conditions the engine evaluates, and what that does to its seat's goal score and to
its secret objectives' thresholds (``ai_tables.objective_terms``). It then
adds its seat's leanings and seeded noise, and builds the best affordable set of moves, counting
the interactions its own moves would set off, what the moves a move unlocks (``requires``)
would be worth a round later, and what a move's effects tied to a scheduled event (``event("x")``
in their condition) will do when that event comes, discounted by the rounds until then. It sees
only what its seat may see: hidden metrics are taken at their publicly known starting value and
noisy ones at the seat's estimate.

Speed: this is the fast path. It reads the scenario through ``ai_tables`` (flattened moves,
effects and goals, built once) and one ``RoundCache`` per state, shared by all seats and by the
round's talks (``ai_deals``): legal moves, each seat's view and goal terms, and what each move
is worth to each seat, worked out once per round. The same rules live in
``bot/game/reference/ai.py`` (the AI as it was, through the general lookups);
``tests/game/test_fast_engine.py`` checks the two choose the same orders to the byte, so a
change to the AI's rules goes into both.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from bot.game.ai_tables import (
    DISCOUNT,
    MoveT,
    RoundCache,
    RuleT,
    expected,
    tables,
)
from bot.game.env import StateEnv
from bot.game.expr import Value
from bot.game.rng import gauss, seeded
from bot.game.scenario import Effect, Interaction, Move, Scenario, Seat
from bot.game.state import MatchState, SeatOrders, plain_order

__all__ = [
    "DISCOUNT",
    "LOOKAHEAD",
    "Planner",
    "ai_rng",
    "choose_moves",
    "choose_orders",
    "expected_deltas",
]
LOOKAHEAD = 3  # how many prerequisites deep the AI values the moves a move unlocks


def ai_rng(seed: int, round_number: int, seat_index: int) -> random.Random:
    """The AI's own random source for one seat and round, separate from the rules' draws."""
    return seeded((seed * 104_729 + round_number) * 1_009 + seat_index + 5_000_011)


def expected_deltas(
    scenario: Scenario, effects: Sequence[Effect], env: StateEnv
) -> dict[str, float]:
    """The average change the effects would make to each metric, counting balancing metrics.

    ``effects`` must live as long as the scenario (a move's, a rule's, an option's list): its
    flattened form is kept by identity. The result may be shared: do not change it.
    """
    return tables(scenario).effects_of(scenario, effects).deltas(env)


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


def foresight_deltas(move: MoveT, env: StateEnv, now: int, last: int) -> dict[str, float]:
    """What the move's effects tied to a coming scheduled event will do then, discounted.

    A stance taken now (a boycott, a campaign) is what the player will carry into the vote, so
    the AI counts the vote's consequences of the stance at ``DISCOUNT`` per round still to go.
    """
    deltas: dict[str, float] = {}
    for effects, event_id, when in move.event_effects:
        if not now < when <= last:
            continue
        later = expected(effects.items, _ForesightEnv(env, event_id))
        for metric, amount in later.items():
            deltas[metric] = deltas.get(metric, 0.0) + amount * DISCOUNT ** (when - now)
    return deltas


class _Planner:
    """One seat's look-ahead for one round (see the module's note).

    Mirrors ``_Planner`` in ``bot/game/reference/ai.py``: the same values, summed in the same
    order, from the precomputed tables.
    """

    def __init__(
        self,
        scenario: Scenario,
        state: MatchState,
        seat: Seat,
        seed: int,
        rng: random.Random,
        cache: RoundCache | None = None,
    ) -> None:
        self.scenario, self.state, self.seat, self.rng = scenario, state, seat, rng
        if cache is None or not cache.fits(scenario, state):
            cache = RoundCache(scenario, state)
        self.cache, self.seed = cache, seed
        self.tables = cache.tables
        self.seat_table = self.tables.seats[seat.id]
        self._ever: set[str] | None = None
        self._last: Mapping[str, int] = cache.last
        # The seat's view, one environment on it, and its goal terms valued now
        # (``ai_tables.SeatRound``): its goals, then the secret objectives' thresholds
        # (``ai_tables.objective_terms``).
        self.round = cache.seat_round(seat.id, seed)
        self.known = self.round.known
        self._env = self.round.env
        self.from_start = self.tables.from_start

    @property
    def rules(self) -> list[tuple[Interaction, frozenset[str]]]:
        """Interactions this seat's moves can set off, with the seat's moves each one names."""
        return [(r.rule, r.named) for r in self.seat_table.rules]

    def gain(self, deltas: dict[str, float]) -> float:
        """How many goal points the changes would win (or lose) for the seat."""
        return self.round.gain(deltas)

    def env(self, played: frozenset[str]) -> StateEnv:
        # One environment, re-pointed at each candidate: it caches the history it reads.
        self._env.played = played
        return self._env

    def utility(self, move: Move) -> float:
        """The move's worth to the seat this round, noise included (one draw)."""
        return self.utility_of(self.tables.moves[move.id])

    def utility_of(self, move: MoveT) -> float:
        """``utility`` for a move's table entry."""
        own = self.round.values.get(move.id)
        if own is None:
            own = self.cache.value(self.seat.id, move, self.seed)
        state = self.state
        later = (
            foresight_deltas(move, self.env(move.alone), state.round, state.last_round)
            if move.event_effects
            else None
        )
        table = self.seat_table
        lean = table.prefer.get(move.id, 0.0)
        noise = gauss(self.rng, 0.0, table.noise) if table.noise else 0.0
        ahead = self.unlock_value(move, frozenset(), LOOKAHEAD) if move.unlocks else 0.0
        value = own + (self.gain(later) if later else 0.0)
        return value + ahead + lean + noise

    def unlock_value(self, move: MoveT, assumed: frozenset[str], depth: int) -> float:
        """What the best of the seat's moves this one unlocks is worth, a round later.

        A move that only opens the way to another (``requires``) is worth playing for what the
        other will do; the chain is followed ``depth`` moves deep, discounted at every step.
        """
        if depth == 0 or not move.unlocks:
            return 0.0
        done = self._played_ever() | assumed
        if move.id in done:
            return 0.0  # already unlocked
        opened = frozenset(done | {move.id})
        best = 0.0
        for other in move.unlocks:
            if other.id in done or not other.requires_set <= opened:
                continue
            own = self.cache.value(self.seat.id, other, self.seed)
            value = own + self.unlock_value(other, opened, depth - 1)
            best = max(best, value)
        return DISCOUNT * best

    def _played_ever(self) -> set[str]:
        if self._ever is None:
            self._ever = set(self._last)
        return self._ever

    def combo_value(
        self,
        combo: Sequence[Move | MoveT],
        utilities: dict[str, float],
        rules: Sequence[RuleT] | None = None,
    ) -> float:
        """The moves' utilities together, plus the interactions they would set off.

        ``rules``: the seat's rules that moves like these can set off (all of them when
        None); leaving out rules that cannot fire changes nothing."""
        value = sum(utilities[m.id] for m in combo)
        played = frozenset(m.id for m in combo)
        env = self.env(played)
        for rule in self.seat_table.rules if rules is None else rules:
            if not rule.named.isdisjoint(played) and rule.needs <= played and env.holds(rule.expr):
                value += self.round.gain_of(rule.effects, env)
        return value

    def fill(
        self, start: list[MoveT], ranked: list[MoveT], utilities: dict[str, float]
    ) -> list[MoveT]:
        """``start``, then the best-ranked moves with a positive utility the budget allows."""
        chosen = list(start)
        taken = {m.id for m in chosen}
        spent = sum(m.cost for m in chosen)
        budget = self.seat_table.budget
        # Once the budget is spent only a move costing nothing could still fit: without such
        # moves the rest of ``ranked`` cannot change the result.
        full = not self.seat_table.free
        for move in ranked:
            if full and spent >= budget:
                break
            if move.id in taken or utilities[move.id] <= 0:
                continue
            if move.excl and not move.excl.isdisjoint(taken):  # most moves exclude none
                continue
            if spent + move.cost <= budget:
                chosen.append(move)
                taken.add(move.id)
                spent += move.cost
        return chosen


Planner = _Planner  # the look-ahead, for the AI's deals (``ai_deals.py``)


def choose_orders(
    scenario: Scenario,
    state: MatchState,
    seat_id: str,
    seed: int,
    rng: random.Random,
    cache: RoundCache | None = None,
) -> SeatOrders:
    """The AI's orders (and answers to decisions) for one seat this round.

    ``cache`` (for ``state``) shares legal moves and views between the seats of one round.
    """
    best, decisions = choose_moves(scenario, state, seat_id, seed, rng, cache)
    moves = tuple(plain_order(m.id, m.move.argument or "") for m in best)
    return SeatOrders(moves=moves, decisions=decisions)


def choose_moves(
    scenario: Scenario,
    state: MatchState,
    seat_id: str,
    seed: int,
    rng: random.Random,
    cache: RoundCache | None = None,
) -> tuple[list[MoveT], dict[str, str]]:
    """``choose_orders`` as the moves' table entries, in file order, and the decisions."""
    if cache is None or not cache.fits(scenario, state):
        cache = RoundCache(scenario, state)
    seat = cache.tables.seats[seat_id].seat  # ``scenario.seat(seat_id)``
    planner = _Planner(scenario, state, seat, seed, rng, cache)
    legal = cache.legal(seat_id)
    cache.row(seat_id, legal, seed)  # the moves' values, for ``utility_of``
    utilities = {m.id: planner.utility_of(m) for m in legal}  # a direct call, compiled
    ranked = sorted(legal, key=lambda m: utilities[m.id] / m.per, reverse=True)
    ranked = [m for m in ranked if utilities[m.id] > 0]  # ``fill`` skips the others anyway
    candidates = [planner.fill([], ranked, utilities)]
    by_id = {m.id: m for m in legal}
    ids = frozenset(by_id)
    for rule in planner.seat_table.rules:
        # every named move legal, no two excluding each other, together within the budget
        if not rule.clash and rule.cost <= seat.budget and rule.named <= ids:
            start = [by_id[n] for n in rule.in_order]
            candidates.append(planner.fill(start, ranked, utilities))
    unique = (
        candidates
        if len(candidates) == 1
        else list({frozenset(m.id for m in c): c for c in candidates}.values())
    )
    if len(unique) == 1:
        best = unique[0]  # ``max`` of one: its value is never needed
    else:
        # Only rules whose named and needed moves are legal now can fire for a candidate.
        live = [r for r in planner.seat_table.rules if r.needs <= ids and r.named & ids]
        best = max(unique, key=lambda c: planner.combo_value(c, utilities, live))
    best.sort(key=_file_order)  # the order of ``legal``, a part of the seat's moves
    return best, _decide(planner, state, seat_id)


def _file_order(move: MoveT) -> int:
    return move.rank


def _decide(planner: _Planner, state: MatchState, seat_id: str) -> dict[str, str]:
    answers: dict[str, str] = {}
    if not state.awaiting:
        return answers
    env = planner.env(frozenset())
    for event_id, seat in sorted(state.awaiting.items()):
        if seat != seat_id:
            continue
        decision = planner.scenario.event(event_id).decision
        assert decision is not None  # only events with a decision wait for an answer
        values = {
            o.id: planner.round.gain_of(planner.tables.effects_of(planner.scenario, o.effects), env)
            + gauss(planner.rng, 0.0, planner.seat.ai.noise or 1e-9)
            for o in decision.options
        }
        answers[event_id] = max(values, key=lambda k: values[k])
    return answers
