"""Seat swaps for rematches: rotate and random permutations, expected scores, the comparison."""

from __future__ import annotations

from bot.game.match import match_seed, play_match
from bot.game.scoring import scores
from bot.game.seat_swap import compare, expected_scores, swap_seats
from bot.scenarios import read_scenario

SEATS = ["a", "b", "c", "d"]


def test_rotate_moves_every_seat_to_the_next() -> None:
    assert swap_seats(SEATS, "rotate", 1) == {"a": "b", "b": "c", "c": "d", "d": "a"}
    assert swap_seats(["a", "b"], "rotate", 1) == {"a": "b", "b": "a"}


def test_random_is_a_seeded_permutation_without_a_fixed_seat() -> None:
    seen = set()
    for seed in range(60):
        swap = swap_seats(SEATS, "random", seed)
        assert sorted(swap.values()) == SEATS, "a permutation"
        assert all(old != new for old, new in swap.items()), "nobody keeps their seat"
        assert swap == swap_seats(SEATS, "random", seed), "the same seed, the same swap"
        seen.add(tuple(swap.values()))
    assert len(seen) > 3, "different seeds give different swaps (a rotation is not random)"


def test_a_single_seat_cannot_move() -> None:
    assert swap_seats(["a"], "random", 3) == {"a": "a"}
    assert swap_seats(["a"], "rotate", 3) == {"a": "a"}


def test_expected_scores_are_the_mean_of_all_ai_matches() -> None:
    scenario = read_scenario("tutorial")[0]
    found = expected_scores(scenario, 5, 2, matches=3)
    finals = [
        scores(scenario, play_match(scenario, match_seed(5, i), rounds=2).final) for i in range(3)
    ]
    for seat in scenario.seat_ids:
        assert found[seat] == round(sum(f[seat] for f in finals) / 3, 3)


def test_compare_sets_each_seat_against_the_ai() -> None:
    found = compare(
        {"a": [("1", "Ana")], "b": [("2", "Ben")]},
        {"b": [("1", "Ana")], "c": [("2", "Ben"), ("3", "Cat")]},
        {"a": 60.0, "b": 40.0},
        {"b": 55.0, "c": 30.0},
        {"a": 50.0, "b": 45.0, "c": 35.0},
    )
    ana, ben, cat = found
    assert ana.first is not None and ana.second is not None
    assert (ana.first.relative, ana.second.relative) == (10.0, 10.0)
    assert ben.first is not None and ben.first.relative == -5.0
    assert ben.second is not None and ben.second.relative == -5.0
    assert cat.first is None and cat.second is not None and cat.name == "Cat"
