"""Rulebook tests for conditional orders and deals (issue 14, section 1), one per sentence."""

from __future__ import annotations

from typing import Any

import pytest

from bot.game.deal_state import Deal, Term
from bot.game.deals import (
    BREACH_LOSS,
    KEPT_GAIN,
    DealRefused,
    answer,
    credibility,
    find_deal,
    propose,
    running_moves,
)
from bot.game.engine import resolve_round, round_rng
from bot.game.errors import IllegalOrder
from bot.game.scenario import Scenario
from bot.game.scoring import seat_score
from bot.game.state import MatchState, Order, SeatOrders
from tests.game.builder import BASE, build, move, start

MOVES = [
    move("red.push", {"metric": "a", "change": 5}),
    move("red.give", {"metric": "b", "change": 4}),
    move("blue.push", {"metric": "b", "change": 5}),
    move("blue.give", {"metric": "a", "change": 4}),
]
GREEN: dict[str, Any] = {
    "id": "green",
    "name": "Green",
    "description": "Green seat",
    "goals": [{"metric": "a", "target": 80}],
    "credibility": 70,
}


def scenario(cost: float = 10.0, **more: Any) -> Scenario:
    seats = [*BASE["seats"], GREEN]
    green = [move("green.push", {"metric": "a", "change": 1})]
    return build(moves=MOVES + green, seats=seats, rules={"deal_breach_cost": cost}, **more)


def cond(move_id: str, *conditions: str) -> Order:
    return Order(move_id, conditions=conditions)


def resolve(
    sc: Scenario, state: MatchState, **by_seat: list[Order]
) -> tuple[MatchState, list[Any]]:
    orders = {seat: SeatOrders(tuple(given)) for seat, given in by_seat.items()}
    result = resolve_round(sc, state, orders, round_rng(1, state.round))
    return result.state, list(result.records)


def ran(records: list[Any]) -> set[str]:
    return {r.source[5:] for r in records if r.kind == "order"}


def deal(kind: str = "promise", **fields: Any) -> Deal:
    values: dict[str, Any] = {
        "id": "d1",
        "proposer": "red",
        "parties": ("red", "blue"),
        "terms": (Term("red", "red.give", 1, 1), Term("blue", "blue.give", 1, 1)),
        "kind": kind,
        "deadline": 1,
        "text": "give for give",
    }
    values.update(fields)
    return Deal(**values)


def agreed(sc: Scenario, made: Deal) -> MatchState:
    state = propose(sc, start(sc), made)
    for party in made.parties:
        if party != made.proposer:
            state = answer(state, made.id, party, accept=True)
    return state


# Conditional orders -------------------------------------------------------------------------


def test_a_conditional_order_runs_when_its_condition_is_played() -> None:
    sc = scenario()
    _, records = resolve(
        sc, start(sc), red=[cond("red.give", "blue.push")], blue=[Order("blue.push")]
    )
    assert ran(records) == {"red.give", "blue.push"}


def test_a_conditional_order_does_not_run_when_its_condition_is_not_played() -> None:
    sc = scenario()
    state, records = resolve(sc, start(sc), red=[cond("red.give", "blue.push")], blue=[])
    assert ran(records) == set()
    held = [r for r in records if r.kind == "held"]
    assert held[0].source == "move:red.give" and "blue.push" in (held[0].detail or "")
    assert state.metrics["b"] == 50  # its effects did not happen
    assert state.history[-1] == {}  # and it does not count as played


def test_every_condition_must_hold() -> None:
    sc = scenario()
    both = cond("red.give", "blue.push", "green.push")
    _, records = resolve(sc, start(sc), red=[both], blue=[Order("blue.push")])
    assert ran(records) == {"blue.push"}
    _, records = resolve(
        sc, start(sc), red=[both], blue=[Order("blue.push")], green=[Order("green.push")]
    )
    assert ran(records) == {"red.give", "blue.push", "green.push"}


def test_mutually_conditional_moves_run_together() -> None:
    sc = scenario()
    _, records = resolve(
        sc, start(sc), red=[cond("red.give", "blue.give")], blue=[cond("blue.give", "red.give")]
    )
    assert ran(records) == {"red.give", "blue.give"}


def test_a_condition_on_a_conditional_move_that_does_not_run_fails() -> None:
    sc = scenario()
    _, records = resolve(
        sc,
        start(sc),
        red=[cond("red.give", "blue.give")],
        blue=[cond("blue.give", "green.push")],  # green orders nothing
    )
    assert ran(records) == set()


def test_a_cycle_resolves_to_the_largest_consistent_set() -> None:
    cycle = {
        "a": frozenset({"b"}),
        "b": frozenset({"c"}),
        "c": frozenset({"a"}),
        "d": frozenset({"a", "x"}),
        "e": frozenset(),
    }
    live, held = running_moves(cycle)
    assert live == {"a", "b", "c", "e"}  # d's condition x was not ordered
    assert held == {"d": "x did not run"}
    broken = dict(cycle, c=frozenset({"a", "x"}))
    live, _ = running_moves(broken)
    assert live == {"e"}  # one failure unravels the whole cycle


def test_a_conditional_order_must_name_existing_other_moves() -> None:
    sc = scenario()
    for bad in (("red.nothing",), ("red.give",), ("blue.push",) * 2):
        with pytest.raises(IllegalOrder):
            resolve(sc, start(sc), red=[cond("red.give", *bad)])


# Deals: parties, terms, kind, deadline, lifecycle -------------------------------------------


def test_a_proposed_deal_waits_for_every_party_then_is_accepted_and_active() -> None:
    sc = scenario()
    three = deal(parties=("red", "blue", "green"))
    state = propose(sc, start(sc), three)
    assert find_deal(state, "d1").status == "proposed"
    state = answer(state, "d1", "blue", accept=True)
    assert find_deal(state, "d1").status == "proposed"
    state = answer(state, "d1", "green", accept=True)
    made = find_deal(state, "d1")
    assert made.status == "active"
    assert [e.status for e in made.events] == ["proposed", "accepted", "active"]


def test_a_rejected_deal_is_over() -> None:
    sc = scenario()
    state = answer(propose(sc, start(sc), deal()), "d1", "blue", accept=False)
    assert find_deal(state, "d1").status == "rejected"
    with pytest.raises(DealRefused):
        answer(state, "d1", "blue", accept=True)


def test_an_unanswered_deal_expires_at_its_deadline() -> None:
    sc = scenario()
    state = propose(sc, start(sc), deal())
    state, records = resolve(sc, state)
    assert find_deal(state, "d1").status == "expired"
    assert any(r.kind == "deal" and r.detail == "expired" for r in records)
    with pytest.raises(DealRefused):
        answer(state, "d1", "blue", accept=True)


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"parties": ("red",)}, "two or more"),
        ({"parties": ("red", "purple")}, "no seat"),
        ({"proposer": "green"}, "proposer"),
        ({"terms": (Term("red", "blue.give", 1, 1),)}, "not a move of a party"),
        ({"terms": (Term("red", "red.give", 1, 9),)}, "covers rounds"),
        ({"terms": ()}, "terms"),
        ({"deadline": 2}, "deadline"),
        ({"text": "x" * 301}, "300"),
        ({"kind": "escrow", "terms": (Term("red", "red.give", 1, 1),)}, "two or more parties"),
        ({"kind": "escrow", "terms": (Term("red", "red.give", 1, 1, avoid=True),)}, "not to"),
    ],
)
def test_a_malformed_deal_is_refused(fields: dict[str, Any], why: str) -> None:
    sc = scenario()
    with pytest.raises(DealRefused, match=why):
        propose(sc, start(sc), deal(**fields))


# Promises -----------------------------------------------------------------------------------


def test_a_kept_promise_raises_credibility_and_ends_kept() -> None:
    sc = scenario()
    state = agreed(sc, deal())
    state, records = resolve(sc, state, red=[Order("red.give")], blue=[Order("blue.give")])
    assert find_deal(state, "d1").status == "kept"
    assert credibility(sc, state, "red") == 50 + KEPT_GAIN
    assert [r.seat for r in records if r.kind == "kept"] == ["red", "blue"]


def test_a_breach_names_the_seat_and_term_costs_points_and_credibility() -> None:
    sc = scenario(cost=7.0)
    state = agreed(sc, deal())
    before = seat_score(sc, state, "blue")
    state, records = resolve(sc, state, red=[Order("red.give")], blue=[])
    breach = [r for r in records if r.kind == "breach"]
    assert [(r.seat, r.detail, r.delta) for r in breach] == [("blue", "blue.give, round 1", -7.0)]
    assert find_deal(state, "d1").status == "broken"
    assert credibility(sc, state, "blue") == 50 - BREACH_LOSS
    # blue's goal metric b rose by red's give (4): the score counts it, less the breach
    assert seat_score(sc, state, "blue") == pytest.approx(before + 4 * 100 / 80 - 7.0, abs=0.01)


def test_a_promise_not_to_play_is_broken_by_playing() -> None:
    sc = scenario()
    terms = (Term("red", "red.push", 1, 2, avoid=True), Term("blue", "blue.give", 1, 2))
    state = agreed(sc, deal(terms=terms))
    state, _ = resolve(sc, state, red=[], blue=[Order("blue.give")])
    assert find_deal(state, "d1").status == "active"  # round 2 still to come
    state, records = resolve(sc, state, red=[Order("red.push")], blue=[Order("blue.give")])
    assert [r.seat for r in records if r.kind == "breach"] == ["red"]


def test_promises_are_checked_per_round_and_per_term() -> None:
    sc = scenario()
    terms = (Term("red", "red.give", 1, 1), Term("blue", "blue.give", 2, 2))
    state = agreed(sc, deal(terms=terms))
    state, records = resolve(sc, state, red=[Order("red.give")])  # blue's term not due yet
    assert [r.seat for r in records if r.kind in ("kept", "breach")] == ["red"]
    state, records = resolve(sc, state, blue=[Order("blue.give")])
    assert [r.seat for r in records if r.kind in ("kept", "breach")] == ["blue"]
    timeline = [(e.round, e.status, e.seat) for e in find_deal(state, "d1").events]
    assert timeline[-3:] == [(1, "kept", "red"), (2, "kept", "blue"), (2, "kept", None)]


# Escrow -------------------------------------------------------------------------------------


def test_an_escrow_runs_when_every_party_orders_its_term() -> None:
    sc = scenario()
    state = agreed(sc, deal("escrow"))
    state, records = resolve(sc, state, red=[Order("red.give")], blue=[Order("blue.give")])
    assert ran(records) == {"red.give", "blue.give"}
    assert find_deal(state, "d1").status == "kept"


def test_an_escrow_lapses_whole_when_a_party_leaves_out_its_term() -> None:
    sc = scenario()
    state = agreed(sc, deal("escrow"))
    state, records = resolve(sc, state, red=[Order("red.give"), Order("red.push")], blue=[])
    assert ran(records) == {"red.push"}  # red's give is held: none of the exchange runs
    assert [r.kind for r in records if r.source == "deal:d1"] == ["lapse", "deal"]
    assert find_deal(state, "d1").status == "lapsed"
    assert not any(r.kind == "breach" for r in records)  # an escrow cannot be broken
    assert state.penalties == {}


def test_an_escrow_lapses_when_a_term_fails_its_own_condition() -> None:
    sc = scenario()
    state = agreed(sc, deal("escrow"))
    state, records = resolve(
        sc, state, red=[Order("red.give")], blue=[cond("blue.give", "green.push")]
    )
    assert ran(records) == set()
    assert find_deal(state, "d1").status == "lapsed"


# Credibility --------------------------------------------------------------------------------


def test_credibility_starts_from_the_scenario_or_50() -> None:
    sc = scenario()
    state = start(sc)
    assert credibility(sc, state, "red") == 50
    assert credibility(sc, state, "green") == 70


def test_credibility_stays_within_0_and_100() -> None:
    sc = scenario(cost=0.0)
    terms = tuple(Term("red", "red.give", r, r) for r in range(1, 5))
    state = agreed(sc, deal(terms=terms, parties=("red", "blue")))
    state.credibility["red"] = 99.0
    for _ in range(4):
        state, _ = resolve(sc, state, red=[Order("red.give")])
    assert credibility(sc, state, "red") == 100
    low = agreed(sc, deal(id="d2", terms=(Term("red", "red.give", 1, 1),)))
    low.credibility["red"] = 3.0
    low, _ = resolve(sc, low)
    assert credibility(sc, low, "red") == 0


def test_a_state_with_deals_round_trips_and_one_without_stays_as_before() -> None:
    sc = scenario()
    state = agreed(sc, deal())
    state, _ = resolve(sc, state, red=[Order("red.give")])
    assert MatchState.from_dict(state.to_dict()) == state
    plain = start(sc).to_dict()
    assert not {"deals", "credibility", "penalties"} & plain.keys()
