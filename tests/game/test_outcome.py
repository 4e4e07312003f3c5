"""The shared outcome (``outcome``): scored like a seat's goals, checked by the validator,
reported by ``simulate`` and shown in the debrief; bookkeeping metrics are never turning points.
"""

from __future__ import annotations

import pytest

from bot.game.match import play_match
from bot.game.policies import ScriptPolicy
from bot.game.report import simulate
from bot.game.scoring import outcome_score, scores, scores_seen, visible_outcome
from bot.game.validate import ScenarioInvalid
from bot.review.build import record_from_log
from bot.review.debrief import build_debrief, turning_points
from bot.review.debrief_text import debrief_lines
from tests.game.builder import BASE, build, move

OUTCOME = {
    "name": "The country's outcome",
    "goals": [{"metric": "a", "target": 80, "weight": 3}, {"metric": "b", "target": 60}],
}


def test_the_outcome_is_the_weighted_share_of_its_goals_met() -> None:
    """a at 50 of 80 (from the bottom: 62.5%) weighs 3, b at 50 of 60 (83.3%) weighs 1."""
    sc = build(outcome=OUTCOME)
    value = outcome_score(sc, {m.id: m.start for m in sc.metrics})
    assert value == pytest.approx(100 * (3 * 50 / 80 + 50 / 60) / 4, abs=1e-3)


def test_no_outcome_section_means_no_outcome() -> None:
    sc = build()
    assert outcome_score(sc, {m.id: m.start for m in sc.metrics}) is None
    assert "outcome" not in simulate(sc, 2, 1)


def test_the_outcome_is_never_part_of_a_score() -> None:
    """The same state scores the seats identically with or without an outcome section."""
    with_outcome, without = build(outcome=OUTCOME), build()
    state = {m.id: m.start + 7 for m in without.metrics}
    log_a = play_match(with_outcome, 3, {"red": ScriptPolicy([["red.push"]])})
    log_b = play_match(without, 3, {"red": ScriptPolicy([["red.push"]])})
    assert scores(with_outcome, log_a.final) == scores(without, log_b.final)
    assert outcome_score(with_outcome, state) != outcome_score(with_outcome, log_a.final.metrics)


def test_the_validator_checks_the_outcome_goals() -> None:
    bad = {"name": "X", "goals": [{"metric": "nope", "target": 10}]}
    with pytest.raises(ScenarioInvalid, match=r"outcome\.goals"):
        build(outcome=bad)
    too_high = {"name": "X", "goals": [{"metric": "a", "target": 150}]}
    with pytest.raises(ScenarioInvalid, match="outside"):
        build(outcome=too_high)


def test_simulate_reports_the_outcome_mean_and_spread() -> None:
    sc = build(outcome=OUTCOME)
    report = simulate(sc, 12, 5)
    outcome = report["outcome"]
    assert set(outcome) == {"mean", "p10", "p90"}
    assert outcome["p10"] <= outcome["mean"] <= outcome["p90"]
    assert outcome["p10"] >= 0 and outcome["p90"] <= 100


def test_the_debrief_shows_the_outcome_and_skips_bookkeeping_metrics() -> None:
    """A switch that moves a lot is bookkeeping: it never becomes a turning point."""
    metrics = [
        *BASE["metrics"],
        {"id": "switch", "name": "Switch", "start": 0, "bookkeeping": True},
    ]
    sc = build(
        metrics=metrics,
        outcome=OUTCOME,
        moves=[
            move("red.flip", {"metric": "switch", "change": 100}, {"metric": "a", "change": 2}),
            move("blue.push", {"metric": "b", "change": 5}),
        ],
    )
    log = play_match(sc, 1, {"red": ScriptPolicy([["red.flip"]]), "blue": ScriptPolicy([[]])})
    record = record_from_log(sc, log)
    assert record.rounds[0].metrics["switch"] == 100
    assert all(p.metric != "switch" for p in turning_points(sc, record))
    debrief = build_debrief(sc, record)
    assert debrief.outcome is not None
    assert debrief.outcome.score == outcome_score(sc, log.final.metrics)
    assert any("The country's outcome" in line for line in debrief_lines(debrief))


def test_a_viewer_sees_the_outcome_only_when_they_see_every_metric_it_reads() -> None:
    """The scoreboard must not leak a hidden metric through the outcome."""
    sc = build(outcome=OUTCOME)
    seen = {"a": 50.0, "b": 50.0, "share": 20.0, "rest": 80.0}
    assert visible_outcome(sc, seen) == outcome_score(sc, seen)
    assert visible_outcome(sc, {**seen, "b": None}) is None
    assert visible_outcome(build(), seen) is None


def test_the_scoreboard_leaks_no_hidden_metric() -> None:
    """Blue's goal reads b, which Red sees with noise and the public not at all: Red sees Blue's
    score worked out from its own noisy view, the public sees it hidden; Blue sees its own."""
    metrics = [
        {"id": "a", "name": "A", "start": 50},
        {"id": "b", "name": "B", "start": 50, "see": {"exact": ["blue"], "noisy": ["red"]}},
        *BASE["metrics"][2:],
    ]
    sc = build(metrics=metrics)
    table = {"red": 62.5, "blue": 62.5}
    red_view = {"a": 50.0, "b": 56.0, "share": 20.0, "rest": 80.0}
    public = {**red_view, "b": None}
    seen = scores_seen(sc, table, red_view, "red")
    assert seen["red"] == 62.5 and seen["blue"] == pytest.approx(100 * 56 / 80)
    assert scores_seen(sc, table, public, None) == {"red": 62.5, "blue": None}
    assert scores_seen(sc, table, public, "blue")["blue"] == 62.5
