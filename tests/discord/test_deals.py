"""Deals in a server, as transcripts (the default scenario: United States and Maduro played by
Ana and Ben, the other seats by the AI).

1. Ana opens private talks with Maduro's seat: a private thread holds Ana and Ben only. She
   proposes an escrow there (relief for openings against electoral guarantees); Ben accepts in
   the thread; both order their moves and the reveal says the escrow ran.
2. Without a thread, Ana's promise reaches Ben through ``/deal list``; he accepts, then orders
   something else: Submit asks first and says the cost; he confirms; the reveal announces the
   broken promise and the scoreboard shows credibility.
3. A server that forbids private threads: ``/deal talks`` says so and points to the fallback.

These transcripts are about the deals people make, so they play a copy of the built-in
scenarios with the AI's own talks off (the default scenario has ``rules.ai_talks`` on, and the
AI's deals would take the first ids); AI offers have their own transcripts below, on the
tutorial with talks on.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.services.models import SYSTEM, Actor
from tests.discord import transcript as t
from tests.discord.fake.payloads import FakeUser
from tests.discord.fake.state import Sent
from tests.discord.harness import Harness
from tests.discord.test_refusals import refused

RELIEF, GUARANTEES = "us.relief_for_openings", "maduro.electoral_guarantees"


pytestmark = pytest.mark.usefixtures("no_ai_talks")


def _reveal(h: Harness) -> str:
    return "\n".join(m.text() for m in h.channel_messages(t.thread_id(h)))


def _private_threads(h: Harness) -> dict[str, int]:
    return {c["name"]: int(c["id"]) for c in h.http.channels.values() if c["type"] == 12}


async def _order(h: Harness, user: FakeUser, move: str, argument: str) -> Sent:
    panel = await t.open_panel(h, user)
    await t.add_move(h, user, panel, move, argument)
    return panel


async def test_two_seats_make_an_escrow_in_private_talks_and_it_runs(harness: Harness) -> None:
    h = harness
    ana, ben, zoe = h.user("Ana"), h.user("Ben"), h.user("Zoe")
    await t.start_two_player_match(h, ana, ben)

    opened = t.accepted(await h.slash(ana, "deal talks", seat="maduro"))
    assert "Private talks opened" in opened.text
    threads = _private_threads(h)
    assert len(threads) == 1
    talks = next(iter(threads.values()))
    assert h.http.thread_members[talks] == {ana.id, ben.id}, "only the two seats' players"
    again = await h.slash(ben, "deal talks", seat="us")
    assert f"<#{talks}>" in again.text, "the pair has one thread"

    sent = t.accepted(
        await h.slash(
            ana,
            "deal propose",
            seat="maduro",
            give=RELIEF,
            get=GUARANTEES,
            kind="escrow",
            text="Relief only in exchange for openings",
        )
    )
    assert "Sent to Maduro government" in sent.text
    proposal = h.channel_messages(talks)[-1]
    assert "Relief only in exchange for openings" in proposal.text()
    assert "escrow" in proposal.text()
    refused(await h.click(ana, proposal, label="Accept d1"), "already accepted")
    answered = t.accepted(await h.click(ben, proposal, label="Accept d1"))
    assert "in force" in answered.text
    assert "Ben accepted deal d1" in h.channel_messages(talks)[-1].text()

    panel = await _order(h, ana, RELIEF, "Relief, against guarantees.")
    listed = panel.text()
    assert "Your deals" in listed
    assert "d1 (escrow): United States plays Offer relief for openings" in listed
    t.accepted(await h.click(ana, panel, label="Submit"))
    panel = await _order(h, ben, GUARANTEES, "Guarantees, against relief.")
    t.accepted(await h.click(ben, panel, label="Submit"))

    match = await h.runtime.services.matches.get(1, SYSTEM)
    assert match.round == 2, "both seats in: the round resolved"
    await h.runtime.announcer.flush()
    shown = _reveal(h)
    assert "The escrow between United States and Maduro government ran" in shown
    outcome = await h.runtime.services.rounds.get(1, 1, SYSTEM)
    ran = {r.source for r in outcome.records if r.kind == "order"}
    assert {f"move:{RELIEF}", f"move:{GUARANTEES}"} <= ran
    assert (await h.runtime.services.verify_replay(1, SYSTEM)).ok

    seen = "\n".join(h.texts_seen_by(zoe))
    assert "Relief only in exchange for openings" not in seen, "the talks stay private"


async def test_a_broken_promise_is_confirmed_then_announced(harness: Harness) -> None:
    h = harness
    ana, ben = h.user("Ana"), h.user("Ben")
    await t.start_two_player_match(h, ana, ben)
    sent = t.accepted(
        await h.slash(
            ana,
            "deal propose",
            seat="maduro",
            give="us.engage_government",
            get="maduro.join_talks",
            kind="promise",
            text="We engage, you join the talks",
        )
    )
    assert "/deal list" in sent.text, "no private thread: the fallback is named"
    listed = await h.slash(ben, "deal list")
    assert listed.ephemeral and "We engage, you join the talks" in listed.text
    t.accepted(await h.click(ben, listed.message, label="Accept d1"))

    panel = await _order(h, ana, "us.engage_government", "We keep our word.")
    t.accepted(await h.click(ana, panel, label="Submit"))
    panel = await _order(h, ben, "maduro.walk_out", "We changed our mind.")
    assert "d1 (promise): Maduro government plays" in panel.text()
    asked = await h.click(ben, panel, label="Submit")
    warning = asked.messages[-1]
    assert warning.ephemeral and "break your promise" in warning.text()
    assert "5 points" in warning.text() and "15 credibility" in warning.text()
    match = await h.runtime.services.matches.get(1, SYSTEM)
    assert match.round == 1, "nothing was submitted before the confirmation"
    t.accepted(await h.click(ben, warning, label="Submit anyway"))

    match = await h.runtime.services.matches.get(1, SYSTEM)
    assert match.round == 2
    await h.runtime.announcer.flush()
    shown = _reveal(h)
    assert "Maduro government broke its promise" in shown and "-5 points" in shown
    assert "Credibility (0-100)" in shown and "Maduro government 35" in shown


async def test_a_server_without_private_threads_is_told_the_fallback(harness: Harness) -> None:
    h = harness
    ana, ben = h.user("Ana"), h.user("Ben")
    await t.start_two_player_match(h, ana, ben)
    h.http.private_threads = False
    answer = await h.slash(ana, "deal talks", seat="maduro")
    assert answer.ephemeral and "does not let Levers open private threads" in answer.text
    assert "/deal propose" in answer.text
    assert _private_threads(h) == {}
    assert [f.rsplit(": ", 1)[1] for f in h.http.failures] == ["Missing Permissions"]
    h.http.failures.clear()  # the 403 this test asked the fake for


async def test_a_counter_replaces_the_proposal_with_new_terms(harness: Harness) -> None:
    h = harness
    ana, ben = h.user("Ana"), h.user("Ben")
    await t.start_two_player_match(h, ana, ben)
    await h.slash(ana, "deal propose", seat="maduro", give=RELIEF, get=GUARANTEES)
    listed = await h.slash(ben, "deal list")
    opened = await h.click(ben, listed.message, label="Counter")
    assert opened.modal["title"] == "Counter deal d1"
    countered = t.accepted(
        await h.submit(ben, opened, {"get": "us.engage_government", "text": "Talk first"})
    )
    assert "Deal d1 countered" in countered.text and "Deal d2 (proposed)" in countered.text
    mine = await h.slash(ana, "deal list")
    assert "Deal d1 (rejected)" in mine.text and "Talk first" in mine.text
    assert [c["label"] for c in mine.message.components()] == ["Accept d2", "Reject d2", "Counter"]
    refused(await h.click(ben, listed.message, label="Accept d1"), "no longer open")
    steps = await h.runtime.services.deals.steps(1, SYSTEM)
    assert [(s.deal_id, s.status, s.replaces) for s in steps][-2:] == [
        ("d1", "rejected", None),
        ("d2", "proposed", "d1"),
    ]


async def test_a_promise_not_to_play_a_move_is_broken_and_announced_with_its_cost(
    harness: Harness,
) -> None:
    """Ana asks Maduro's seat to promise NOT to walk out (``avoid``); Ben accepts, walks out
    after the warning, and the reveal announces the breach and what it cost."""
    h = harness
    ana, ben = h.user("Ana"), h.user("Ben")
    await t.start_two_player_match(h, ana, ben)
    refused(
        await h.slash(ana, "deal propose", seat="maduro", give="us.engage_government"),
        "ask the other seat for something",
    )
    sent = t.accepted(
        await h.slash(
            ana,
            "deal propose",
            seat="maduro",
            give="us.engage_government",
            avoid="maduro.walk_out",
            text="We engage, you stay at the table",
        )
    )
    assert "promise" in sent.text and "Maduro government does not play" in sent.text
    listed = await h.slash(ben, "deal list")
    assert "does not play" in listed.text
    t.accepted(await h.click(ben, listed.message, label="Accept d1"))

    panel = await _order(h, ana, "us.engage_government", "We keep our word.")
    t.accepted(await h.click(ana, panel, label="Submit"))
    panel = await _order(h, ben, "maduro.walk_out", "We walk out all the same.")
    assert "d1 (promise): Maduro government does not play" in panel.text()
    asked = await h.click(ben, panel, label="Submit")
    warning = asked.messages[-1]
    assert warning.ephemeral and "break your promise" in warning.text()
    assert "5 points" in warning.text() and "15 credibility" in warning.text()
    t.accepted(await h.click(ben, warning, label="Submit anyway"))

    assert (await h.runtime.services.matches.get(1, SYSTEM)).round == 2
    await h.runtime.announcer.flush()
    shown = _reveal(h)
    assert "Maduro government broke its promise" in shown and "-5 points" in shown
    assert "does not play" in shown, "the broken term is named"
    assert "Maduro government 35" in shown
    outcome = await h.runtime.services.rounds.get(1, 1, SYSTEM)
    [deal] = outcome.state.deals
    assert deal.status == "broken"
    assert [(x.seat, x.avoid) for x in deal.terms] == [("us", False), ("maduro", True)]


TALKS = "\nrules:\n  ai_talks: 1\n  deal_breach_cost: 5\n"


async def test_an_ai_offer_is_posted_where_only_the_asked_seats_team_sees_it(
    harness: Harness, tmp_path: Path
) -> None:
    """The tutorial with the AI's talks on (a copy), played in teams: Ana and Ben hold the
    upstream town, Cleo the downstream town, the council is the AI. At round start the council's
    offer is posted once, in the asked seat's team thread only, with Accept, Reject and Counter;
    only the captain's answer counts; a restart does not post it again."""
    h = harness
    services = h.runtime.services
    path = tmp_path / "tutorial-talks.yaml"
    path.write_text(
        Path("content/scenarios/tutorial.yaml").read_text(encoding="utf-8") + TALKS,
        encoding="utf-8",
    )
    stored = await services.scenarios.add_builtin(str(path))
    ana, ben, cleo, zoe = (h.user(n) for n in ("Ana", "Ben", "Cleo", "Zoe"))
    host = Actor(str(ana.id), "Ana")
    match = await services.matches.create(
        host,
        stored.sha256,
        seed=11,
        rounds=2,
        team_size=2,
        guild_id=str(h.guild_id),
        channel_id=str(h.channel_id),
    )
    for person, seat in ((ana, "upstream"), (ben, "upstream"), (cleo, "downstream")):
        await services.matches.take_seat(match.id, Actor(str(person.id), person.name), seat)
    await services.matches.start(match.id, host)
    await h.settle()
    await h.runtime.announcer.flush()

    started = await services.matches.get(match.id, SYSTEM)
    assert started.state is not None
    steps = await services.deals.steps(match.id, SYSTEM)
    offers = [s for s in steps if s.status == "proposed" and s.seat == "council"]
    assert offers, "with ai_talks 1 and this seed the council makes an offer"
    teams = await services.team_threads.of_match(match.id)
    posted: dict[str, list[Sent]] = {
        seat: [m for m in h.channel_messages(int(thread)) if "offers" in m.content]
        for seat, thread in teams.items()
    }
    asked = {p for s in offers if s.body for p in s.body["parties"] if p != "council"}
    for seat, found in posted.items():
        assert len(found) == (1 if seat in asked else 0), f"{seat}: {len(found)} offer posts"
    seat = sorted(asked)[0]
    [post] = posted[seat]
    deal_id = next(s.deal_id for s in offers if s.body and seat in s.body["parties"])
    assert "Regional council offers" in post.content and f"Deal {deal_id} (proposed)" in post.text()
    labels = [c["label"] for c in post.components()]
    assert labels == [f"Accept {deal_id}", f"Reject {deal_id}", "Counter"]
    assert h.http.requests_for(post.id)["allowed_mentions"] == {"parse": []}
    public = "\n".join(m.text() for m in h.channel_messages(t.thread_id(h)))
    assert "Regional council offers" not in public, "not in the match's public thread"
    for outsider in (zoe, cleo if seat == "upstream" else ana):
        assert "Regional council offers" not in "\n".join(h.texts_seen_by(outsider))

    holders = {"upstream": (ana, ben), "downstream": (cleo, None)}[seat]
    captain, member = holders
    if member is not None:
        refused(await h.click(member, post, label=f"Accept {deal_id}"), "captain")
    answered = t.accepted(await h.click(captain, post, label=f"Accept {deal_id}"))
    assert "in force" in answered.text
    deal = await services.deals.current(match.id, SYSTEM, deal_id)
    assert deal is not None and deal.status == "active"

    await h.restart()  # exactly once: a fresh process finds nothing left to post
    await h.runtime.announcer.flush()
    again = [m for m in h.channel_messages(int(teams[seat])) if "offers" in m.content]
    assert [m.id for m in again] == [post.id]


async def test_a_deal_of_three_seats_waits_for_both_others(harness: Harness) -> None:
    """Ana (United States) offers relief for guarantees from Maduro's seat (Ben) and for
    running in the elections from Guaidó's (Cleo): an escrow of three, in force once both
    accept; each sees it in ``/deal list``."""
    h = harness
    ana, ben, cleo = h.user("Ana"), h.user("Ben"), h.user("Cleo")
    await h.slash(ana, "match new", rounds=2)
    found = t.lobby(h)
    seats = [c["label"] for c in found.components()][:3]
    for person, label in zip((ana, ben, cleo), seats, strict=True):
        await h.click(person, found, label=label)
    await h.click(ana, found, label="Start")

    refused(
        await h.slash(ana, "deal propose", seat="maduro", get=GUARANTEES, get2="guaido.x"),
        "seat2",
    )
    sent = t.accepted(
        await h.slash(
            ana,
            "deal propose",
            seat="maduro",
            give=RELIEF,
            get=GUARANTEES,
            seat2="guaido",
            get2="guaido.run_in_elections",
            text="Relief for guarantees and a real race",
        )
    )
    assert "escrow" in sent.text and "/deal list" in sent.text
    for person in (ben, cleo):
        listed = await h.slash(person, "deal list")
        assert "Relief for guarantees and a real race" in listed.text
        assert "Waiting for:" in listed.text
    t.accepted(await h.click(ben, (await h.slash(ben, "deal list")).message, label="Accept d1"))
    deal = await h.runtime.services.deals.current(1, SYSTEM, "d1")
    assert deal is not None and deal.status == "proposed", "one party is still to answer"
    t.accepted(await h.click(cleo, (await h.slash(cleo, "deal list")).message, label="Accept d1"))
    deal = await h.runtime.services.deals.current(1, SYSTEM, "d1")
    assert deal is not None and deal.status == "active" and deal.kind == "escrow"
    assert deal.parties == ("us", "maduro", "guaido")
    assert {(x.seat, x.move) for x in deal.terms} == {
        ("us", RELIEF),
        ("maduro", GUARANTEES),
        ("guaido", "guaido.run_in_elections"),
    }


async def test_without_a_team_thread_an_ai_offer_goes_to_the_pairs_talks_or_waits(
    harness: Harness, tmp_path: Path
) -> None:
    """One player a seat (no team threads). In match 1 the council's round-1 offer to Ana has
    no private place: it is posted nowhere and waits in ``/deal list``. In match 2 Ana's seat
    already has a talks thread with the council when the round opens (stored before the start:
    the council's only offers with this seed come in round 1), and the offer is posted there."""
    h = harness
    services = h.runtime.services
    path = tmp_path / "tutorial-talks.yaml"
    path.write_text(
        Path("content/scenarios/tutorial.yaml").read_text(encoding="utf-8") + TALKS,
        encoding="utf-8",
    )
    stored = await services.scenarios.add_builtin(str(path))
    ana, cleo = h.user("Ana"), h.user("Cleo")
    host = Actor(str(ana.id), "Ana")
    talks = int(h.new_channel("talks")["id"])

    def offers_posted() -> list[Sent]:
        return [m for m in h.http.messages.values() if "Regional council offers" in m.content]

    for number in (1, 2):
        match = await services.matches.create(
            host,
            stored.sha256,
            seed=11,
            rounds=2,
            guild_id=str(h.guild_id),
            channel_id=str(h.channel_id),
        )
        for person, seat in ((ana, "upstream"), (cleo, "downstream")):
            await services.matches.take_seat(match.id, Actor(str(person.id), person.name), seat)
        if number == 2:
            await services.deals.set_talk_thread(match.id, host, "council", str(talks))
        await services.matches.start(match.id, host)
        await h.settle()
        await h.runtime.announcer.flush()
        waiting = await services.deals.of_seat(match.id, host)
        assert [d.proposer for d in waiting.waiting] == ["council"]
        if number == 1:
            assert offers_posted() == [], "no private place: nothing posted"
            assert "Regional council" in (await h.slash(ana, "deal list", match=1)).text
    [post] = offers_posted()
    assert post.channel_id == talks, "in the pair's private talks thread"
    deal_id = waiting.waiting[0].id
    assert f"Accept {deal_id}" in post.text()
    t.accepted(await h.click(ana, post, label=f"Reject {deal_id}"))
    rejected = await services.deals.current(2, SYSTEM, deal_id)
    assert rejected is not None and rejected.status == "rejected"
