"""The AI seat: it plays for its goals, follows its leanings, and never peeks at hidden state."""

from __future__ import annotations

from typing import Any

from bot.game.ai import ai_rng, choose_orders
from bot.game.scenario import Scenario
from tests.game.builder import build, move, start

HELP = move("red.help", {"metric": "a", "change": 8})
HURT = move("red.hurt", {"metric": "a", "change": -8})
BLUE = move("blue.push", {"metric": "b", "change": 1})


def _chosen(scenario: Scenario, seed: int, seat: str = "red", **state_changes: float) -> list[str]:
    state = start(scenario, seed)
    state.metrics.update(state_changes)
    orders = choose_orders(scenario, state, seat, seed, ai_rng(seed, 1, 0))
    return [o.move for o in orders.moves]


def test_the_ai_plays_the_move_that_raises_its_goal_score() -> None:
    s = build(moves=[HELP, HURT, BLUE])
    picks = [_chosen(s, seed) for seed in range(50)]
    assert sum("red.help" in p for p in picks) >= 45
    assert sum("red.hurt" in p for p in picks) <= 5


def test_the_ai_follows_a_strong_leaning_against_a_small_gain() -> None:
    seats: list[dict[str, Any]] = [
        {
            "id": "red",
            "name": "Red",
            "description": "r",
            "budget": 1,
            "goals": [{"metric": "a", "target": 80}],
            "ai": {"prefer": {"red.hurt": 8.0}, "noise": 0.1},
        },
        {
            "id": "blue",
            "name": "Blue",
            "description": "b",
            "goals": [{"metric": "b", "target": 80}],
        },
    ]
    small_hurt = move("red.hurt", {"metric": "a", "change": -1})  # costs about 1.25 points
    small_help = move("red.help", {"metric": "a", "change": 2})  # worth about 2.5 points
    s = build(seats=seats, moves=[small_help, small_hurt, BLUE])
    assert all(_chosen(s, seed) == ["red.hurt"] for seed in range(20))


def test_the_ai_never_reads_a_metric_its_seat_cannot_see() -> None:
    metrics: list[dict[str, Any]] = [
        {"id": "a", "name": "A", "start": 50},
        {"id": "b", "name": "B", "start": 50, "see": {"exact": ["blue"]}},
        {"id": "share", "name": "Share", "start": 20, "balance": "rest"},
        {"id": "rest", "name": "Rest", "start": 80},
    ]
    # Red's goal is on the hidden metric b: if the AI peeked, b's true value would change its
    # choice (at b = 95 raising b is worth nothing; at b = 5 it is worth a lot).
    seats: list[dict[str, Any]] = [
        {
            "id": "red",
            "name": "Red",
            "description": "r",
            "budget": 1,
            "goals": [{"metric": "b", "target": 60}, {"metric": "a", "target": 80}],
        },
        {
            "id": "blue",
            "name": "Blue",
            "description": "b",
            "goals": [{"metric": "b", "target": 80}],
        },
    ]
    lift_b = move("red.lift_b", {"metric": "b", "change": 9})
    lift_a = move("red.lift_a", {"metric": "a", "change": 3})
    s = build(metrics=metrics, seats=seats, moves=[lift_b, lift_a, BLUE])
    for seed in range(20):
        assert _chosen(s, seed, b=95.0) == _chosen(s, seed, b=5.0)


def test_the_ai_is_repeatable_for_the_same_seed_and_varies_across_seeds() -> None:
    close = move("red.close", {"metric": "a", "change": 7.5})
    s = build(
        moves=[HELP, close, BLUE],
        seats=[
            {
                "id": "red",
                "name": "Red",
                "description": "r",
                "budget": 1,
                "goals": [{"metric": "a", "target": 80}],
                "ai": {"noise": 3.0},
            },
            {
                "id": "blue",
                "name": "Blue",
                "description": "b",
                "goals": [{"metric": "b", "target": 80}],
            },
        ],
    )
    assert all(_chosen(s, seed) == _chosen(s, seed) for seed in range(10))
    assert len({tuple(_chosen(s, seed)) for seed in range(40)}) > 1


def test_the_ai_counts_an_interaction_its_own_moves_set_off() -> None:
    pair = [
        move("red.one", {"metric": "a", "change": -1}),
        move("red.two", {"metric": "a", "change": -1}),
    ]
    rule = {
        "id": "pair",
        "name": "Pair",
        "when": 'played("red.one") and played("red.two")',
        "effects": [{"metric": "a", "change": 20}],
        "text": "t",
    }
    s = build(
        moves=[*pair, HELP, BLUE],
        interactions=[rule],
        seats=[
            {
                "id": "red",
                "name": "Red",
                "description": "r",
                "budget": 2,
                "goals": [{"metric": "a", "target": 80}],
                "ai": {"noise": 0.1},
            },
            {
                "id": "blue",
                "name": "Blue",
                "description": "b",
                "goals": [{"metric": "b", "target": 80}],
            },
        ],
    )
    assert all(sorted(_chosen(s, seed)) == ["red.one", "red.two"] for seed in range(10))
