"""How AI seats deal: propose, answer and keep deals with the same one-round look-ahead as
their orders (``ai.py``), seeded and deterministic.

- **Propose**: each AI seat, in seat order, values pairs (one of its legal moves, one legal move
  of another seat that the other would not play on its own account but this seat wants); it
  proposes the pair worth most to itself, when the other seat gains from the pair too (by its
  goals, undiscounted) and the pair is worth at least ``PROPOSE_MIN`` points to the proposer.
  The deal covers this round only: a promise to a seat whose credibility is at least
  ``TRUSTED``, an escrow otherwise.
- **Answer**: a seat accepts a promise when its own term's value plus the other terms' value,
  discounted by the proposer's credibility, is positive; an escrow (it cannot be broken) when
  its moves are worth something to the seat played together, as they will be: each with the
  others played, and the interactions that fire when they meet.
- **Keep**: a promise is kept unless what breaking it saves is worth more than the breach cost
  plus the credibility it would lose (``CREDIBILITY_WORTH`` points per credibility point); an
  escrow term is ordered when the other parties' moves are worth more than what it displaces.

The AI judges another seat's gain with that seat's goals and the same public look-ahead: it
knows the goals (they are in the scenario), not the other seat's private estimates.

A frozen copy of this module, as it was before the fast path, is in ``bot/game/reference/``;
``tests/game/test_fast_engine.py`` checks both deal the same to the byte (with
``rules.ai_talks`` on): a rule change goes into both.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping

from bot.game.ai import Planner
from bot.game.ai_tables import MoveT, RoundCache
from bot.game.deal_state import Deal, Term
from bot.game.deals import DealRefused, answer, credibility, propose
from bot.game.rng import seeded, shuffle
from bot.game.scenario import Move, Scenario
from bot.game.state import MatchState, Order, SeatOrders

PROPOSE_MIN = 0.5  # goal points a seat must expect to gain before it proposes
MAX_OFFERS = 1  # offers made per round across the table: the most valuable first
TRUSTED = 50.0  # the credibility from which a seat is offered a promise rather than an escrow
CREDIBILITY_WORTH = 0.2  # goal points one point of credibility is worth to the seat keeping it
BREACH_CREDIBILITY = 15.0  # as in deals.BREACH_LOSS: what a breach costs in credibility


def deal_rng(seed: int, round_number: int) -> random.Random:
    """The random source for one round's negotiations, separate from orders and rules."""
    return seeded((seed * 7_368_787 + round_number) * 2_053 + 911)


class _Values:
    """What each seat's look-ahead makes of every legal move this round (kept in the round's
    ``RoundCache``, shared with the seats' orders)."""

    def __init__(
        self, scenario: Scenario, state: MatchState, seed: int, cache: RoundCache | None = None
    ) -> None:
        if cache is None or not cache.fits(scenario, state):
            cache = RoundCache(scenario, state)
        self.scenario, self.state, self.seed, self.cache = scenario, state, seed, cache
        self.tables = cache.tables
        self.legal = {s: cache.legal(s) for s in scenario.seat_ids}
        self._all = [m for moves in self.legal.values() for m in moves]
        self._rows: dict[str, dict[str, float]] = {}

    def of(self, seat_id: str, move: Move | MoveT) -> float:
        """What the move is worth to the seat (its goal points, one round ahead).

        The move's expected changes are worked out once, as the seat that plays it sees them;
        each seat then scores them against its own goals.
        """
        return self.cache.value(seat_id, self.tables.moves[move.id], self.seed)

    def row(self, seat_id: str) -> dict[str, float]:
        """``of`` the seat for every legal move of every seat, by move id."""
        found = self._rows.get(seat_id)
        if found is None:
            found = self._rows[seat_id] = self.cache.row(seat_id, self._all, self.seed)
        return found


def _offer(
    values: _Values, seat_id: str, others: Collection[str], rnd: int
) -> tuple[float, Deal] | None:
    """The seat's best offer to one of ``others``, with what it is worth to the seat."""
    best = _best_trade(values, seat_id, others)
    if best is None:
        return None
    worth, own, theirs = best
    return worth, _deal(values, seat_id, own, theirs, rnd)


def _best_trade(
    values: _Values, seat_id: str, others: Collection[str]
) -> tuple[float, MoveT, MoveT] | None:
    """The most valuable trade of one of the seat's moves for another seat's, worth at least
    ``PROPOSE_MIN``: (worth, own move, theirs)."""
    best: tuple[float, MoveT, MoveT] | None = None
    mine = values.row(seat_id)
    own_values = [(mine[own.id], own) for own in values.legal[seat_id]]
    for other_id in others:
        # worth asking for: moves the other seat would not play anyway, that it would play
        # for one of ours (by its own goals, undiscounted)
        row = values.row(other_id)
        wanted = [
            (mine[theirs.id], row[theirs.id], theirs)
            for theirs in values.legal[other_id]
            if mine[theirs.id] > 0 and row[theirs.id] <= 0
        ]
        if not wanted:
            continue
        for mine_own, own in own_values:
            paid = row[own.id]
            for mine_theirs, their_own, theirs in wanted:
                if paid + their_own <= 0:
                    continue
                score = mine_own + mine_theirs
                if best is None or score > best[0]:
                    best = (score, own, theirs)
    if best is None or best[0] < PROPOSE_MIN:
        return None
    return best


def _deal(values: _Values, seat_id: str, own: MoveT, theirs: MoveT, rnd: int) -> Deal:
    """The deal offering ``own`` for ``theirs``: a promise to a seat trusted enough, else
    escrow."""
    trusted = credibility(values.scenario, values.state, theirs.seat) >= TRUSTED
    return Deal(
        id=f"r{rnd}.{seat_id}",
        proposer=seat_id,
        parties=(seat_id, theirs.seat),
        terms=(Term(seat_id, own.id, rnd, rnd), Term(theirs.seat, theirs.id, rnd, rnd)),
        kind="promise" if trusted else "escrow",
        deadline=rnd,
        text=f"{own.move.name} for {theirs.move.name}",
    )


def accepts(scenario: Scenario, state: MatchState, deal: Deal, seat_id: str, seed: int) -> bool:
    """Whether the AI holding ``seat_id`` accepts the deal."""
    return _accepts(_Values(scenario, state, seed), deal, seat_id)


def _accepts(values: _Values, deal: Deal, seat_id: str) -> bool:
    scenario = values.scenario
    trust = 1.0
    if deal.kind == "promise":
        trust = credibility(scenario, values.state, deal.proposer) / 100
    if deal.kind == "escrow":
        return _together(values, deal, seat_id) > 0
    gain = 0.0
    for term in deal.terms:
        worth = values.of(seat_id, scenario.move(term.move)) * (-1 if term.avoid else 1)
        gain += worth if term.seat == seat_id else trust * worth
    return gain > 0


def _together(values: _Values, deal: Deal, seat_id: str) -> float:
    """What an escrow's moves are worth to the seat played together, as they will be: each
    move's effects with all of them played, and the rules that fire when they meet."""
    seat = values.cache.seat_round(seat_id, values.seed)
    moves = frozenset(t.move for t in deal.terms if t.due(values.state.round))
    env = seat.env
    env.played = moves
    total: dict[str, float] = {}
    effects = [values.tables.moves[m].effects for m in sorted(moves)]
    for expr, rule_effects in values.tables.whens:
        if expr.needs_played and expr.needs_played <= moves and env.holds(expr):
            effects.append(rule_effects)
    for group in effects:
        for metric, amount in group.deltas(env).items():
            total[metric] = total.get(metric, 0.0) + amount
    return seat.gain(total)


def negotiate(
    scenario: Scenario,
    state: MatchState,
    seed: int,
    ai_seats: Collection[str],
    cache: RoundCache | None = None,
) -> MatchState:
    """One round's talks between AI seats (held with the chance
    ``rules.ai_talks``, seeded): each finds its
    best offer, and the ``MAX_OFFERS``
    most valuable are proposed; the other parties answer at once. Seats not in ``ai_seats`` are
    neither offered deals nor asked.

    ``cache`` (for ``state``) shares the seats' look-ahead with their orders this round: it
    follows the state the talks make (they change only deals)."""
    if state.finished or len(ai_seats) < 2:
        return state
    rng = deal_rng(seed, state.round)
    if rng.random() >= scenario.rules.ai_talks:
        return state
    values = _Values(scenario, state, seed, cache)
    offers: list[tuple[float, str, MoveT, MoveT]] = []
    seat_ids = scenario.seat_ids  # a new list at every read
    for seat_id in seat_ids:
        if seat_id not in ai_seats:
            continue
        others = [s for s in seat_ids if s != seat_id and s in ai_seats]
        shuffle(rng, others)  # who is asked first when two offers are worth the same
        found = _best_trade(values, seat_id, others)
        if found is not None:
            offers.append((found[0], seat_id, found[1], found[2]))
    offers.sort(key=lambda o: -o[0])  # the most valuable offers first (a stable sort: seat order)
    for _worth, proposer, own, theirs in offers[:MAX_OFFERS]:
        # Only the offers made become deals (credibility read, the deal built).
        deal = _deal(values, proposer, own, theirs, state.round)
        try:
            state = propose(scenario, state, deal)
            for party in deal.parties[1:]:
                state = answer(state, deal.id, party, _accepts(values, deal, party))
        except DealRefused:
            continue  # e.g. the seat already proposed this round
    values.cache.follow(state)
    return state


def honour(
    scenario: Scenario,
    state: MatchState,
    seat_id: str,
    seed: int,
    orders: SeatOrders,
    cache: RoundCache | None = None,
) -> SeatOrders:
    """The AI's orders adjusted to its active deals due this round (see the module's note).

    ``cache`` (for ``state``) shares legal moves and values with the seat's orders."""
    chosen = _honoured(scenario, state, seat_id, seed, [o.move for o in orders.moves], cache)
    if chosen is None:
        return orders  # every term is kept by the orders as they are
    arguments = {o.move: o for o in orders.moves}
    moves = tuple(arguments.get(m.id, Order(m.id, m.move.argument or "")) for m in chosen)
    return SeatOrders(moves=moves, decisions=orders.decisions)


def honour_moves(
    scenario: Scenario,
    state: MatchState,
    seat_id: str,
    seed: int,
    moves: list[MoveT],
    cache: RoundCache | None = None,
) -> list[MoveT]:
    """``honour`` for the moves the AI chose (``ai.choose_moves``): the moves to order."""
    chosen = _honoured(scenario, state, seat_id, seed, [m.id for m in moves], cache)
    return moves if chosen is None else chosen


def _honoured(
    scenario: Scenario,
    state: MatchState,
    seat_id: str,
    seed: int,
    ordered_ids: list[str],
    cache: RoundCache | None,
) -> list[MoveT] | None:
    """The moves ``honour`` orders, in file order; None when the orders keep every term."""
    due = [
        (deal, term)
        for deal in state.deals
        if deal.status == "active"
        for term in deal.terms
        if term.seat == seat_id and term.due(state.round)
    ]
    ordered = set(ordered_ids)
    if all((t.move in ordered) != t.avoid for _, t in due):
        return None
    if cache is None or not cache.fits(scenario, state):
        cache = RoundCache(scenario, state)
    seat = cache.tables.seats[seat_id].seat  # ``scenario.seat(seat_id)``
    planner = Planner(scenario, state, seat, seed, seeded(0), cache)
    legal = cache.legal(seat_id)
    by_id = {m.id: m for m in legal}
    utilities = {m.id: planner.utility_of(m) for m in legal}
    avoid = {t.move for _, t in due if t.avoid}
    chosen = [by_id[move_id] for move_id in ordered_ids if move_id in by_id]
    ranked = sorted(
        (m for m in legal if m.id not in avoid),
        key=lambda m: utilities[m.id] / max(m.cost, 1),
        reverse=True,
    )
    must: list[MoveT] = []
    for deal, term in due:
        move = by_id.get(term.move)
        if term.avoid or move is None or move in must:
            continue  # a move that cannot be ordered now breaks the promise whatever the AI does
        wanted = [*must, move]
        clash = any(m.excl & {w.id for w in wanted} for m in wanted)
        if clash or sum(m.cost for m in wanted) > seat.budget:
            continue
        forced = planner.fill(wanted, ranked, utilities)
        loss = planner.combo_value(chosen, utilities) - planner.combo_value(forced, utilities)
        if move in chosen or loss <= _worth_keeping(scenario, state, planner, deal, seat_id):
            must = wanted
            if move not in chosen:
                chosen = forced
    for deal, term in due:
        if term.avoid and any(m.id == term.move for m in chosen):
            without = [m for m in chosen if m.id != term.move]
            saved = planner.combo_value(chosen, utilities) - planner.combo_value(without, utilities)
            if saved <= _worth_keeping(scenario, state, planner, deal, seat_id):
                chosen = without
    order = {m.id: i for i, m in enumerate(legal)}
    chosen.sort(key=lambda m: order[m.id])
    return chosen


def _worth_keeping(
    scenario: Scenario, state: MatchState, planner: Planner, deal: Deal, seat_id: str
) -> float:
    if deal.kind == "escrow":  # the others' terms run only if this one does
        env = planner.env(frozenset())
        return sum(
            planner.gain(planner.tables.moves[t.move].effects.deltas(env))
            for t in deal.terms
            if t.seat != seat_id and t.due(state.round)
        )
    return scenario.rules.deal_breach_cost + CREDIBILITY_WORTH * BREACH_CREDIBILITY


def ai_credibility(scenario: Scenario, state: MatchState) -> Mapping[str, float]:
    """Every seat's credibility now (what the simulate report sums up)."""
    return {s: credibility(scenario, state, s) for s in scenario.seat_ids}
