"""Properties of the engine over many generated matches (hypothesis)."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.game.ai import ai_rng, choose_orders
from bot.game.engine import new_match, resolve_round, round_rng
from bot.game.legal import check_orders, legal_moves
from bot.game.match import play_match
from bot.game.scenario import Scenario
from bot.game.state import MatchState, Order, SeatOrders, canonical_json, records_json
from bot.scenarios import read_scenario

SCENARIOS = [read_scenario(name)[0] for name in ("tutorial",)]


def _random_orders(
    scenario: Scenario, state: MatchState, rng: random.Random
) -> dict[str, SeatOrders]:
    """A random legal set of orders: a random affordable subset of each seat's legal moves."""
    chosen = {}
    for seat in scenario.seats:
        budget = seat.budget
        moves = []
        for move in legal_moves(scenario, state, seat.id):
            if move.cost <= budget and rng.random() < 0.5:
                moves.append(Order(move.id, "x"))
                budget -= move.cost
        answers = {}
        for event_id, who in state.awaiting.items():
            decision = scenario.event(event_id).decision
            if who == seat.id and decision is not None and rng.random() < 0.5:
                answers[event_id] = rng.choice(decision.options).id
        chosen[seat.id] = SeatOrders(tuple(moves), answers)
    return chosen


def _in_range(scenario: Scenario, state: MatchState) -> bool:
    return all(m.min <= state.metrics[m.id] <= m.max for m in scenario.metrics)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**40), choice_seed=st.integers(0, 2**20), which=st.sampled_from(SCENARIOS)
)
def test_every_legal_order_set_resolves_and_metrics_stay_in_range(
    seed: int, choice_seed: int, which: Scenario
) -> None:
    rng = random.Random(choice_seed)
    state = new_match(which, round_rng(seed, 0)).state
    while not state.finished:
        orders = _random_orders(which, state, rng)
        state = resolve_round(which, state, orders, round_rng(seed, state.round)).state
        assert _in_range(which, state)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**40), which=st.sampled_from(SCENARIOS))
def test_same_seed_same_match_to_the_byte(seed: int, which: Scenario) -> None:
    one, two = play_match(which, seed), play_match(which, seed)
    assert canonical_json(one.final.to_dict()) == canonical_json(two.final.to_dict())
    for a, b in zip(one.rounds, two.rounds, strict=True):
        assert records_json(a.records) == records_json(b.records)
        assert a.orders == b.orders


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**40), which=st.sampled_from(SCENARIOS))
def test_the_ai_only_submits_legal_orders(seed: int, which: Scenario) -> None:
    state = new_match(which, round_rng(seed, 0)).state
    rng = random.Random(seed)
    while not state.finished:
        orders = {
            seat: choose_orders(which, state, seat, seed, ai_rng(seed, state.round, i))
            for i, seat in enumerate(which.seat_ids)
        }
        check_orders(which, state, orders)  # raises IllegalOrder if the AI cheats
        state = resolve_round(
            which, state, _random_orders(which, state, rng) | orders, round_rng(seed, state.round)
        ).state


def test_different_seeds_give_different_matches() -> None:
    which = SCENARIOS[0]
    finals = {canonical_json(play_match(which, seed).final.metrics) for seed in range(10)}
    assert len(finals) > 1
