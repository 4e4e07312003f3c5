"""The debrief's *What if*: each turning point caused by a move, forked without that move, with
its interval; in the Markdown, HTML and JSON exports and the Discord debrief pages."""

from __future__ import annotations

import json
from functools import cache

import pytest

from bot.game.fork import Changes, fork, interval
from bot.game.match import play_match
from bot.review.build import record_from_log
from bot.review.debrief import build_debrief, turning_points
from bot.review.exports import render
from bot.review.pages import debrief_post
from bot.review.record import MatchRecord, WhatIfInfo
from bot.review.redact import view_for
from bot.review.what_if import DEBRIEF_BATCH, DEBRIEF_SEEDS, stored_from_record, what_if_text
from tests.review.helpers import players_log, players_record, running, scenario, tutorial_record


@cache
def default_record(seed: int = 5) -> MatchRecord:
    sc = scenario("venezuela-2021")
    return record_from_log(sc, play_match(sc, seed))


@pytest.mark.parametrize("which", ["tutorial", "venezuela-2021"])
def test_each_fork_drops_the_move_behind_its_turning_point_and_reports_the_paired_change(
    which: str,
) -> None:
    sc = scenario(which)
    record = tutorial_record() if which == "tutorial" else default_record()
    stored = stored_from_record(sc, record)
    assert stored is not None
    debrief = build_debrief(sc, record)
    assert debrief.what_if, "a turning point of this match was caused by a move"
    points = {(p.round, p.metric): p for p in debrief.turning_points}
    for item in debrief.what_if:
        point = points[(item.round, item.metric)]
        first_move = next(c for c in point.causes if c.source.startswith("move:"))
        assert item.move == first_move.source.removeprefix("move:")
        assert item.from_round == (first_move.delayed_from or point.round)
        assert item.seeds % DEBRIEF_BATCH == 0 and DEBRIEF_BATCH <= item.seeds <= DEBRIEF_SEEDS
        again = fork(sc, stored, item.from_round, item.seeds, Changes(drop=frozenset({item.move})))
        change, width = interval(again.paired(metric=item.metric))
        assert (item.metric_change, item.metric_interval) == (round(change, 3), round(width, 3))
        change, width = interval(again.paired(seat=item.seat))
        assert (item.score_change, item.score_interval) == (round(change, 3), round(width, 3))


def test_the_what_if_is_in_the_markdown_html_and_json_exports() -> None:
    sc, record = scenario(), tutorial_record()
    debrief = build_debrief(sc, record)
    sentences = [what_if_text(w) for w in debrief.what_if]
    markdown = render(sc, record, "markdown")
    assert "**What if**" in markdown
    assert all(s.split(",")[0] in markdown for s in sentences)
    html = render(sc, record, "html")
    assert 'id="what-if"' in html and all(s.split(",")[0] in html for s in sentences)
    exported = MatchRecord.from_json(render(sc, record, "json"))
    assert exported.what_if == debrief.what_if
    assert exported.model_copy(update={"what_if": None}) == record


def test_the_sentence_says_which_way_by_how_much_and_over_how_many_seeds() -> None:
    item = WhatIfInfo(
        round=2,
        metric="regime_cohesion",
        metric_name="Regime cohesion",
        move="us.drug_indictments",
        move_name="Drug indictments",
        seat="us",
        seat_name="United States",
        from_round=2,
        seeds=20,
        metric_change=-12.04,
        metric_interval=4.1,
        score_change=0.3,
        score_interval=1.2,
    )
    assert what_if_text(item) == (
        "Without Drug indictments (United States) in round 2, Regime cohesion ends 12.0 ± 4.1 "
        "lower, and United States' score about the same (+0.3 ± 1.2 points) "
        "(20 seeds, 95% interval)."
    )
    again = item.model_copy(update={"again": True, "seat_name": "Guaido", "metric_interval": 0})
    assert what_if_text(again).startswith(
        "Without Drug indictments (Guaido) from round 2 on, Regime cohesion ends 12.0 lower, "
        "and Guaido's score"
    )


def test_no_what_if_without_a_seed_for_a_match_stopped_early_or_a_record_that_does_not_replay() -> (
    None
):
    sc, record = scenario(), tutorial_record()
    assert build_debrief(sc, record, what_if_seeds=0).what_if == []
    unseeded = record.model_copy(update={"match": record.match.model_copy(update={"seed": None})})
    assert build_debrief(sc, unseeded).what_if == []
    ended = record.model_copy(update={"match": record.match.model_copy(update={"status": "ended"})})
    assert build_debrief(sc, ended).what_if == []
    last = record.rounds[-1]
    bent = last.model_copy(update={"metrics": {**last.metrics, "power": 1.0}})
    tampered = record.model_copy(update={"rounds": [*record.rounds[:-1], bent]})
    assert stored_from_record(sc, tampered) is None
    assert build_debrief(sc, tampered).what_if == []


def test_a_running_match_exports_no_what_if() -> None:
    sc = scenario()
    cut = view_for(running(players_record(), players_log(), 2), sc, None)
    assert "what_if" not in json.loads(render(sc, cut, "json"))


async def test_the_discord_debrief_pages_carry_the_what_if() -> None:
    sc, record = scenario(), tutorial_record()
    post = await debrief_post(sc, record)
    text = "\n".join(page.text for page in post.pages)
    assert "**What if**" in text and "95% interval" in text
    assert [p.metric for p in turning_points(sc, record)] == [
        p.metric for p in build_debrief(sc, record).turning_points
    ]
