"""The Discord pages: the log a round per page and the debrief post, each within Discord's
limits, showing a running match only as its viewer may see it."""

from __future__ import annotations

import pytest

from bot.discord import limits
from bot.game.match import play_match
from bot.review.build import record_from_log
from bot.review.pages import PAGE_TEXT, debrief_post, log_pages
from bot.review.redact import view_for
from tests.review.helpers import (
    HOSTILE,
    players_log,
    players_record,
    running,
    scenario,
    tutorial_record,
)


def _fits(title: str, text: str) -> None:
    assert len(title) <= limits.EMBED_TITLE
    assert len(text) <= min(PAGE_TEXT, limits.EMBED_DESCRIPTION)
    assert len(title) + len(text) + len(limits.fit("page 99/99 · match 999999", 100)) <= (
        limits.EMBED_TOTAL
    )


@pytest.mark.parametrize("name", ["venezuela-2021", "iran-2013"])
@pytest.mark.parametrize("seed", [1, 2021])
def test_every_log_page_of_the_six_seat_scenarios_fits(name: str, seed: int) -> None:
    sc = scenario(name)
    record = record_from_log(sc, play_match(sc, seed))
    pages = log_pages(sc, record)
    assert sorted({p.round for p in pages}) == list(range(len(record.rounds) + 1))
    assert [p.round for p in pages] == sorted(p.round for p in pages)
    for page in pages:
        _fits(page.title, page.text)
    turns = sum(len(t.orders) for r in record.rounds for t in r.turns)
    assert sum(p.text.count(" AP)") for p in pages) == turns  # every order is on a page


def test_a_seat_page_shows_only_that_seat() -> None:
    record = players_record()
    pages = log_pages(scenario(), record, seat="downstream")
    text = "\n".join(p.text for p in pages)
    assert "Downstream town" in text and "Upstream town" not in text
    assert HOSTILE.splitlines()[0] not in text  # arguments are escaped
    assert "\\*\\*bold\\*\\*" in text


def test_a_running_match_log_hides_what_the_public_cannot_see() -> None:
    sc = scenario()
    cut = view_for(running(players_record(), players_log(), 2), sc, None)
    text = "\n".join(p.text for p in log_pages(sc, cut))
    assert "Trust between the towns: hidden" in text
    assert "Trust between the towns +" not in text and "Trust between the towns -" not in text
    for seat in sc.seats:
        for objective in seat.objectives:
            assert objective.text not in text


async def test_the_debrief_post_fits_and_carries_the_charts() -> None:
    post = await debrief_post(scenario(), tutorial_record())
    assert post.pages and [c.filename for c in post.charts] == [
        "match-scores.png",
        "match-metrics.png",
    ]
    for page in post.pages:
        _fits(page.title, page.text)
    assert "Questions for discussion" in post.pages[-1].text
