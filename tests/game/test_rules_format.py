"""The opt-in format features, tested like a rulebook: each test names the rule it proves."""

from __future__ import annotations

import pytest

from bot.game.ai import choose_orders
from bot.game.engine import new_match, resolve_round, round_rng
from bot.game.errors import IllegalOrder
from bot.game.policies import ScriptPolicy
from bot.game.scenario import Scenario
from bot.game.scoring import scores
from bot.game.state import MatchState
from tests.game.builder import BASE, build, move, play, start

# Red plays one move a round, with no noise: its choices show exactly what it values.
CAREFUL_RED = [
    {**BASE["seats"][0], "budget": 1, "ai": {"noise": 0}},
    BASE["seats"][1],
]


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
        seats=CAREFUL_RED,
    )
    orders = choose_orders(s, start(s), "red", 1, round_rng(1, 1))
    assert [o.move for o in orders.moves] == ["red.safe"]  # the else branch loses 5 of a


def _blocs(*moves: dict[str, object]) -> Scenario:
    metrics = [
        {"id": "a", "name": "A", "start": 50},
        {"id": "b", "name": "B", "start": 50},
        {"id": "left", "name": "Left", "start": 30, "balance": "undecided"},
        {"id": "right", "name": "Right", "start": 25, "balance": "undecided"},
        {"id": "undecided", "name": "Undecided", "start": 45},
        {"id": "north", "name": "North", "start": 60, "balance": "south"},
        {"id": "south", "name": "South", "start": 40},
    ]
    return build(metrics=metrics, moves=[*moves, move("blue.push", {"metric": "b", "change": 1})])


def test_rule_a_transfer_moves_a_change_between_any_two_metrics() -> None:
    s = _blocs(move("red.swing", {"metric": "right", "change": 8, "from": "left"}))
    result = play(s, start(s), red=["red.swing"])
    metrics = result.state.metrics
    assert (metrics["left"], metrics["right"], metrics["undecided"]) == (22, 33, 45)
    assert [(r.metric, r.delta, r.detail) for r in result.records if r.kind == "effect"] == [
        ("right", 8, None),
        ("left", -8, "to right"),
    ]


def test_rule_a_transfer_is_clipped_so_both_metrics_stay_in_range() -> None:
    s = _blocs(move("red.swing", {"metric": "right", "change": 50, "from": "left", "delay": 1}))
    state = play(s, start(s), red=["red.swing"]).state
    assert state.pending and state.pending[0].partner == "left"
    state = play(s, state).state
    assert (state.metrics["left"], state.metrics["right"]) == (0, 55)


def test_rule_two_balanced_groups_each_keep_their_sum() -> None:
    s = _blocs(
        move("red.left", {"metric": "left", "change": 7}),
        move("red.north", {"metric": "north", "change": -15}),
    )
    state = play(s, start(s), red=["red.left", "red.north"]).state
    m = state.metrics
    assert (m["left"], m["undecided"], m["left"] + m["right"] + m["undecided"]) == (37, 38, 100)
    assert (m["north"], m["south"]) == (45, 55)


def test_rule_the_ai_counts_what_a_transfer_takes() -> None:
    s = _blocs(
        move("red.take_a", {"metric": "left", "change": 10, "from": "a"}),
        move("red.plain", {"metric": "left", "change": 1}),
    )
    for seed in range(20):
        orders = choose_orders(s, start(s), "red", seed, round_rng(seed, 1))
        assert "red.take_a" not in [o.move for o in orders.moves]  # it costs red's goal 10


def _crisis(*more: dict[str, object], **threshold: object) -> Scenario:
    rule = {
        "id": "crisis",
        "name": "Crisis",
        "threshold": threshold,
        "effects": [{"metric": "share", "change": 1}],
        "text": "t",
    }
    moves = [
        move("red.push", {"metric": "a", "change": 10}),
        move("red.pull", {"metric": "a", "change": -10}),
        move("blue.push", {"metric": "b", "change": 10}),
    ]
    return build(moves=moves, interactions=[rule, *more])


def test_rule_a_condition_threshold_switches_on_and_off_with_hysteresis() -> None:
    s = _crisis(on="a >= 60 and b >= 60", off="a < 45")
    state = play(s, start(s), red=["red.push"]).state
    assert state.active == []  # a is 60 but b is 50
    result = play(s, state, blue=["blue.push"])
    assert result.state.active == ["crisis"] and result.state.metrics["share"] == 21
    on = next(r for r in result.records if r.kind == "threshold_on")
    assert (on.metric, on.after) == (None, None)
    state = play(s, result.state, red=["red.pull"]).state
    assert state.active == ["crisis"]  # a is 50: below `on`, not yet past `off`
    state = play(s, state, red=["red.pull"]).state
    assert state.active == []  # a is 40 < 45
    assert state.metrics["share"] == 21  # it fired once, when it switched on


def test_rule_while_a_condition_threshold_is_on_active_is_true() -> None:
    echo: dict[str, object] = {"id": "echo", "name": "E", "when": 'active("crisis")', "text": "t"}
    echo["effects"] = [{"metric": "a", "change": 1}]
    s = _crisis(echo, on="b >= 60", off="b < 55")
    state = play(s, start(s), blue=["blue.push"]).state
    assert state.active == ["crisis"] and state.metrics["a"] == 50
    assert play(s, state).state.metrics["a"] == 51


def _storm(**limits: object) -> Scenario:
    event = {"id": "storm", "name": "Storm", "kind": "random", "chance": 1.0, "text": "t"}
    event["effects"] = [{"metric": "b", "change": -1}]
    return build(meta={"rounds": 8}, events=[{**event, **limits}])


def _rounds_fired(s: Scenario) -> list[int]:
    result = new_match(s, round_rng(1, 0))
    fired = [1] if result.state.events_now else []
    state = result.state
    while not state.finished:
        state = play(s, state).state
        if state.events_now:
            fired.append(state.round)
    return fired


def test_rule_a_random_event_rests_for_its_cooldown() -> None:
    assert _rounds_fired(_storm()) == list(range(1, 9))
    assert _rounds_fired(_storm(cooldown=2)) == [1, 4, 7]


def test_rule_a_random_event_happens_at_most_max_times() -> None:
    assert _rounds_fired(_storm(max_times=3)) == [1, 2, 3]
    assert _rounds_fired(_storm(max_times=2, cooldown=1)) == [1, 3]


def _rivals() -> Scenario:
    return build(
        moves=[
            move("red.talk", {"metric": "a", "change": 3}, excludes=["red.strike"]),
            move("red.strike", {"metric": "a", "change": 4}),
            move("red.wait", {"metric": "a", "change": 1}),
            move("blue.push", {"metric": "b", "change": 1}),
        ]
    )


def test_rule_moves_that_exclude_each_other_cannot_be_ordered_together() -> None:
    s = _rivals()
    for pair in (["red.talk", "red.strike"], ["red.strike", "red.talk"]):  # both directions
        with pytest.raises(IllegalOrder, match="cannot be ordered with"):
            play(s, start(s), red=pair)
    assert play(s, start(s), red=["red.talk", "red.wait"]).state.metrics["a"] == 54


def test_rule_the_ai_and_scripts_never_order_excluded_moves_together() -> None:
    s = _rivals()
    for seed in range(10):
        chosen = {o.move for o in choose_orders(s, start(s), "red", seed, round_rng(seed, 1)).moves}
        # talk and strike are the two best moves: without the exclusion the AI takes both
        assert not {"red.talk", "red.strike"} <= chosen
    script = ScriptPolicy([["red.talk", "red.strike", "red.wait"]])
    moves = [o.move for o in script.orders(s, start(s), "red", 1).moves]
    assert moves == ["red.talk", "red.wait"] and script.skipped == {"red.strike": 1}


def test_rule_goals_score_from_the_start_value_when_the_scenario_says_so() -> None:
    bound = build(moves=[move("red.push", {"metric": "a", "change": 15}), *BASE["moves"][1:]])
    from_start = build(
        moves=[m.model_dump() for m in bound.moves], scoring={"partial_from": "start"}
    )
    for s, at_start, after in ((bound, 62.5, 81.25), (from_start, 0.0, 50.0)):
        state = start(s)
        assert scores(s, state)["red"] == at_start  # a = 50, target 80, minimum 0
        assert scores(s, play(s, state, red=["red.push"]).state)["red"] == after


def test_rule_goals_from_start_give_nothing_for_losing_ground_and_full_marks_at_target() -> None:
    s = build(
        moves=[move("red.drop", {"metric": "a", "change": -20}), *BASE["moves"][1:]],
        scoring={"partial_from": "start"},
    )
    state = play(s, start(s), red=["red.drop"]).state
    assert scores(s, state)["red"] == 0.0
    assert scores(s, state)["blue"] == 0.0  # b = 50 = its start


def _line(wait: bool) -> tuple[list[list[str]], ScriptPolicy]:
    s = build(
        moves=[
            move("red.late", {"metric": "a", "change": 5}, condition="round >= 3"),
            move("red.push", {"metric": "a", "change": 1}),
            move("blue.push", {"metric": "b", "change": 1}),
        ]
    )
    script = ScriptPolicy([["red.late", "red.push"], [], [], []], wait=wait)
    state, played = start(s), []
    while not state.finished:
        orders = script.orders(s, state, "red", 1)
        played.append([o.move for o in orders.moves])
        state = resolve_round(s, state, {"red": orders}, round_rng(1, state.round)).state
    return played, script


def test_rule_a_scripted_move_that_is_illegal_waits_for_a_later_round_with_wait() -> None:
    played, script = _line(wait=True)
    assert played == [["red.push"], [], ["red.late"], []]
    assert script.missed() == {}
    skipped, plain = _line(wait=False)
    assert skipped == [["red.push"], [], [], []]
    assert plain.missed() == {"red.late": 1}


def _prepared(*extra: dict[str, object]) -> Scenario:
    moves = [
        move("red.prepare", {"metric": "b", "change": 1}),  # worth nothing to red by itself
        move("red.strike", {"metric": "a", "change": 20}, requires=["red.prepare"]),
        *extra,
        move("blue.push", {"metric": "b", "change": 1}),
    ]
    return build(seats=CAREFUL_RED, moves=moves)


def _red_orders(s: Scenario, state: MatchState) -> list[str]:
    return [o.move for o in choose_orders(s, state, "red", 1, round_rng(1, state.round)).moves]


def test_rule_the_ai_plays_a_move_for_the_move_it_unlocks() -> None:
    s = _prepared()
    state = start(s)
    assert _red_orders(s, state) == ["red.prepare"]
    state = play(s, state, red=["red.prepare"]).state
    assert _red_orders(s, state) == ["red.strike"]


def test_rule_the_ai_follows_a_chain_of_prerequisites_but_prefers_a_sure_gain_now() -> None:
    chain = build(
        seats=CAREFUL_RED,
        moves=[
            move("red.scout", {"metric": "b", "change": 1}),
            move("red.prepare", {"metric": "b", "change": 1}, requires=["red.scout"]),
            move("red.strike", {"metric": "a", "change": 20}, requires=["red.prepare"]),
            move("blue.push", {"metric": "b", "change": 1}),
        ],
    )
    assert _red_orders(chain, start(chain)) == ["red.scout"]
    sure = _prepared(move("red.push", {"metric": "a", "change": 20}))
    assert _red_orders(sure, start(sure)) == ["red.push"]  # 20 now beats 20 next round
