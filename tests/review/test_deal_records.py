"""Deals and conditional orders in the match record: the lifecycle, whether a conditional order
ran, the replay that rebuilds the deals, and the redaction that keeps talks private."""

from __future__ import annotations

from functools import cache

from bot.game.match import MatchLog, play_match
from bot.game.policies import Conditional, Policy, ScriptPolicy
from bot.game.scenario import Scenario
from bot.review.build import record_from_log
from bot.review.record import MatchRecord
from bot.review.redact import view_for
from bot.review.replay import replay_problems
from bot.scenarios import read_scenario


@cache
def _default() -> Scenario:
    """The default scenario with a quarter of the rounds opening with the AI's talks."""
    sc = read_scenario(None)[0]
    return sc.model_copy(update={"rules": sc.rules.model_copy(update={"ai_talks": 0.25})})


@cache
def _log() -> MatchLog:
    offer = Conditional("us.relief_for_openings", ("maduro.electoral_guarantees",))
    policies: dict[str, Policy] = {"us": ScriptPolicy([[offer]])}
    return play_match(_default(), 11, policies)


@cache
def _record() -> MatchRecord:
    return record_from_log(_default(), _log())


def test_the_record_lists_every_deal_with_its_lifecycle() -> None:
    record = _record()
    assert record.deals
    assert [d.id for d in record.deals] == [d.id for d in _log().final.deals]
    for deal in record.deals:
        assert deal.events[0].status == "proposed" and deal.events[0].seat == deal.proposer
        assert deal.status == deal.to_engine().status


def test_a_conditional_order_keeps_its_condition_and_whether_it_ran() -> None:
    record = _record()
    ran = set()
    for played in record.rounds:
        us = next(t for t in played.turns if t.seat == "us")
        for order in us.orders:
            assert order.conditions == ["maduro.electoral_guarantees"]
            maduro = next(t for t in played.turns if t.seat == "maduro")
            assert order.ran == any(o.move == "maduro.electoral_guarantees" for o in maduro.orders)
            ran.add(order.ran)
    assert ran == {True, False}  # both happen in this match


def test_a_record_with_deals_replays_exactly() -> None:
    assert replay_problems(_default(), _record()) == []


def test_a_record_without_its_deals_does_not_replay() -> None:
    cut = _record().model_copy(update={"deals": []})
    assert replay_problems(_default(), cut) != []


def test_a_running_match_shows_a_seat_only_the_deals_it_is_party_to() -> None:
    log = _log()
    cut = MatchLog(log.seed, log.start, log.opening, log.rounds[:5])
    running = record_from_log(_default(), cut)
    assert running.deals
    for seat in _default().seat_ids:
        seen = view_for(running, _default(), seat).deals
        assert seen == [d for d in running.deals if seat in d.parties]
    assert view_for(running, _default(), None).deals == []


def test_the_debrief_quotes_kept_and_broken_deals() -> None:
    from bot.review.debrief import build_debrief
    from bot.review.debrief_text import debrief_lines

    debrief = build_debrief(_default(), _record(), what_if_seeds=0)
    ended = [d for d in _record().deals if d.status in ("kept", "broken", "lapsed")]
    assert len(debrief.deals) == len(ended) > 0
    text = "\n".join(debrief_lines(debrief))
    assert "**Deals kept and broken**" in text
    assert ended[0].text in text
    short = "\n".join(debrief_lines(debrief, short=True))
    assert short.count("“") <= text.count("“")


def test_the_exports_show_the_deals_timeline() -> None:
    from bot.review.export_html import to_html
    from bot.review.export_markdown import to_markdown

    record = _record()
    deal = record.deals[0]
    markdown = to_markdown(_default(), record)
    assert "## Deals" in markdown
    assert f"Round {deal.events[0].round}: proposed by" in markdown
    page = to_html(_default(), record, made=[])
    assert '<section id="deals">' in page and "proposed by" in page
    bare = record.model_copy(update={"deals": []})
    assert "## Deals" not in to_markdown(_default(), bare)


def test_a_record_with_deals_can_be_forked_for_the_debriefs_what_if() -> None:
    from bot.review.what_if import stored_from_record

    stored = stored_from_record(_default(), _record())
    assert stored is not None
    assert stored.states[-1].deals == _log().final.deals  # the deals are made again
