"""A running match's record never shows another seat's covert move before it is exposed; the
seat that played it sees it, and once the match is over (the debrief) everyone does."""

from __future__ import annotations

from bot.game.match import MatchLog, play_match
from bot.game.policies import ScriptPolicy
from bot.review.build import record_from_log
from bot.review.exports import render
from bot.review.record import MatchRecord
from bot.review.redact import view_for
from tests.game.test_covert import covert_scenario

SCENARIO = covert_scenario()


def _log() -> MatchLog:
    red = ScriptPolicy([["red.bribe", "red.push"], ["red.push"], ["red.bribe"], ["red.push"]])
    blue = ScriptPolicy([["blue.push"]])
    return play_match(SCENARIO, 5, {"red": red, "blue": blue})


def _running(rounds: int) -> MatchRecord:
    log = _log()
    return record_from_log(
        SCENARIO, MatchLog(log.seed, log.start, log.opening, log.rounds[:rounds])
    )


def _mentions_bribe(record: MatchRecord) -> bool:
    orders = [o.move for r in record.rounds for t in r.turns for o in t.orders]
    sources = [e.source for r in record.rounds for e in r.records]
    return "red.bribe" in orders or "move:red.bribe" in sources


def test_before_exposure_only_the_seat_that_played_it_sees_the_covert_move() -> None:
    record = _running(2)  # b: 50 -5 +1, then +1: 47, not yet below 45
    assert _mentions_bribe(record)
    assert _mentions_bribe(view_for(record, SCENARIO, "red"))
    for viewer in ("blue", None):
        cut = view_for(record, SCENARIO, viewer)
        assert not _mentions_bribe(cut)
        assert "covert" in [e.source for e in cut.rounds[0].records]
        markdown = render(SCENARIO, cut, "markdown")
        assert "red.bribe" not in markdown and "a covert move" in markdown


def test_after_exposure_and_at_the_end_everyone_sees_it() -> None:
    exposed = _running(3)  # the second bribe takes b to 43
    assert any(e.kind == "exposed" for e in exposed.rounds[2].records)
    assert _mentions_bribe(view_for(exposed, SCENARIO, "blue"))
    whole = record_from_log(SCENARIO, _log())
    assert whole.over and _mentions_bribe(view_for(whole, SCENARIO, None))


def test_the_umpire_sees_covert_moves_but_not_hidden_metrics() -> None:
    record = _running(2)
    cut = view_for(record, SCENARIO, None, umpire=True)
    assert _mentions_bribe(cut)
    public = view_for(record, SCENARIO, None)
    assert [m.hidden for m in cut.metrics] == [m.hidden for m in public.metrics]
    assert cut.match.seed is None and cut.redacted
