"""The engine, tested like a rulebook: each test names the rule it proves."""

from __future__ import annotations

import pytest

from bot.game.engine import LAST_ROUND, resolve_round, round_rng
from bot.game.errors import MatchOver
from bot.game.scenario import Scenario
from bot.game.state import Order, SeatOrders, records_json
from tests.game.builder import FixedRng, build, move, play, start


def test_rule_fixed_effect_applies_in_the_round_played() -> None:
    s = build()
    result = play(s, start(s), red=["red.push"])
    assert result.state.metrics["a"] == 55
    effect = next(r for r in result.records if r.kind == "effect")
    assert (effect.source, effect.metric, effect.before, effect.after) == (
        "move:red.push",
        "a",
        50,
        55,
    )


def test_rule_holding_seats_change_nothing() -> None:
    s = build()
    result = play(s, start(s))
    assert result.state.metrics == start(s).metrics
    assert result.state.round == 2


def test_rule_range_effect_draws_within_its_range_and_records_the_draw() -> None:
    s = build(
        moves=[
            move("red.gamble", {"metric": "a", "range": [-10, 10]}),
            move("blue.push", {"metric": "b", "change": 1}),
        ]
    )
    for seed in range(30):
        result = play(s, start(s, seed), seed, red=["red.gamble"])
        effect = next(r for r in result.records if r.kind == "effect")
        assert effect.draw is not None and -10 <= effect.draw <= 10
        assert result.state.metrics["a"] == pytest.approx(50 + effect.draw, abs=1e-3)


def test_rule_chance_effect_misses_when_the_draw_is_at_or_above_the_chance() -> None:
    s = build(
        moves=[
            move("red.try", {"metric": "a", "change": 5, "chance": 0.5}),
            move("blue.push", {"metric": "b", "change": 1}),
        ]
    )
    state = start(s)
    hit = resolve_round(s, state, {"red": SeatOrders((Order("red.try"),))}, FixedRng(0.49))
    miss = resolve_round(s, state, {"red": SeatOrders((Order("red.try"),))}, FixedRng(0.5))
    assert hit.state.metrics["a"] == 55
    assert miss.state.metrics["a"] == 50
    assert [r.detail for r in miss.records if r.kind in ("order", "miss")] == ["miss", "chance"]


def test_rule_delayed_effect_lands_later_and_says_where_it_came_from() -> None:
    s = build(
        moves=[
            move("red.slow", {"metric": "a", "change": 6, "delay": 1}),
            move("blue.push", {"metric": "b", "change": 1}),
        ]
    )
    r1 = play(s, start(s), red=["red.slow"])
    assert r1.state.metrics["a"] == 50
    assert any(r.kind == "scheduled" for r in r1.records)
    r2 = play(s, r1.state)
    assert r2.state.metrics["a"] == 56
    landed = next(r for r in r2.records if r.kind == "effect")
    assert landed.delayed_from == 1 and landed.source == "move:red.slow"


def test_rule_duration_repeats_the_change_each_round() -> None:
    s = build(
        moves=[
            move("red.long", {"metric": "a", "change": 2, "duration": 3}),
            move("blue.push", {"metric": "b", "change": 1}),
        ]
    )
    state = play(s, start(s), red=["red.long"]).state
    values = [state.metrics["a"]]
    for _ in range(2):
        state = play(s, state).state
        values.append(state.metrics["a"])
    assert values == [52, 54, 56]


def test_rule_effects_after_the_last_round_are_dropped() -> None:
    s = build(
        meta={"rounds": 2},
        moves=[
            move("red.slow", {"metric": "a", "change": 1, "delay": 1, "duration": 5}),
            move("blue.push", {"metric": "b", "change": 1}),
        ],
    )
    state = play(s, start(s), red=["red.slow"]).state
    assert [p.due for p in state.pending] == [2]


def test_rule_a_false_effect_condition_is_recorded_as_a_miss() -> None:
    s = build(
        moves=[
            move("red.cond", {"metric": "a", "change": 5, "condition": "b > 60"}),
            move("blue.push", {"metric": "b", "change": 20}),
        ]
    )
    result = play(s, start(s), red=["red.cond"], blue=["blue.push"])
    # Moves are simultaneous: blue's push does not count for red's condition this round.
    assert result.state.metrics["a"] == 50
    assert any(r.kind == "miss" and r.detail == "condition" for r in result.records)


def test_rule_metrics_are_clamped_to_their_range() -> None:
    s = build(
        moves=[
            move("red.big", {"metric": "a", "change": 80}),
            move("blue.push", {"metric": "b", "change": 1}),
        ]
    )
    result = play(s, start(s), red=["red.big"])
    assert result.state.metrics["a"] == 100
    assert next(r for r in result.records if r.kind == "effect").delta == 50


def test_rule_a_balancing_metric_absorbs_the_change_and_the_sum_holds() -> None:
    s = build(
        moves=[
            move("red.rally", {"metric": "share", "change": 100}),
            move("blue.push", {"metric": "b", "change": 1}),
        ]
    )
    result = play(s, start(s), red=["red.rally"])
    assert result.state.metrics["share"] + result.state.metrics["rest"] == 100
    assert result.state.metrics["rest"] == 0


def test_rule_interaction_fires_only_when_both_moves_are_played_together() -> None:
    rule = {
        "id": "combo",
        "name": "Combo",
        "when": 'played("red.push") and played("blue.push")',
        "effects": [{"metric": "a", "change": 10}],
        "text": "t",
    }
    s = build(interactions=[rule])
    both = play(s, start(s), red=["red.push"], blue=["blue.push"])
    one = play(s, start(s), red=["red.push"])
    assert both.state.metrics["a"] == 65
    assert one.state.metrics["a"] == 55
    assert [r.source for r in both.records if r.kind == "interaction"] == ["interaction:combo"]


def test_rule_interaction_in_sequence_uses_played_before() -> None:
    rule = {
        "id": "follow_up",
        "name": "Follow-up",
        "when": 'played("blue.push") and played_before("red.push", rounds=1)',
        "effects": [{"metric": "b", "change": 10}],
        "text": "t",
    }
    s = build(interactions=[rule])
    r1 = play(s, start(s), red=["red.push"])
    r2 = play(s, r1.state, blue=["blue.push"])
    assert r2.state.metrics["b"] == 65
    r3 = play(s, play(s, r1.state).state, blue=["blue.push"])  # two rounds later: too late
    assert r3.state.metrics["b"] == 55


def test_rule_thresholds_switch_on_and_off_at_separate_levels_without_flicker() -> None:
    rule = {
        "id": "crisis",
        "name": "Crisis",
        "text": "t",
        "threshold": {"metric": "a", "direction": "above", "on": 60, "off": 52},
        "effects": [{"metric": "b", "change": -1}],
    }
    s = build(
        interactions=[rule],
        moves=[
            move("red.up", {"metric": "a", "change": 12}),
            move("red.down", {"metric": "a", "change": -5}),
            move("blue.push", {"metric": "b", "change": 1}),
        ],
        meta={"rounds": 6},
    )
    state = play(s, start(s), red=["red.up"]).state  # a = 62: on
    assert state.active == ["crisis"] and state.metrics["b"] == 49
    state = play(s, state, red=["red.down"]).state  # a = 57: below on, above off: stays on
    assert state.active == ["crisis"] and state.metrics["b"] == 49  # effects only when switching on
    state = play(s, state, red=["red.down"]).state  # a = 52: not below off
    assert state.active == ["crisis"]
    state = play(s, state, red=["red.down"]).state  # a = 47: off
    assert state.active == []


def test_rule_scheduled_event_fires_in_its_round_with_its_effects() -> None:
    event = {
        "id": "vote",
        "name": "Vote",
        "kind": "scheduled",
        "round": 2,
        "text": "t",
        "effects": [{"metric": "a", "change": -3}],
    }
    s = build(events=[event])
    state = start(s)
    assert state.events_now == []
    state = play(s, state).state
    assert state.events_now == ["vote"] and state.metrics["a"] == 47


def test_rule_random_event_chance_is_scaled_by_conditions() -> None:
    event = {
        "id": "storm",
        "name": "Storm",
        "kind": "random",
        "chance": 0.0,
        "text": "t",
        "scale": [{"when": "a > 40", "factor": 1}],
    }
    # chance 0 times anything is 0: never; then a chance of 0.5 doubled is certain.
    never = build(events=[event])
    assert all(start(never, seed).events_now == [] for seed in range(20))
    sure = build(events=[{**event, "chance": 0.5, "scale": [{"when": "a > 40", "factor": 2}]}])
    assert all(start(sure, seed).events_now == ["storm"] for seed in range(20))


def test_rule_triggered_once_event_fires_only_once() -> None:
    event = {
        "id": "alarm",
        "name": "Alarm",
        "kind": "triggered",
        "condition": "a >= 55",
        "once": True,
        "text": "t",
    }
    s = build(events=[event], meta={"rounds": 6})
    state = play(s, start(s), red=["red.push"]).state
    assert state.events_now == ["alarm"]
    state = play(s, state, red=["red.push"]).state
    assert state.events_now == [] and state.fired == {"alarm": 1}


def _decision_scenario() -> Scenario:
    event = {
        "id": "offer",
        "name": "Offer",
        "kind": "scheduled",
        "round": 1,
        "text": "t",
        "decision": {
            "seat": "blue",
            "prompt": "Accept?",
            "default": "no",
            "options": [
                {
                    "id": "yes",
                    "label": "Yes",
                    "text": "t",
                    "effects": [{"metric": "b", "change": 9}],
                },
                {
                    "id": "no",
                    "label": "No",
                    "text": "t",
                    "effects": [{"metric": "b", "change": -9}],
                },
            ],
        },
    }
    return build(events=[event])


def test_rule_an_unanswered_decision_takes_its_default() -> None:
    s = _decision_scenario()
    state = start(s)
    assert state.awaiting == {"offer": "blue"}
    result = play(s, state)
    assert result.state.metrics["b"] == 41 and result.state.decided == {"offer": "no"}
    assert any(r.kind == "decision" and r.detail == "no (default)" for r in result.records)


def test_rule_an_answered_decision_applies_the_chosen_option() -> None:
    s = _decision_scenario()
    state = start(s)
    result = resolve_round(
        s, state, {"blue": SeatOrders(decisions={"offer": "yes"})}, round_rng(1, 1)
    )
    assert result.state.metrics["b"] == 59 and result.state.awaiting == {}


def test_rule_an_end_condition_ends_the_match_no_earlier_than_its_round() -> None:
    ending = {"id": "win", "name": "Win", "condition": "a >= 55", "earliest_round": 2, "text": "t"}
    s = build(endings=[ending])
    state = play(s, start(s), red=["red.push"]).state
    assert not state.finished
    state = play(s, state).state
    assert state.finished and state.ending == "win"
    with pytest.raises(MatchOver):
        play(s, state)


def test_rule_the_match_ends_after_its_last_round() -> None:
    s = build(meta={"rounds": 2})
    state = play(s, play(s, start(s)).state).state
    assert state.finished and state.ending == LAST_ROUND


def test_rule_resolving_never_changes_the_state_passed_in() -> None:
    s = build()
    state = start(s)
    before = state.to_dict()
    play(s, state, red=["red.push"], blue=["blue.push"])
    assert state.to_dict() == before


def test_rule_same_scenario_seed_and_orders_give_the_same_bytes() -> None:
    s = build(
        moves=[
            move("red.gamble", {"metric": "a", "range": [-10, 10], "chance": 0.7}),
            move("blue.push", {"metric": "b", "change": 1}),
        ]
    )
    one = play(s, start(s, 9), 9, red=["red.gamble"])
    two = play(s, start(s, 9), 9, red=["red.gamble"])
    assert records_json(one.records) == records_json(two.records)
    assert one.state.to_dict() == two.state.to_dict()


def test_rule_an_argument_rating_scales_effects_within_the_bound() -> None:
    s = build(rules={"rating_bound": 0.2})
    state = start(s)
    rated = {"red": SeatOrders((Order("red.push", "because", rating=1.0),))}
    panned = {"red": SeatOrders((Order("red.push", "because", rating=-1.0),))}
    assert resolve_round(s, state, rated, round_rng(1, 1)).state.metrics["a"] == 56
    assert resolve_round(s, state, panned, round_rng(1, 1)).state.metrics["a"] == 54
