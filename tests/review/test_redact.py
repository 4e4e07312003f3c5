"""While a match runs, each seat's secrets stay hidden from everyone but that seat, and no
metric a viewer cannot see leaks through values, records, scores or the seed; after it ends,
everything is shown."""

from __future__ import annotations

import json
from functools import cache

import pytest

from bot.game.view import sight
from bot.review.export_html import to_html
from bot.review.exports import FORMATS, Format, render
from bot.review.record import MatchRecord
from bot.review.redact import hidden_metrics, view_for
from tests.review.helpers import players_log, players_record, running, scenario

ROUNDS_SO_FAR = 2


@cache
def live() -> MatchRecord:
    """The players' match after two rounds, still running (unredacted)."""
    return running(players_record(), players_log(), ROUNDS_SO_FAR)


def test_the_running_record_is_running() -> None:
    assert live().match.status == "running" and not live().over and live().result is None


@pytest.mark.parametrize("viewer", [None, "upstream", "downstream", "council"])
def test_metrics_the_viewer_does_not_see_exactly_are_hidden_everywhere(viewer: str | None) -> None:
    sc = scenario()
    hidden = {m.id for m in sc.metrics if sight(m, viewer) != "exact"}
    assert hidden == hidden_metrics(sc, viewer)
    cut = view_for(live(), sc, viewer)
    assert cut.redacted and cut.viewer == viewer and cut.match.seed is None
    assert {m.id for m in cut.metrics if m.hidden} == hidden
    for values in [cut.opening.metrics, *[r.metrics for r in cut.rounds]]:
        assert {k for k, v in values.items() if v is None} == hidden
    for rec in [*cut.opening.records, *[e for r in cut.rounds for e in r.records]]:
        assert rec.metric not in hidden
    blind = {s.id for s in sc.seats if any(g.metric in hidden for g in s.goals)}
    for played in cut.rounds:
        assert {k for k, v in played.scores.items() if v is None} == blind


def test_the_tutorial_hides_trust_from_the_public_but_not_from_the_council() -> None:
    public = view_for(live(), scenario(), None)
    council = view_for(live(), scenario(), "council")
    assert public.metric("trust").hidden and public.rounds[-1].metrics["trust"] is None
    assert not council.metric("trust").hidden
    assert council.rounds[-1].metrics["trust"] == live().rounds[-1].metrics["trust"]


@pytest.mark.parametrize("viewer", [None, "upstream", "downstream", "council"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_no_export_of_a_running_match_shows_another_seats_secret_objective(
    viewer: str | None, fmt: Format
) -> None:
    sc = scenario()
    cut = view_for(live(), sc, viewer)
    # HTML without its chart images: the charts' own redaction is tested in test_charts.
    text = to_html(sc, cut, made=[]) if fmt == "html" else render(sc, cut, fmt)
    for seat in sc.seats:
        for objective in seat.objectives:
            assert (objective.text in text) == (
                seat.id == viewer and fmt not in ("csv", "gradebook")
            )
    if fmt == "json":
        assert "seed" not in json.loads(text)["match"]
        assert "state" not in text


def test_the_seat_sees_its_own_objectives() -> None:
    cut = view_for(live(), scenario(), "upstream")
    assert cut.seat("upstream").objectives is not None
    assert [o.text for o in cut.seat("upstream").objectives or []] == [
        o.text for o in scenario().seat("upstream").objectives
    ]
    assert all(s.objectives is None for s in cut.seats if s.id != "upstream")


def test_a_finished_match_is_shown_whole_to_everyone() -> None:
    record = players_record()
    for viewer in (None, "downstream"):
        cut = view_for(record, scenario(), viewer)
        assert not cut.redacted
        assert cut.model_copy(update={"viewer": None}) == record
