"""The AI's deals: it proposes, answers by the proposer's credibility, keeps a promise unless
breaking it gains more than the breach cost, and does all of it the same way every time."""

from __future__ import annotations

from typing import Any

from bot.game.ai_deals import accepts, honour, negotiate
from bot.game.deal_state import Deal, Term
from bot.game.deals import answer, propose
from bot.game.match import play_match
from bot.game.policies import HoldPolicy, Policy
from bot.game.report import simulate
from bot.game.scenario import Scenario
from bot.game.state import MatchState, Order, SeatOrders, canonical_json
from bot.scenarios import read_scenario
from tests.game.builder import BASE, build, move, start

QUIET = [{**seat, "ai": {"noise": 0}} for seat in BASE["seats"]]


def trade(cost: float = 0.0, concede: float = -2) -> Scenario:
    return build(
        seats=QUIET,
        moves=[
            move("red.push", {"metric": "a", "change": 5}),
            move("red.give", {"metric": "b", "change": 6}),
            move("blue.push", {"metric": "b", "change": 1}),
            move("blue.concede", {"metric": "b", "change": concede}, {"metric": "a", "change": 6}),
        ],
        rules={"deal_breach_cost": cost, "ai_talks": 1.0},
    )


def offer(kind: str = "promise") -> Deal:
    return Deal(
        "d1",
        "red",
        ("red", "blue"),
        (Term("red", "red.give", 1, 1), Term("blue", "blue.concede", 1, 1)),
        kind,  # type: ignore[arg-type]
        1,
    )


def with_credibility(state: MatchState, seat: str, value: float) -> MatchState:
    state.credibility[seat] = value
    return state


def test_a_seat_accepts_a_promise_from_a_credible_proposer_only() -> None:
    sc = trade()
    assert accepts(sc, start(sc), offer(), "blue", 1)
    doubted = with_credibility(start(sc), "red", 20)
    assert not accepts(sc, doubted, offer(), "blue", 1)


def test_an_escrow_is_not_discounted_by_credibility() -> None:
    sc = trade()
    doubted = with_credibility(start(sc), "red", 20)
    assert accepts(sc, doubted, offer("escrow"), "blue", 1)


def test_the_ai_offers_a_trade_both_seats_gain_from_and_it_is_accepted() -> None:
    sc = trade()
    state = negotiate(sc, start(sc), 1, ["red", "blue"])
    made = [d for d in state.deals if d.proposer == "red"]
    assert [(t.seat, t.move) for t in made[0].terms] == [
        ("red", "red.give"),
        ("blue", "blue.concede"),
    ]
    assert made[0].status == "active" and made[0].kind == "promise"


def test_a_doubted_seat_is_offered_an_escrow() -> None:
    sc = trade()
    state = negotiate(sc, with_credibility(start(sc), "blue", 30), 1, ["red", "blue"])
    assert [d.kind for d in state.deals if d.proposer == "red"] == ["escrow"]


def test_no_deal_is_offered_to_a_seat_the_ai_does_not_hold() -> None:
    sc = trade()
    assert negotiate(sc, start(sc), 1, ["red"]).deals == []


def _agreed(sc: Scenario) -> MatchState:
    return answer(propose(sc, start(sc), offer()), "d1", "blue", accept=True)


def test_the_ai_keeps_a_promise_when_breaking_it_costs_more_than_it_gains() -> None:
    sc = trade(cost=10.0, concede=-4)
    kept = honour(sc, _agreed(sc), "blue", 1, SeatOrders((Order("blue.push"),)))
    assert {o.move for o in kept.moves} == {"blue.push", "blue.concede"}


def test_the_ai_breaks_a_promise_when_breaking_it_gains_more_than_the_cost() -> None:
    sc = trade(cost=0.0, concede=-4)
    broken = honour(sc, _agreed(sc), "blue", 1, SeatOrders((Order("blue.push"),)))
    assert {o.move for o in broken.moves} == {"blue.push"}


def _default() -> Scenario:
    """The default scenario with a quarter of the rounds opening with the AI's talks."""
    sc = read_scenario(None)[0]
    return sc.model_copy(update={"rules": sc.rules.model_copy(update={"ai_talks": 0.25})})


def test_ai_seats_make_deals_in_the_default_scenario_and_the_same_seed_makes_the_same() -> None:
    sc = _default()
    first, again = play_match(sc, 11), play_match(sc, 11)
    assert first.final.deals
    assert canonical_json(first.final.to_dict()) == canonical_json(again.final.to_dict())
    report = simulate(sc, 5, 3)
    deals: dict[str, Any] = report["deals"]
    assert deals["proposed"] > 0 and deals["accepted"] > 0 and deals["kept"] > 0
    assert deals["proposed"] == sum(deals[k] for k in ("accepted", "rejected", "expired"))
    for seat in sc.seat_ids:
        assert 0 <= report["seats"][seat]["credibility"]["p10"] <= 100


def test_human_seats_take_no_part_in_the_ais_talks() -> None:
    sc = _default()
    policies: dict[str, Policy] = {"us": HoldPolicy()}
    log = play_match(sc, 11, policies)
    assert log.final.deals
    assert all("us" not in d.parties for d in log.final.deals)
