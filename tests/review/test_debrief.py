"""The debrief: scores against goals, the three biggest turning points with their causes (from
the engine's records), the notes tied to what happened, and three questions."""

from __future__ import annotations

from functools import cache

import pytest

from bot.game.match import play_match
from bot.game.policies import ScriptPolicy
from bot.game.scenario import Scenario
from bot.game.scoring import scores
from bot.review.build import record_from_log
from bot.review.debrief import build_debrief, pick_questions
from bot.review.debrief_text import debrief_lines
from bot.review.record import MatchRecord
from tests.game.builder import build, move
from tests.review.helpers import players_log, players_record, running, scenario, tutorial_record


@cache
def story_scenario() -> Scenario:
    """Red surges in round 2 (an interaction fires with Blue's push), a storm opens round 3,
    and the match ends by its ending after round 3."""
    return build(
        moves=[
            move("red.push", {"metric": "a", "change": 5}, argument="Steady does it."),
            move(
                "red.surge",
                {"metric": "a", "change": 30},
                argument="Go big now.",
                debrief="Surges pay off.",
            ),
            move("blue.push", {"metric": "b", "change": 5}, argument="Hold the line."),
            move("blue.unused", {"metric": "b", "change": 1}, debrief="Never played."),
        ],
        interactions=[
            {
                "id": "combo",
                "name": "Combo",
                "when": 'played("red.surge") and played("blue.push")',
                "effects": [{"metric": "b", "change": -10}],
                "text": "They collide.",
                "debrief": "Combos bite.",
            }
        ],
        events=[
            {
                "id": "storm",
                "name": "Storm",
                "kind": "scheduled",
                "round": 3,
                "effects": [{"metric": "a", "change": -20}],
                "text": "A storm.",
                "debrief": "Storms happen.",
            }
        ],
        endings=[
            {
                "id": "boom",
                "name": "Boom",
                "condition": "a >= 70",
                "earliest_round": 3,
                "text": "It is over.",
                "debrief": "Boom came early.",
            }
        ],
        debrief={
            "notes": [
                {"text": "Always shown."},
                {"text": "A ended high.", "when": "a > 60"},
                {"text": "B ended very high.", "when": "b > 90"},
            ],
            "questions": [
                "Who had the most to lose?",
                "Was the surge worth the storm that followed?",
                "What would you change next time?",
                "Did the combo hurt Blue more than it helped Red?",
                "Was the ending fair?",
            ],
        },
    )


@cache
def story_record() -> MatchRecord:
    sc = story_scenario()
    log = play_match(
        sc,
        1,
        {
            "red": ScriptPolicy([["red.push"], ["red.surge"], ["red.push"]]),
            "blue": ScriptPolicy([["blue.push"]]),
        },
    )
    return record_from_log(sc, log)


def expected_turning_points(sc: Scenario, record: MatchRecord) -> list[tuple[int, str]]:
    """The biggest moves computed from the states alone: |change| over the metric's range."""
    moves = []
    before = record.opening.metrics
    for played in record.rounds:
        for index, metric in enumerate(sc.metrics):
            old, new = before[metric.id], played.metrics[metric.id]
            assert old is not None and new is not None
            if new != old:
                moves.append((-abs(new - old) / (metric.max - metric.min), played.round, index))
        before = played.metrics
    ranked = [(rnd, sc.metrics[index].id) for _, rnd, index in sorted(moves)]
    chosen: list[tuple[int, str]] = []
    for rnd, metric_id in ranked:  # one per metric first, then the next biggest
        if len(chosen) < 3 and all(m != metric_id for _, m in chosen):
            chosen.append((rnd, metric_id))
    chosen += [m for m in ranked if m not in chosen][: 3 - len(chosen)]
    order = [m.id for m in sc.metrics]
    return sorted(chosen, key=lambda c: (c[0], order.index(c[1])))


@pytest.mark.parametrize("which", ["story", "tutorial"])
def test_turning_points_are_the_biggest_moves_and_their_causes_add_up(which: str) -> None:
    sc, record = (
        (story_scenario(), story_record()) if which == "story" else (scenario(), tutorial_record())
    )
    debrief = build_debrief(sc, record)
    assert [(p.round, p.metric) for p in debrief.turning_points] == expected_turning_points(
        sc, record
    )
    for point in debrief.turning_points:
        before = record.round(point.round - 1).metrics if point.round > 1 else None
        assert point.before == (before or record.opening.metrics)[point.metric]
        assert point.after == record.round(point.round).metrics[point.metric]
        assert sum(c.delta for c in point.causes) == pytest.approx(point.change)


def test_a_turning_point_names_the_move_and_quotes_its_argument() -> None:
    debrief = build_debrief(story_scenario(), story_record())
    round_two = next(p for p in debrief.turning_points if (p.round, p.metric) == (2, "a"))
    assert round_two.causes[0].name == "red.surge" and round_two.causes[0].seat_name == "Red"
    assert round_two.causes[0].delta == 30 and round_two.causes[0].argument == "Go big now."
    assert [c.name for c in round_two.causes] == ["red.surge", "Storm"]


def test_notes_are_the_scenarios_that_hold_and_those_of_what_happened() -> None:
    record = story_record()
    assert record.result is not None and record.result.ending == "boom"
    notes = build_debrief(story_scenario(), record).notes
    assert [(n.kind, n.text, n.rounds) for n in notes] == [
        ("scenario", "Always shown.", ()),
        ("scenario", "A ended high.", ()),
        ("move", "Surges pay off.", (2,)),
        ("interaction", "Combos bite.", (2,)),
        ("event", "Storms happen.", (3,)),
        ("ending", "Boom came early.", (3,)),
    ]


def test_questions_prefer_what_happened_and_keep_the_authors_order() -> None:
    sc = story_scenario()
    # the surge and the storm (2 words), the combo (1), then the first unrelated question
    assert build_debrief(sc, story_record()).questions == [
        "Who had the most to lose?",
        "Was the surge worth the storm that followed?",
        "Did the combo hurt Blue more than it helped Red?",
    ]
    assert pick_questions(sc, []) == sc.debrief.questions[:3]


def test_scores_are_the_engines_and_add_up_from_goals_objectives_and_bonus() -> None:
    sc, record = scenario(), tutorial_record()
    assert record.result is not None and record.result.state is not None
    final = record.result.final_state()
    assert final is not None
    debrief = build_debrief(sc, record)
    assert {s.seat: s.score for s in debrief.seats} == scores(sc, final)
    for seat in debrief.seats:
        objectives = sum(o.points for o in seat.objectives if o.met)
        assert seat.objective_points == objectives
        assert seat.goal_points + objectives + seat.bonus == pytest.approx(seat.score, abs=1e-3)
        assert seat.winner == (seat.seat in record.result.winners)


def test_there_is_no_debrief_while_the_match_runs() -> None:
    with pytest.raises(ValueError):
        build_debrief(scenario(), running(players_record(), players_log(), 2))


@pytest.mark.parametrize("name", ["venezuela-2021", "iran-2013"])
def test_the_short_debrief_fits_discord_messages(name: str) -> None:
    from bot.discord import limits

    sc = scenario(name)
    debrief = build_debrief(sc, record_from_log(sc, play_match(sc, 11)))
    lines = debrief_lines(debrief, short=True)
    assert "**Questions for discussion**" in lines and len(debrief.questions) == 3
    chunks = limits.split_text(lines, 4000)
    assert len(chunks) <= 3 and all(len(c) <= limits.EMBED_DESCRIPTION for c in chunks)
    assert len(debrief.key_notes) < len(debrief.notes)
