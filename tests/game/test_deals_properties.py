"""Properties of deals over generated matches (hypothesis): states only move forward, an escrow
runs all or none, credibility stays in range."""

from __future__ import annotations

import contextlib
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.game.deal_state import STAGE, Deal, Term
from bot.game.deals import DealRefused, answer, credibility, propose, running_moves
from bot.game.engine import resolve_round, round_rng
from bot.game.scenario import Scenario
from bot.game.state import MatchState, Order, SeatOrders
from tests.game.builder import start
from tests.game.test_deals import scenario

SEATS = ("red", "blue", "green")


def _random_deal(sc: Scenario, state: MatchState, rng: random.Random, index: int) -> Deal:
    parties = tuple(rng.sample(SEATS, rng.choice((2, 3))))
    kind = rng.choice(("promise", "escrow"))
    terms = []
    for seat in parties:
        first = rng.randint(state.round, state.last_round)
        last = rng.randint(first, state.last_round)
        move = rng.choice([m.id for m in sc.moves_of(seat)])
        terms.append(Term(seat, move, first, last, avoid=kind == "promise" and rng.random() < 0.2))
    deadline = rng.randint(state.round, min(t.first for t in terms))
    return Deal(f"d{index}", parties[0], parties, tuple(terms), kind, deadline)  # type: ignore[arg-type]


def _random_orders(sc: Scenario, rng: random.Random) -> dict[str, SeatOrders]:
    chosen = {}
    everything = [m.id for m in sc.moves]
    for seat in SEATS:
        moves: list[Order] = []
        for move in sc.moves_of(seat):
            if len(moves) < 2 and rng.random() < 0.5:
                others = [m for m in everything if m != move.id]
                conditions = tuple(rng.sample(others, rng.randint(0, 2)))
                moves.append(Order(move.id, conditions=conditions if rng.random() < 0.3 else ()))
        chosen[seat] = SeatOrders(tuple(moves))
    return chosen


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32))
def test_deals_only_move_forward_escrows_run_whole_and_credibility_stays_in_range(
    seed: int,
) -> None:
    sc = scenario(cost=5.0)
    rng = random.Random(seed)
    state = start(sc, seed)
    made = 0
    while not state.finished:
        for _ in range(rng.randint(0, 2)):
            try:
                state = propose(sc, state, _random_deal(sc, state, rng, made))
                made += 1
            except DealRefused:
                pass
        for deal in list(state.deals):
            for seat in deal.parties:
                if rng.random() < 0.7:
                    with contextlib.suppress(DealRefused):
                        state = answer(state, deal.id, seat, accept=rng.random() < 0.8)
        before = {d.id: d for d in state.deals}
        orders = _random_orders(sc, rng)
        result = resolve_round(sc, state, orders, round_rng(seed, state.round))
        ran = {r.source[5:] for r in result.records if r.kind == "order"}
        for deal in result.state.deals:
            old = before[deal.id]
            assert STAGE[deal.status] >= STAGE[old.status]
            assert deal.events[: len(old.events)] == old.events  # history is only appended
            stages = [STAGE.get(e.status, 3) for e in deal.events if e.detail is None]
            assert stages == sorted(stages)
            if old.status == "active" and deal.kind == "escrow":
                due = {t.move for t in deal.terms if t.due(state.round)}
                assert due <= ran or not due & ran  # all run, or none does
        for seat in SEATS:
            assert 0 <= credibility(sc, result.state, seat) <= 100
        state = result.state
    assert all(STAGE[d.status] in (1, 3) for d in state.deals)  # nothing is left open


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from("abcdef"),
        st.frozensets(st.sampled_from("abcdefx"), max_size=3),
        max_size=6,
    )
)
def test_the_moves_that_run_are_the_largest_consistent_set(
    conditions: dict[str, frozenset[str]],
) -> None:
    """Checked against every subset: the answer is consistent and no consistent set is larger
    (or differs at the same size: the largest is unique)."""
    moves = sorted(conditions)
    consistent = []
    for mask in range(2 ** len(moves)):
        subset = {m for i, m in enumerate(moves) if mask >> i & 1}
        if all(conditions[m] <= subset for m in subset):
            consistent.append(frozenset(subset))
    largest = max(consistent, key=len)
    live, held = running_moves(conditions)
    assert live == largest
    assert all(s <= live for s in consistent)
    assert set(held) == set(moves) - live
