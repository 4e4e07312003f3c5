"""The opt-in format features, tested like a rulebook: each test names the rule it proves."""

from __future__ import annotations

from bot.game.ai import choose_orders
from bot.game.engine import round_rng
from tests.game.builder import build, move, play, start


def test_rule_an_expression_change_is_evaluated_when_the_effect_applies() -> None:
    s = build(
        moves=[
            move("red.tax", {"metric": "a", "change": "-0.2 * b"}),
            move("blue.push", {"metric": "b", "change": 10}),
        ]
    )
    state = start(s)
    first = play(s, state, red=["red.tax"]).state
    assert first.metrics["a"] == 40  # 20% of b = 50
    second = play(s, play(s, state, blue=["blue.push"]).state, red=["red.tax"]).state
    assert second.metrics["a"] == 38  # b was 60 when the tax applied


def test_rule_an_expression_change_can_cap_itself_with_min() -> None:
    s = build(
        moves=[
            move("red.fill", {"metric": "a", "change": "min(30, 100 - a)"}),
            move("blue.push", {"metric": "b", "change": 1}),
        ]
    )
    state = play(s, start(s), red=["red.fill"]).state
    assert state.metrics["a"] == 80
    state = play(s, state, red=["red.fill"]).state
    assert state.metrics["a"] == 100  # 100 - 80 = 20 < 30


def test_rule_else_effects_apply_when_the_condition_fails() -> None:
    effect = {
        "metric": "a",
        "change": 5,
        "condition": 'played("blue.push")',
        "else": [{"metric": "b", "change": -3}],
    }
    s = build(moves=[move("red.deal", effect), move("blue.push", {"metric": "b", "change": 1})])
    alone = play(s, start(s), red=["red.deal"])
    assert (alone.state.metrics["a"], alone.state.metrics["b"]) == (50, 47)
    assert [r.detail for r in alone.records if r.kind == "order"] == ["hit"]
    answered = play(s, start(s), red=["red.deal"], blue=["blue.push"])
    assert (answered.state.metrics["a"], answered.state.metrics["b"]) == (55, 51)


def test_rule_the_ai_weighs_expression_changes_and_else_branches() -> None:
    s = build(
        moves=[
            move(
                "red.gamble",
                {
                    "metric": "a",
                    "change": 5,
                    "condition": "b > 60",
                    "else": [{"metric": "a", "change": "-0.1 * a"}],
                },
            ),
            move("red.safe", {"metric": "a", "change": 1}),
            move("blue.push", {"metric": "b", "change": 1}),
        ],
        seats=[
            {
                "id": "red",
                "name": "Red",
                "description": "d",
                "budget": 1,
                "goals": [{"metric": "a", "target": 80}],
                "ai": {"noise": 0},
            },
            {
                "id": "blue",
                "name": "Blue",
                "description": "d",
                "goals": [{"metric": "b", "target": 80}],
            },
        ],
    )
    orders = choose_orders(s, start(s), "red", 1, round_rng(1, 1))
    assert [o.move for o in orders.moves] == ["red.safe"]  # the else branch loses 5 of a
