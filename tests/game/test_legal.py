"""Which orders the rules allow: budget, limits, prerequisites and conditions."""

from __future__ import annotations

import pytest

from bot.game.engine import resolve_round, round_rng
from bot.game.errors import IllegalOrder
from bot.game.legal import affordable, legal_moves, spent
from bot.game.scenario import Move
from bot.game.state import Order, SeatOrders
from tests.game.builder import build, move, orders, play, start

BLUE = move("blue.push", {"metric": "b", "change": 1})


def _ids(moves: list[Move]) -> list[str]:
    return [m.id for m in moves]


def test_rule_orders_over_the_budget_are_refused() -> None:
    s = build(
        moves=[
            move("red.x", {"metric": "a", "change": 1}, cost=1),
            move("red.y", {"metric": "a", "change": 1}, cost=2),
            BLUE,
        ]
    )
    with pytest.raises(IllegalOrder, match="budget is 2"):
        play(s, start(s), red=["red.x", "red.y"])


def test_rule_a_move_costing_more_than_the_budget_is_never_legal() -> None:
    s = build(
        moves=[
            move("red.x", {"metric": "a", "change": 1}, cost=3),
            move("red.y", {"metric": "a", "change": 1}),
            BLUE,
        ]
    )
    assert _ids(legal_moves(s, start(s), "red")) == ["red.y"]


def test_rule_a_once_per_match_move_cannot_be_played_again() -> None:
    s = build(
        moves=[
            move("red.x", {"metric": "a", "change": 1}, once=True),
            move("red.y", {"metric": "a", "change": 1}),
            BLUE,
        ]
    )
    state = play(s, start(s), red=["red.x"]).state
    assert "red.x" not in _ids(legal_moves(s, state, "red"))
    with pytest.raises(IllegalOrder, match="only once"):
        play(s, state, red=["red.x"])


def test_rule_cooldown_blocks_the_move_for_that_many_rounds() -> None:
    s = build(moves=[move("red.x", {"metric": "a", "change": 1}, cooldown=1), BLUE])
    state = play(s, start(s), red=["red.x"]).state
    assert legal_moves(s, state, "red") == []
    state = play(s, state).state
    assert _ids(legal_moves(s, state, "red")) == ["red.x"]


def test_rule_prerequisites_must_have_been_played_in_an_earlier_round() -> None:
    s = build(
        moves=[
            move("red.first", {"metric": "a", "change": 1}),
            move("red.then", {"metric": "a", "change": 1}, requires=["red.first"]),
            BLUE,
        ]
    )
    with pytest.raises(IllegalOrder, match=r"needs red\.first"):
        play(s, start(s), red=["red.first", "red.then"])
    state = play(s, start(s), red=["red.first"]).state
    assert "red.then" in _ids(legal_moves(s, state, "red"))


def test_rule_a_legality_condition_reads_the_current_state() -> None:
    s = build(
        moves=[
            move("red.late", {"metric": "a", "change": 1}, condition="round >= 2"),
            move("red.y", {"metric": "a", "change": 1}),
            BLUE,
        ]
    )
    assert "red.late" not in _ids(legal_moves(s, start(s), "red"))
    assert "red.late" in _ids(legal_moves(s, play(s, start(s)).state, "red"))


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"green": SeatOrders()}, "no seat 'green'"),
        ({"red": SeatOrders((Order("red.nope"),))}, "no move 'red.nope'"),
        ({"red": SeatOrders((Order("blue.push"),))}, "belongs to another seat"),
        ({"red": SeatOrders((Order("red.push"), Order("red.push")))}, "ordered twice"),
        ({"red": SeatOrders(decisions={"ghost": "yes"})}, "no decision 'ghost'"),
        ({"red": SeatOrders((Order("red.push", rating=3.0),))}, "between -1 and 1"),
    ],
)
def test_rule_malformed_orders_are_refused_with_a_reason(
    given: dict[str, SeatOrders], message: str
) -> None:
    s = build()
    with pytest.raises(IllegalOrder, match=message):
        resolve_round(s, start(s), given, round_rng(1, 1))


def test_rule_an_answer_must_be_one_of_the_offered_options() -> None:
    event = {
        "id": "offer",
        "name": "Offer",
        "kind": "scheduled",
        "round": 1,
        "text": "t",
        "decision": {
            "seat": "blue",
            "prompt": "?",
            "default": "no",
            "options": [
                {"id": "yes", "label": "Yes", "text": "t"},
                {"id": "no", "label": "No", "text": "t"},
            ],
        },
    }
    s = build(events=[event])
    with pytest.raises(IllegalOrder, match="not an option"):
        resolve_round(
            s, start(s), {"blue": SeatOrders(decisions={"offer": "maybe"})}, round_rng(1, 1)
        )
    assert orders(red=[])["red"].moves == ()


def test_rule_the_budget_left_decides_which_moves_can_still_be_added() -> None:
    s = build(
        moves=[
            move("red.x", {"metric": "a", "change": 1}, cost=1),
            move("red.y", {"metric": "a", "change": 1}, cost=2),
            move("red.z", {"metric": "a", "change": 1}, cost=1),
            BLUE,
        ]
    )
    state = start(s)
    legal = legal_moves(s, state, "red")
    chosen = SeatOrders(moves=(Order("red.x", ""),))
    assert spent(s, chosen) == 1
    assert _ids(affordable(s, legal, 2, chosen)) == ["red.z"], "red.y costs 2 of the 1 left"
    assert _ids(affordable(s, legal, 2, SeatOrders())) == ["red.x", "red.y", "red.z"]


def test_rule_a_move_excluded_by_one_in_the_orders_cannot_be_added() -> None:
    s = build(
        moves=[
            move("red.x", {"metric": "a", "change": 1}, excludes=["red.y"]),
            move("red.y", {"metric": "a", "change": 1}),
            move("red.z", {"metric": "a", "change": 1}),
            BLUE,
        ]
    )
    legal = legal_moves(s, start(s), "red")
    assert _ids(affordable(s, legal, 3, SeatOrders(moves=(Order("red.x", ""),)))) == ["red.z"]
    assert _ids(affordable(s, legal, 3, SeatOrders(moves=(Order("red.y", ""),)))) == ["red.z"]
