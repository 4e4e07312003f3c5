"""Deals in a stored match (``DealService``): proposed, answered and countered between rounds,
resolved with the round, settled in the stored state, and kept in the record with who acted
and when. The tutorial plays them: upstream and downstream are people, the council the AI."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.game.deal_state import Term
from bot.game.deals import DealRefused
from bot.review.deal_timeline import deal_timelines
from bot.review.from_store import load_record
from bot.services import Actor, ManualClock, Services
from bot.services.errors import InvalidInput, NotAllowed, NotSeated
from bot.services.models import SYSTEM, Match
from tests.services.helpers import ANA, BEN, CAT, MOD, started, tutorial_sha

TALKS = "\nrules:\n  ai_talks: 1\n  deal_breach_cost: 5\n"


def _talks_scenario(tmp_path: Path) -> Path:
    """The tutorial with the AI's talks on and a breach cost (a copy: the shipped one is not)."""
    text = Path("content/scenarios/tutorial.yaml").read_text(encoding="utf-8") + TALKS
    path = tmp_path / "tutorial-talks.yaml"
    path.write_text(text, encoding="utf-8")
    return path


async def _match(services: Services, tmp_path: Path, *, talks: bool = False) -> Match:
    """Ana upstream, Ben downstream, the council played by the AI."""
    if talks:
        sha = (await services.scenarios.add_builtin(str(_talks_scenario(tmp_path)))).sha256
        match = await services.matches.create(ANA, sha, seed=11, guild_id="g1", channel_id="c1")
        for seat, who in (("upstream", ANA), ("downstream", BEN)):
            await services.matches.take_seat(match.id, who, seat)
        return await services.matches.start(match.id, ANA)
    return await started(services, {"upstream": ANA, "downstream": BEN})


def _as(actor: Actor) -> Actor:
    return Actor(actor.player, actor.name, guild_id="g1", front="discord")


EXCHANGE = [Term("upstream", "upstream.talks", 1, 1), Term("downstream", "downstream.talks", 1, 1)]


async def test_an_escrow_between_two_people_runs_when_both_order_their_moves(
    services: Services, tmp_path: Path, clock: ManualClock
) -> None:
    match = await _match(services, tmp_path)
    deal = await services.deals.propose(match.id, ANA, EXCHANGE, "escrow", "talk for talk")
    assert deal.status == "proposed" and deal.accepted_by == ("upstream",)
    waiting = await services.deals.of_seat(match.id, BEN)
    assert [d.id for d in waiting.waiting] == [deal.id]
    clock.advance(60)
    done = await services.deals.answer(match.id, BEN, deal.id, True)
    assert done.status == "active"
    await services.orders.submit(match.id, ANA, [("upstream.talks", "we talk")])
    await services.orders.submit(match.id, BEN, [("downstream.talks", "so do we")])
    outcome = await services.rounds.resolve_if_ready(match.id, ANA)
    assert outcome is not None
    ran = {r.source for r in outcome.records if r.kind == "order"}
    assert {"move:upstream.talks", "move:downstream.talks"} <= ran
    settled = next(d for d in outcome.state.deals if d.id == deal.id)
    assert settled.status == "kept"
    assert (await services.verify_replay(match.id, MOD)).ok

    _scenario, record = await load_record(services.store, match.id)
    timed = next(d for d in record.deals if d.id == deal.id)
    assert timed.proposed_by == ANA.player
    by_status = {e.status: e for e in timed.events}
    assert by_status["proposed"].player == ANA.player and by_status["proposed"].at is not None
    assert by_status["accepted"].player == BEN.player
    assert by_status["accepted"].at is not None and by_status["proposed"].at is not None
    assert by_status["accepted"].at > by_status["proposed"].at
    assert by_status["kept"].at == record.rounds[0].resolved_at
    (_heading, lines), *_rest = deal_timelines(record)
    assert lines[0].startswith("Round 1 at ") and "proposed by Upstream" in lines[0]


async def test_an_escrow_lapses_when_one_side_leaves_its_move_out(
    services: Services, tmp_path: Path
) -> None:
    match = await _match(services, tmp_path)
    deal = await services.deals.propose(match.id, ANA, EXCHANGE, "escrow")
    await services.deals.answer(match.id, BEN, deal.id, True)
    await services.orders.submit(match.id, ANA, [("upstream.talks", "we talk")])
    await services.orders.submit(match.id, BEN, [("downstream.irrigate", "not today")])
    outcome = await services.rounds.resolve_if_ready(match.id, ANA)
    assert outcome is not None
    assert "move:upstream.talks" not in {r.source for r in outcome.records if r.kind == "order"}
    assert any(r.kind == "held" and r.source == "move:upstream.talks" for r in outcome.records)
    assert next(d for d in outcome.state.deals if d.id == deal.id).status == "lapsed"


async def test_breaking_a_promise_is_warned_before_and_costs_after(
    services: Services, tmp_path: Path
) -> None:
    match = await _match(services, tmp_path, talks=True)
    deal = await services.deals.propose(match.id, ANA, EXCHANGE, "promise", "both talk")
    await services.deals.answer(match.id, BEN, deal.id, True)
    stake = await services.deals.at_stake(match.id, BEN, ["downstream.irrigate"])
    assert [(s.deal.id, s.breach, s.cost, s.credibility) for s in stake] == [
        (deal.id, True, 5.0, 15.0)
    ]
    assert await services.deals.at_stake(match.id, BEN, ["downstream.talks"]) == []
    await services.orders.submit(match.id, ANA, [("upstream.talks", "we talk")])
    await services.orders.submit(match.id, BEN, [("downstream.irrigate", "water first")])
    outcome = await services.rounds.resolve_if_ready(match.id, ANA)
    assert outcome is not None
    breach = [r for r in outcome.records if r.kind == "breach"]
    assert [(r.seat, r.delta) for r in breach] == [("downstream", -5.0)]
    assert outcome.state.credibility["downstream"] == 35.0
    assert outcome.state.penalties["downstream"] == 5.0
    assert next(d for d in outcome.state.deals if d.id == deal.id).status == "broken"
    assert (await services.verify_replay(match.id, MOD)).ok


async def test_the_ai_answers_at_once_and_offers_deals_when_a_round_opens(
    services: Services, tmp_path: Path
) -> None:
    match = await _match(services, tmp_path, talks=True)
    mine = await services.deals.of_seat(match.id, ANA)
    offers = [d for d in mine.waiting if d.proposer == "council"]
    assert offers, "with ai_talks 1 the council offers the upstream seat a deal"
    assert all("upstream" in d.parties for d in offers)
    again = await services.deals.open_round(match.id)
    assert again == [], "a round's talks open once"
    asked = await services.deals.propose(
        match.id,
        ANA,
        [Term("upstream", "upstream.talks", 1, 1), Term("council", "council.mediate", 1, 1)],
        "escrow",
    )
    assert asked.status in ("active", "rejected"), "the AI answered at once"
    assert "council" in asked.accepted_by or asked.status == "rejected"


async def test_a_counter_replaces_the_proposal(services: Services, tmp_path: Path) -> None:
    match = await _match(services, tmp_path)
    first = await services.deals.propose(match.id, ANA, EXCHANGE, "promise")
    terms = [Term("downstream", "downstream.talks", 1, 1), Term("upstream", "upstream.talks", 1, 2)]
    counter = await services.deals.counter(match.id, BEN, first.id, terms, "escrow", "longer")
    seen = await services.deals.of_seat(match.id, ANA)
    by_id = {d.id: d for d in seen.deals}
    assert by_id[first.id].status == "rejected"
    assert by_id[counter.id].status == "proposed" and by_id[counter.id].proposer == "downstream"
    steps = await services.deals.steps(match.id, SYSTEM)
    assert [s.replaces for s in steps if s.deal_id == counter.id] == [first.id]


async def test_deals_refuse_what_the_rules_do_not_allow(services: Services, tmp_path: Path) -> None:
    match = await _match(services, tmp_path)
    with pytest.raises(NotSeated):
        await services.deals.propose(match.id, CAT, EXCHANGE, "escrow")
    with pytest.raises(InvalidInput, match="at most 300"):
        await services.deals.propose(match.id, ANA, EXCHANGE, "escrow", "x" * 301)
    with pytest.raises(DealRefused, match="not a move of a party"):
        await services.deals.propose(
            match.id,
            ANA,
            [
                Term("upstream", "downstream.talks", 1, 1),
                Term("downstream", "downstream.talks", 1, 1),
            ],
            "promise",
        )
    with pytest.raises(DealRefused, match="two or more"):
        await services.deals.propose(
            match.id, ANA, [Term("upstream", "upstream.talks", 1, 1)], "promise"
        )
    deal = await services.deals.propose(match.id, ANA, EXCHANGE, "escrow")
    with pytest.raises(DealRefused, match="already accepted"):
        await services.deals.answer(match.id, ANA, deal.id, True)
    with pytest.raises(InvalidInput, match="no deal"):
        await services.deals.answer(match.id, BEN, "d99", True)
    with pytest.raises(DealRefused, match="covers rounds"):  # a round that has passed
        await services.deals.propose(
            match.id, ANA, [EXCHANGE[0], Term("downstream", "downstream.talks", 0, 0)], "promise"
        )


async def test_in_a_team_only_the_captain_makes_deals(services: Services) -> None:
    sha = (await services.scenarios.add_builtin("tutorial")).sha256
    match = await services.matches.create(ANA, sha, seed=3, team_size=2)
    for who in (ANA, CAT):
        await services.matches.take_seat(match.id, who, "upstream")
    await services.matches.take_seat(match.id, BEN, "downstream")
    await services.matches.start(match.id, ANA)
    with pytest.raises(NotAllowed, match="captain"):
        await services.deals.propose(match.id, CAT, EXCHANGE, "escrow")
    assert (await services.deals.propose(match.id, ANA, EXCHANGE, "escrow")).status == "proposed"


async def test_talk_threads_are_remembered_per_pair(services: Services, tmp_path: Path) -> None:
    match = await _match(services, tmp_path)
    room = await services.deals.talk_thread(match.id, _as(ANA), "downstream")
    assert room.thread is None and set(room.players) == {ANA.player, BEN.player}
    await services.deals.set_talk_thread(match.id, _as(ANA), "downstream", "777")
    back = await services.deals.talk_thread(match.id, _as(BEN), "upstream")
    assert back.thread is not None and back.thread.thread_id == "777"
    with pytest.raises(InvalidInput):
        await services.deals.talk_thread(match.id, _as(ANA), "upstream")


async def test_a_deal_of_three_seats_rejected_after_one_accepted_replays(
    services: Services,
) -> None:
    match = await started(services, {"upstream": ANA, "downstream": BEN, "council": CAT})
    terms = [*EXCHANGE, Term("council", "council.mediate", 1, 1)]
    deal = await services.deals.propose(match.id, ANA, terms, "promise", "all three")
    assert (await services.deals.answer(match.id, BEN, deal.id, True)).status == "proposed"
    rejected = await services.deals.answer(match.id, CAT, deal.id, False)
    assert rejected.status == "rejected" and rejected.accepted_by == ("upstream", "downstream")
    await services.rounds.resolve(match.id, 1, MOD)
    assert (await services.verify_replay(match.id, MOD)).ok


async def test_an_ai_offer_in_a_server_is_queued_once_for_the_asked_seat(
    services: Services, tmp_path: Path
) -> None:
    match = await _match(services, tmp_path, talks=True)
    offers = list((await services.deals.of_seat(match.id, ANA)).waiting)
    queued = [a for a in await services.outbox.of_match(match.id) if a.kind == "deal_offer"]
    assert [(a.payload["deal"], a.payload["seat"]) for a in queued] == [
        (d.id, "upstream") for d in offers
    ]
    assert queued[0].payload["proposer"] == "council" and queued[0].round == 1
    assert await services.deals.open_round(match.id) == []
    again = [a for a in await services.outbox.of_match(match.id) if a.kind == "deal_offer"]
    assert len(again) == len(queued), "a round's offers are queued once"
    deal_id = offers[0].id
    assert (await services.deals.current(match.id, ANA, deal_id)) == offers[0]
    assert await services.deals.current(match.id, BEN, deal_id) is None, "not Ben's deal"
    assert await services.deals.current(match.id, SYSTEM, "d99") is None


async def test_a_finished_match_resolved_again_answers_already_resolved(
    services: Services,
) -> None:
    """A deadline that fires again for the last round, already resolved (a kill between the
    store and the timer's end), with a deal proposed in that round: the round's talks were
    replayed on the finished state and refused ("the match is over") instead of answering."""
    sha = await tutorial_sha(services)
    match = await services.matches.create(
        ANA, sha, seed=11, rounds=1, guild_id="g1", channel_id="c1"
    )
    for seat, who in (("upstream", ANA), ("downstream", BEN)):
        await services.matches.take_seat(match.id, who, seat)
    await services.matches.start(match.id, ANA)
    deal = await services.deals.propose(match.id, ANA, EXCHANGE, "escrow", "talk for talk")
    first = await services.rounds.resolve(match.id, 1, ANA)
    assert (await services.matches.get(match.id, SYSTEM)).phase == "finished"
    again = await services.rounds.resolve(match.id, 1, SYSTEM, trigger="deadline")
    assert again.already_resolved and not first.already_resolved
    assert again.state == first.state
    # the deal can still be looked at after the end, as it was settled
    seen = await services.deals.current(match.id, BEN, deal.id)
    assert seen is not None and seen.status == next(
        d.status for d in first.state.deals if d.id == deal.id
    )
