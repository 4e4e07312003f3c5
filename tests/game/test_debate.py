"""Rulebook: the debate (TABLE.md, "A round, in open debate" and "Arguments that count")."""

from __future__ import annotations

import pytest

from bot.game.ai_debate import ai_argument, ai_ratings, ai_value, argument_rng
from bot.game.debate import (
    check_forecast,
    final_rating,
    forecast_hit,
    move_rating,
    rate,
    settle,
    tally,
    umpire_ruling,
)
from bot.game.engine import resolve_round, round_rng
from bot.game.errors import IllegalOrder
from bot.game.match import debate_tally, play_match
from bot.game.scenario import Scenario
from bot.game.state import SPECTATORS, Forecast, Order, Rating, SeatOrders
from bot.game.validate import ScenarioInvalid
from tests.game.builder import build, move, start

THREE = {
    "id": "green",
    "name": "Green",
    "description": "Green seat",
    "budget": 2,
    "goals": [{"metric": "a", "target": 0, "kind": "at_most"}],
}


def _three(**rules: object) -> Scenario:
    return build(
        more_seats=[THREE],
        more_moves=[move("green.pull", {"metric": "a", "change": -5})],
        rules={"rating_bound": 0.3, **rules},
    )


def test_rule_the_rules_have_a_debate_mode_a_bound_and_a_spectator_weight() -> None:
    s = build(rules={"debate": "sealed", "rating_bound": 0.3, "spectator_weight": 2})
    assert (s.rules.debate, s.rules.rating_bound, s.rules.spectator_weight) == ("sealed", 0.3, 2)
    assert build().rules.debate == "open"
    assert build().rules.spectator_weight == 1
    with pytest.raises(ScenarioInvalid):
        build(rules={"debate": "shouted"})


def test_rule_r_is_the_mean_of_the_raters_divided_by_two() -> None:
    assert move_rating([Rating("blue", 2), Rating("green", 1)], "red") == 0.75
    assert move_rating([Rating("blue", -2)], "red") == -1.0


def test_rule_a_seat_never_rates_its_own_move() -> None:
    assert move_rating([Rating("red", 2), Rating("blue", -1)], "red") == -0.5
    assert move_rating([Rating("red", 2)], "red") is None


def test_rule_r_is_a_trimmed_mean_so_one_outlier_cannot_carry_it() -> None:
    ratings = [Rating("blue", 2), Rating("green", 0), Rating("gold", 0), Rating("grey", 0)]
    # The +2 and one 0 are trimmed: the two 0s left give r = 0.
    assert move_rating(ratings, "red") == 0.0
    # Without trimming the mean would have been 0.5 / 2.
    assert move_rating(ratings[:2], "red") == 0.5


def test_rule_spectators_are_one_bloc_weighing_spectator_weight_seats() -> None:
    bloc = Rating(SPECTATORS, 2, count=100)
    # One seat at -2 and the bloc at +2, each weighing one seat: they cancel out.
    assert move_rating([Rating("blue", -2), bloc], "red", spectator_weight=1) == 0.0
    # A heavier bloc moves the result, by its weight and not by its head count.
    heavier = move_rating([Rating("blue", -2), bloc], "red", spectator_weight=3)
    assert heavier is not None and heavier > 0
    crowd = Rating(SPECTATORS, 2, count=100_000)
    assert move_rating([Rating("blue", -2), crowd], "red", spectator_weight=3) == heavier
    assert move_rating([Rating("blue", -2), bloc], "red", spectator_weight=0) == -1.0


def test_rule_an_umpire_ruling_replaces_every_rater() -> None:
    order = Order("red.push", "because", ratings=(Rating("blue", -2), Rating("green", -2)))
    ruled = umpire_ruling(order, "mod:ana", 2)
    assert final_rating(ruled, "red") == 1.0
    assert ruled.umpire == "mod:ana"
    assert final_rating(order, "red") == -1.0
    with pytest.raises(ValueError, match="ruling"):
        umpire_ruling(order, "mod:ana", 3)


def test_rule_one_rating_per_rater_and_argument() -> None:
    orders = SeatOrders((Order("red.push"),))
    twice = rate(rate(orders, "blue", {"red.push": -2}), "blue", {"red.push": 1})
    assert twice.moves[0].ratings == (Rating("blue", 1.0),)
    with pytest.raises(ValueError):
        rate(orders, "blue", {"red.push": 3})


def test_rule_r_scales_only_the_moves_own_effects() -> None:
    s = build(
        rules={"rating_bound": 0.3},
        more_interactions=[
            {
                "id": "echo",
                "name": "Echo",
                "when": 'played("red.push")',
                "effects": [{"metric": "b", "change": 10}],
                "text": "t",
            }
        ],
    )
    state = start(s)
    rated = {"red": SeatOrders((Order("red.push", rating=1.0),))}
    panned = {"red": SeatOrders((Order("red.push", rating=-1.0),))}
    up = resolve_round(s, state, rated, round_rng(1, 1)).state.metrics
    down = resolve_round(s, state, panned, round_rng(1, 1)).state.metrics
    assert (up["a"], down["a"]) == (56.5, 53.5)  # 5 x (1 +- 0.3)
    assert up["b"] == down["b"] == 60  # the interaction is not scaled


def test_rule_in_open_debate_the_ratings_act_and_in_sealed_they_do_not() -> None:
    s = _three()
    state = start(s)
    rated = {
        "red": SeatOrders((Order("red.push", ratings=(Rating("blue", 2), Rating("green", 2))),))
    }
    opened = settle(rated, 1.0, open_debate=True)
    sealed = settle(rated, 1.0, open_debate=False)
    assert resolve_round(s, state, opened, round_rng(1, 1)).state.metrics["a"] == 56.5
    assert resolve_round(s, state, sealed, round_rng(1, 1)).state.metrics["a"] == 55


def test_rule_a_forecast_names_a_metric_the_seat_may_see() -> None:
    s = build(
        metrics=[
            {"id": "a", "name": "A", "start": 50},
            {"id": "b", "name": "B", "start": 50, "see": {"exact": ["blue"]}},
        ]
    )
    state = start(s)
    seen = {"red": SeatOrders((Order("red.push", forecast=Forecast("a", "up")),))}
    resolve_round(s, state, seen, round_rng(1, 1))
    hidden = {"red": SeatOrders((Order("red.push", forecast=Forecast("b", "up")),))}
    with pytest.raises(IllegalOrder, match="cannot see"):
        resolve_round(s, state, hidden, round_rng(1, 1))
    far = {"red": SeatOrders((Order("red.push", forecast=Forecast("a", "up", 2)),))}
    with pytest.raises(IllegalOrder, match="next"):
        resolve_round(s, state, far, round_rng(1, 1))


def test_rule_a_forecast_is_checked_once_its_horizon_has_resolved() -> None:
    after = [{"a": 50.0}, {"a": 55.0}, {"a": 52.0}]
    assert check_forecast(Forecast("a", "up", 0), 1, after) is True
    assert check_forecast(Forecast("a", "down", 0), 1, after) is False
    assert check_forecast(Forecast("a", "up", 1), 1, after) is True  # 50 -> 52
    assert check_forecast(Forecast("a", "down", 0), 2, after) is True
    assert check_forecast(Forecast("a", "up", 1), 2, after) is None  # round 3 not played
    assert forecast_hit(Forecast("a", "up"), 50, 50) is False  # no change is not "up"


def test_rule_debate_points_are_the_mean_from_others_plus_one_per_hit() -> None:
    good = Order(
        "red.push",
        author="p:ana",
        forecast=Forecast("a", "up"),
        ratings=(Rating("blue", 2), Rating("green", 1), Rating("red", -2)),
    )
    plain = Order("blue.push", author="p:bo", ratings=(Rating("red", -1),))
    result = tally(
        [{"red": SeatOrders((good,)), "blue": SeatOrders((plain,))}],
        [{"a": 50.0}, {"a": 55.0}],
        ["red", "blue"],
    )
    assert result.author_points == {"p:ana": 2.5, "p:bo": -1.0}  # 1.5 + a hit; -1
    assert result.seat_points == {"red": 2.5, "blue": -1.0}
    assert (result.made["red"], result.hit["red"]) == (1, 1)


def test_rule_debate_points_are_never_added_into_the_policy_score() -> None:
    s = _three()
    quiet = play_match(s, 3, rounds=2)
    loud = play_match(s, 3, rounds=2, rate={"red": 0.0})
    assert quiet.final.metrics == loud.final.metrics
    assert debate_tally(s, loud).seat_points["red"] != debate_tally(s, quiet).seat_points["red"]


def _argued() -> Scenario:
    texts = [
        {"text": "It will rise.", "forecast": {"metric": "a", "direction": "up"}},
        {"text": "It will fall.", "forecast": {"metric": "a", "direction": "down"}},
        {"text": "Trust me."},
        {"text": "Soon enough.", "forecast": {"metric": "a", "direction": "up", "horizon": 1}},
    ]
    return build(
        moves=[
            move("red.push", {"metric": "a", "change": 5}, arguments=texts),
            move("blue.push", {"metric": "b", "change": 5}, argument="Only this."),
        ],
        rules={"rating_bound": 0.3},
    )


def test_rule_the_ai_draws_its_argument_from_the_texts_with_a_forecast_it_expects() -> None:
    s = _argued()
    state = start(s)
    push = s.move("red.push")
    seen = {ai_argument(s, state, push, seed, argument_rng(seed, 1, 0)) for seed in range(40)}
    assert {o.argument for o in seen} == {"It will rise.", "Soon enough."}  # never "fall"
    again = {ai_argument(s, state, push, seed, argument_rng(seed, 1, 0)) for seed in range(40)}
    assert seen == again  # deterministic for a seed


def test_rule_without_a_forecast_text_the_ai_forecasts_its_own_look_ahead() -> None:
    s = _argued()
    order = ai_argument(s, start(s), s.move("blue.push"), 1, argument_rng(1, 1, 1))
    assert order.argument == "Only this."
    assert order.forecast == Forecast("b", "up", 0)


def test_rule_a_scenario_forecast_must_be_visible_to_the_moves_seat() -> None:
    hidden = [{"text": "x", "forecast": {"metric": "b", "direction": "up"}}]
    with pytest.raises(ScenarioInvalid, match="cannot see"):
        build(
            metrics=[
                {"id": "a", "name": "A", "start": 50},
                {"id": "b", "name": "B", "start": 50, "see": {"exact": ["blue"]}},
            ],
            moves=[
                move("red.push", {"metric": "a", "change": 5}, arguments=hidden),
                move("blue.push", {"metric": "b", "change": 5}),
            ],
        )


def test_rule_ai_raters_agree_contradict_or_abstain() -> None:
    s = build()
    state = start(s)
    assert ai_value(s, state, Order("red.push", forecast=Forecast("a", "up"))) == 1
    assert ai_value(s, state, Order("red.push", forecast=Forecast("a", "down"))) == -1
    assert ai_value(s, state, Order("red.push")) == 0
    assert ai_value(s, state, Order("red.push", forecast=Forecast("b", "up"))) == 0


def test_rule_ai_seats_rate_every_other_seats_arguments() -> None:
    s = _three()
    state = start(s)
    orders = {
        "red": SeatOrders((Order("red.push", forecast=Forecast("a", "up")),)),
        "blue": SeatOrders((Order("blue.push", forecast=Forecast("b", "down")),)),
    }
    rated = ai_ratings(s, state, orders, ["red", "green"])
    assert rated["red"].moves[0].ratings == (Rating("green", 1.0),)
    assert rated["blue"].moves[0].ratings == (Rating("red", -1.0), Rating("green", -1.0))


def test_rule_an_ai_only_match_has_ratings_and_debate_points() -> None:
    s = _argued()
    log = play_match(s, 5)
    ratings = [
        r for p in log.rounds for so in p.orders.values() for o in so.moves for r in o.ratings
    ]
    assert ratings
    result = debate_tally(s, log)
    assert sum(result.made.values()) > 0
    assert play_match(s, 5).rounds[-1].orders == log.rounds[-1].orders  # deterministic
