"""Forks of a played match: the as-played arm is the match itself for its own seed, the
what-if arm makes exactly the changes asked for, and the report is deterministic."""

from __future__ import annotations

import math
from dataclasses import replace
from functools import cache

import pytest

from bot.game.fork import (
    Changes,
    ForkError,
    StoredMatch,
    check_fork,
    fork,
    fork_report,
    fork_seeds,
    interval,
    play_arm,
    replayed,
    stored_from_log,
)
from bot.game.match import MatchLog, play_match
from bot.game.policies import ScriptPolicy
from bot.game.scenario import Scenario
from bot.game.scoring import scores
from bot.game.state import Order, SeatOrders, canonical_json
from bot.scenarios import read_scenario


@cache
def scenario(name: str) -> Scenario:
    return read_scenario(name)[0]


@cache
def played(name: str, seed: int) -> MatchLog:
    return play_match(scenario(name), seed)


def _same(a: object, b: object) -> bool:
    return canonical_json(a) == canonical_json(b)


@pytest.mark.parametrize(("name", "seed"), [("venezuela-2021", 11), ("tutorial", 4)])
def test_a_fork_that_changes_nothing_replays_the_stored_match_for_its_own_seed(
    name: str, seed: int
) -> None:
    sc, log = scenario(name), played(name, seed)
    stored = stored_from_log(log)
    for from_round in stored.fork_rounds():
        run = play_arm(sc, stored, from_round, stored.seed)
        assert _same(run.final.to_dict(), log.final.to_dict()), from_round
        assert run.skipped == 0
        changed = play_arm(sc, stored, from_round, stored.seed, Changes())
        assert _same(changed.final.to_dict(), log.final.to_dict())


def test_the_as_played_arm_over_one_seed_reports_the_stored_match() -> None:
    sc, log = scenario("venezuela-2021"), played("venezuela-2021", 11)
    report = fork_report(sc, fork(sc, stored_from_log(log), 3, 1, Changes()), 42)
    assert list(report) == ["match", "from_round", "seeds", "as_played", "what_if", "delta"]
    assert (report["match"], report["from_round"], report["seeds"]) == (42, 3, 1)
    arm = report["as_played"]
    assert set(arm) == {"metrics", "scores", "endings"}
    for metric, value in log.final.metrics.items():
        assert arm["metrics"][metric] == {
            "mean": round(value, 3),
            "p10": round(value, 3),
            "p90": round(value, 3),
        }
    for seat, value in scores(sc, log.final).items():
        assert arm["scores"][seat]["mean"] == round(value, 3)
    assert arm["endings"] == {log.final.ending: 1}
    assert report["what_if"] == arm
    assert set(report["delta"]["metrics"].values()) == {0.0}
    assert set(report["delta"]["scores"].values()) == {0.0}


def test_the_same_fork_gives_the_same_report_and_seeds_differ() -> None:
    sc, log = scenario("tutorial"), played("tutorial", 4)
    stored = stored_from_log(log)
    changes = Changes(policies={"upstream": "hold"})
    first = fork_report(sc, fork(sc, stored, 2, 25, changes), 1)
    assert first == fork_report(sc, fork(sc, stored, 2, 25, changes), 1)
    seeds = fork_seeds(stored.seed, 25)
    assert seeds[0] == stored.seed and len(set(seeds)) == 25
    # other seeds draw differently: the as-played arm is not 25 copies of the stored match
    assert any(v["p10"] != v["p90"] for v in first["as_played"]["metrics"].values())


def test_a_held_seat_plays_nothing_from_the_fork_on_and_the_rest_is_as_played() -> None:
    sc, log = scenario("tutorial"), played("tutorial", 4)
    stored = stored_from_log(log)
    run = play_arm(sc, stored, 2, stored.seed, Changes(policies={"upstream": "hold"}))
    history = run.final.history
    assert history[0] == log.final.history[0], "round 1 is the stored one"
    assert all("upstream" not in seats for seats in history[1:])
    assert any("upstream" in seats for seats in log.final.history[1:]), "it did play before"


def test_a_dropped_move_is_never_played_from_the_fork_on_by_anyone() -> None:
    sc = scenario("venezuela-2021")
    log = played("venezuela-2021", 11)
    stored = stored_from_log(log)
    by_round = [{m for ms in seats.values() for m in ms} for seats in log.final.history]
    move = sorted(by_round[1])[0]  # a move played in round 2 of the stored match
    # the AI plays the seat from round 2 on, and would play the move: it is taken out
    seat = sc.move(move).seat
    changes = Changes(policies={seat: "ai"}, drop=frozenset({move}))
    for seed in fork_seeds(stored.seed, 5):
        run = play_arm(sc, stored, 2, seed, changes)
        assert run.final.history[0] == log.final.history[0]
        assert all(move not in ms for seats in run.final.history[1:] for ms in seats.values())


def test_a_script_counts_its_rounds_from_the_fork() -> None:
    sc, log = scenario("tutorial"), played("tutorial", 4)
    stored = stored_from_log(log)
    # counted from the match's first round, round 3 would take the script's last list
    script = (("council.mediate",), ("council.fund_both",))
    run = play_arm(sc, stored, 3, stored.seed, Changes(policies={"council": script}))
    assert [seats.get("council") for seats in run.final.history[2:]] == [
        ["council.mediate"],
        ["council.fund_both"],
    ]
    assert run.skipped == 0


def test_stored_orders_the_forked_state_no_longer_allows_are_skipped_and_counted() -> None:
    sc = scenario("tutorial")
    log = play_match(sc, 4, {"upstream": ScriptPolicy([["upstream.build_dam"], []])})
    stored = stored_from_log(log)
    assert "upstream.build_dam" in log.final.history[0]["upstream"]
    # a round 2 that orders the once-only dam again (as a drifted fork could)
    again = dict(stored.orders[1])
    again["upstream"] = SeatOrders(moves=(Order("upstream.build_dam", "again"),))
    bent = replace(stored, orders=(stored.orders[0], again, *stored.orders[2:]))
    run = play_arm(sc, bent, 2, stored.seed)
    assert run.skipped == 1
    assert "upstream" not in run.final.history[1]


def test_a_fork_from_the_last_round_works_and_one_past_it_is_refused() -> None:
    sc, log = scenario("tutorial"), played("tutorial", 4)
    stored = stored_from_log(log)
    last = stored.rounds_played
    result = fork(sc, stored, last, 10, Changes(policies={"downstream": "hold"}))
    assert result.seeds == 10 and all(o.ending for o in result.what_if)
    with pytest.raises(ForkError, match=f"round {last + 1} is out of range"):
        fork(sc, stored, last + 1, 10, Changes())


def test_a_running_match_forks_from_its_open_round_with_the_ai_after_the_stored_rounds() -> None:
    sc, log = scenario("tutorial"), played("tutorial", 4)
    cut = StoredMatch(
        log.seed,
        (log.start, log.rounds[0].state),
        (log.rounds[0].orders,),
    )
    assert list(cut.fork_rounds()) == [1, 2]
    run = play_arm(sc, cut, 2, log.seed)
    # the AI played every round after the stored one, exactly as in the all-AI stored match
    assert _same(run.final.to_dict(), log.final.to_dict())


@pytest.mark.parametrize(
    ("changes", "from_round", "message"),
    [
        (Changes(policies={"nobody": "ai"}), 2, "there is no seat 'nobody'"),
        (Changes(drop=frozenset({"upstream.fly"})), 2, "there is no move 'upstream.fly'"),
        (Changes(policies={"upstream": (("council.fund_both",),)}), 2, "not a move of seat"),
        (Changes(), 0, "out of range"),
    ],
)
def test_bad_forks_are_refused_with_a_reason(
    changes: Changes, from_round: int, message: str
) -> None:
    sc, log = scenario("tutorial"), played("tutorial", 4)
    with pytest.raises(ForkError, match=message):
        check_fork(sc, stored_from_log(log), from_round, changes)


def test_replaying_the_orders_rebuilds_the_stored_states() -> None:
    sc, log = scenario("venezuela-2021"), played("venezuela-2021", 11)
    stored = stored_from_log(log)
    again = replayed(sc, log.seed, log.start, [r.orders for r in log.rounds], log.final.deals)
    assert _same([s.to_dict() for s in again.states], [s.to_dict() for s in stored.states])


def test_the_interval_is_the_mean_with_1_96_standard_errors() -> None:
    mean, half = interval([1.0, 2.0, 3.0])
    assert mean == 2.0 and math.isclose(half, 1.96 * 1.0 / math.sqrt(3))
    assert interval([5.0]) == (5.0, 0.0)
