"""An open-debate round in a server, as a transcript: intentions, ratings, an answer, an umpire.

Ana opens a match with ``debate:10`` (ten minutes of open debate a round); Ana and Ben take two
seats, the AI the others; Zoe has no seat and rates as a spectator; Mo is a moderator. When both
seats have submitted, the thread gets the intentions. Ana rates Ben's move, Ben rates Ana's
move and then changes his mind, Zoe rates Ana's move, Zoe answers Ben's move with a
counter-argument, and Mo rules on an AI seat's move as umpire. The bot restarts in the middle of
the window and loses nothing; when both seats press Done the round resolves with the ratings,
and the reveal shows each move's rating, what it did to its effects, and debate points beside
the scores. A rating after the window closed is refused politely.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.game.state import SPECTATORS
from bot.review.from_store import load_record
from bot.review.gradebook import grade_rows
from bot.services.errors import NotAllowed
from bot.services.models import SYSTEM, Actor
from tests.discord import transcript as t
from tests.discord.fake.state import Sent
from tests.discord.harness import Harness
from tests.discord.test_refusals import refused


def intentions(h: Harness) -> list[Sent]:
    """The intentions posted in the thread: the header, then one message per seat."""
    messages = h.channel_messages(t.thread_id(h))
    start = max(i for i, m in enumerate(messages) if "the intentions" in m.text())
    found = [messages[start]]
    for message in messages[start + 1 :]:
        if not any(":rt:" in str(c.get("custom_id", "")) for c in message.components()):
            break
        found.append(message)
    return found


def rate_id(message: Sent) -> str:
    return next(str(c["custom_id"]) for c in message.components() if ":rt:" in str(c["custom_id"]))


def seat_message(h: Harness, seat_name: str) -> Sent:
    return next(m for m in intentions(h)[1:] if m.embeds[0]["title"].startswith(seat_name))


async def test_an_open_debate_round_from_intentions_to_outcome(harness: Harness) -> None:
    h = harness
    ana, ben, zoe = h.user("Ana"), h.user("Ben"), h.user("Zoe")
    mo = h.user("Mo", moderator=True)
    await h.slash(ana, "match new", rounds=2, debate=10)
    lobby = t.lobby(h)
    assert "open debate, 10 min a round" in lobby.text()
    seats = [c["label"] for c in lobby.components()][:2]
    await h.click(ana, lobby, label=seats[0])
    await h.click(ben, lobby, label=seats[1])
    await h.click(ana, lobby, label="Start")
    match = await h.runtime.services.matches.get(1, SYSTEM)
    scenario = await h.runtime.services.scenarios.of_match(1, SYSTEM)
    ana_seat, ben_seat = match.seats[0].seat, match.seats[1].seat
    ana_name, ben_name = scenario.seat(ana_seat).name, scenario.seat(ben_seat).name

    await t.play_first_move(h, ana, "Pressure works when it is shared.")
    panel = await t.open_panel(h, ben)
    options = t.pick_select(panel)["options"]
    assert isinstance(options, list)
    await t.add_move(h, ben, panel, str(options[0]["value"]), "Talks buy time for everyone.")
    locked = t.accepted(await h.click(ben, panel, label="Submit"))
    assert "Rate the intentions" in locked.text
    match = await h.runtime.services.matches.get(1, SYSTEM)
    assert match.phase == "debate" and match.round == 1, "the round waits for its debate"

    posted = intentions(h)
    assert "The debate closes" in posted[0].text()
    assert "Pressure works when it is shared." in seat_message(h, ana_name).text()
    assert len(posted) >= 3, "the AI seats' intentions are posted too"
    on_ana, on_ben = seat_message(h, ana_name), seat_message(h, ben_name)

    refused(await h.choose(ana, on_ana, rate_id(on_ana), ["2"]), "own seat")
    said = t.accepted(await h.choose(ana, on_ben, rate_id(on_ben), ["2"]))
    assert said.ephemeral and f"for {ana_name}" in said.text
    await h.choose(ben, on_ana, rate_id(on_ana), ["-1"])
    changed = await h.choose(ben, on_ana, rate_id(on_ana), ["1"])
    assert "changed your rating" in changed.text
    spectator = await h.choose(zoe, on_ana, rate_id(on_ana), ["2"])
    assert "as a spectator" in spectator.text

    answer_id = next(
        c["custom_id"] for c in on_ben.components() if c.get("label", "").startswith("Answer")
    )
    opened = await h.click(zoe, on_ben, custom_id=str(answer_id))
    t.accepted(await h.submit(zoe, opened, {"counter": "Talks without pressure stall."}))
    assert any(
        "Talks without pressure stall." in m.text() for m in h.channel_messages(t.thread_id(h))
    )
    again = await h.click(zoe, on_ben, custom_id=str(answer_id))
    refused(await h.submit(zoe, again, {"counter": "Twice?"}), "already")

    ai_message = next(m for m in intentions(h)[1:] if "AI" in m.embeds[0]["title"])
    refused(await h.click(ana, ai_message, label="Umpire"), "moderator")
    panel_mo = await h.click(mo, ai_message, label="Umpire")
    assert panel_mo.ephemeral
    ruling_select = next(
        c for c in panel_mo.message.components() if ":rul:" in str(c.get("custom_id"))
    )
    ruled_move = str(ruling_select["custom_id"]).rsplit(":", 1)[1]
    t.accepted(await h.choose(mo, panel_mo.message, str(ruling_select["custom_id"]), ["-2"]))
    public = "\n".join(m.text() for m in h.channel_messages(t.thread_id(h)))
    public = public.split("pressed **Done**")[-1]
    for secret in ("rated", "spectator", "changed your rating", str(ben.id), str(ana.id)):
        assert secret not in public, "nobody's rating is shown in public while the window is open"

    await h.restart()  # in the middle of the window: nothing is lost
    match = await h.runtime.services.matches.get(1, SYSTEM)
    assert match.phase == "debate"
    refused(await h.click(ben, intentions(h)[0], label="Close the debate"), "host")
    first_done = await h.click(ana, intentions(h)[0], label="Done")
    assert "is done" in first_done.text
    closed = await h.click(ben, intentions(h)[0], label="Done")
    assert "debate is closed" in closed.text

    result = await h.runtime.services.rounds.get(1, 1, SYSTEM)
    ana_order = result.orders[ana_seat].orders.moves[0]
    by = {r.by: r for r in ana_order.ratings}
    assert by[ben_seat].value == 1, "Ben's changed rating is the one that counts"
    assert by[SPECTATORS].value == 2 and by[SPECTATORS].count == 1
    assert ana_order.rating is not None and ana_order.rating > 0, "open debate: r acted"
    ben_order = result.orders[ben_seat].orders.moves[0]
    assert ben_order.counter_arguments == ((str(zoe.id), "Talks without pressure stall."),)
    ruled = next(o for s in result.orders.values() for o in s.orders.moves if o.move == ruled_move)
    assert ruled.umpire == str(mo.id) and ruled.rating == -1.0

    texts = [m.text() for m in h.channel_messages(t.thread_id(h))]
    reveal = "\n".join(texts[texts.index(next(x for x in texts if "the orders" in x)) :])
    assert "its effects x" in reveal and f"(umpire <@{mo.id}>)" in reveal
    assert "debate +" in reveal or "debate -" in reveal, "debate points beside the scores"

    _scenario, record = await load_record(h.runtime.services.ctx, 1, scenario)
    events = record.rounds[0].debate
    bens = [(e.value, e.rater) for e in events if e.kind == "rating" and e.player == str(ben.id)]
    assert bens == [(-1, ben_seat), (1, ben_seat)], "the record keeps every change"
    assert all(e.at is not None for e in events), "every act has its time"
    assert [e.player for e in events if e.kind == "ruling"] == [str(mo.id)]
    assert {e.seat for e in events if e.kind == "done"} == {ana_seat, ben_seat}
    rows = {r.player: r for r in grade_rows(record)}
    assert rows[str(ben.id)].ratings_given == 1, "Ben rated one argument (twice)"
    assert rows[str(zoe.id)].seat == "" and rows[str(zoe.id)].ratings_given == 1
    assert rows[str(zoe.id)].counter_arguments == 1

    late = await h.choose(zoe, on_ana, rate_id(on_ana), ["-2"])
    refused(late, "closed")
    if os.environ.get("LEVERS_TRANSCRIPT"):
        Path(os.environ["LEVERS_TRANSCRIPT"]).write_text(
            "\n\n".join(m.text() for m in h.channel_messages(t.thread_id(h)))
        )


async def test_the_orders_deadline_opens_the_debate_and_its_deadline_survives_a_restart(
    harness: Harness,
) -> None:
    h = harness
    ana, ben = h.user("Ana"), h.user("Ben")
    await h.slash(ana, "match new", rounds=2, deadline=10, debate=5)
    lobby = t.lobby(h)
    seats = [c["label"] for c in lobby.components()][:2]
    await h.click(ana, lobby, label=seats[0])
    await h.click(ben, lobby, label=seats[1])
    await h.click(ana, lobby, label="Start")
    await t.play_first_move(h, ana, "First.")  # Ben misses the orders deadline
    fired = await h.advance(10 * 60)
    assert [f.result for f in fired if f.timer.kind == "deadline"] == ["debate"]
    match = await h.runtime.services.matches.get(1, SYSTEM)
    assert match.phase == "debate", "the orders deadline opened the debate, not the reveal"
    other = match.seats[1].seat
    scenario = await h.runtime.services.scenarios.of_match(1, SYSTEM)
    on_ben = seat_message(h, scenario.seat(other).name)  # the AI played Ben's seat
    await h.choose(ana, on_ben, rate_id(on_ben), ["-2"])
    await h.restart()
    assert not [f for f in await h.advance(60) if f.result == "resolved"], "not due yet"
    fired = await h.advance(5 * 60)
    assert [f.result for f in fired if f.timer.kind == "debate_close"] == ["resolved"]
    result = await h.runtime.services.rounds.get(1, 1, SYSTEM)
    assert result.trigger == "debate_deadline"
    rated = result.orders[other].orders.moves[0]
    assert [r.value for r in rated.ratings if r.by == match.seats[0].seat] == [-2.0]
    match = await h.runtime.services.matches.get(1, SYSTEM)
    assert match.phase == "orders" and match.round == 2
    late = await h.choose(ana, on_ben, rate_id(on_ben), ["2"])
    refused(late, "closed")


async def test_in_sealed_debate_arguments_are_rated_after_the_reveal_for_points_only(
    harness: Harness,
) -> None:
    h = harness
    ana, ben = h.user("Ana"), h.user("Ben")
    await t.start_two_player_match(h, ana, ben)  # no debate window: sealed
    await t.play_first_move(h, ana, "Sealed case.")
    await t.play_first_move(h, ben, "Ben's case.")
    match = await h.runtime.services.matches.get(1, SYSTEM)
    assert match.round == 2, "the round resolved at once, as before"
    ana_seat = match.seats[0].seat
    reveal = next(
        m
        for m in h.channel_messages(t.thread_id(h))
        if any(c.get("label") == "Rate the arguments" for c in m.components())
    )
    panel = await h.click(ben, reveal, label="Rate the arguments")
    assert panel.ephemeral and "debate points only" in panel.text
    locked = (await h.runtime.services.rounds.get(1, 1, SYSTEM)).orders[ana_seat]
    move = locked.orders.moves[0].move
    wanted = f":rta:{move}"
    ids_offered = [str(c["custom_id"]) for c in panel.message.components()]
    while not any(i.endswith(wanted) for i in ids_offered):
        panel = await h.click(ben, panel.message, label="More")
        ids_offered = [str(c["custom_id"]) for c in panel.message.components()]
    custom_id = next(i for i in ids_offered if i.endswith(wanted))
    t.accepted(await h.choose(ben, panel.message, custom_id, ["2"]))
    mine = await h.click(ana, reveal, label="Rate the arguments")
    assert not any(str(c["custom_id"]).endswith(wanted) for c in mine.message.components()), (
        "nobody is offered their own seat's arguments"
    )
    with pytest.raises(NotAllowed):
        await h.runtime.services.debate.rate_after(1, 1, Actor(str(ana.id)), move, 2)
    scenario = await h.runtime.services.scenarios.of_match(1, SYSTEM)
    _scenario, record = await load_record(h.runtime.services.ctx, 1, scenario)
    turn = next(x for x in record.rounds[0].turns if x.seat == ana_seat)
    rated = turn.orders[0]
    assert any(r.by == match.seats[1].seat and r.value == 2 for r in rated.ratings)
    assert rated.applied is False, "sealed: the rating counts as points, not on the numbers"
    assert locked.orders.moves[0].rating is None
    await t.play_first_move(h, ana, "Round two.")
    await t.play_first_move(h, ben, "Round two, Ben.")
    refused(await h.choose(ben, panel.message, custom_id, ["1"]), "over")


async def test_the_host_closes_the_debate_early(harness: Harness) -> None:
    h = harness
    ana, ben = h.user("Ana"), h.user("Ben")
    await h.slash(ana, "match new", rounds=2, debate=30)
    lobby = t.lobby(h)
    seats = [c["label"] for c in lobby.components()][:2]
    await h.click(ana, lobby, label=seats[0])
    await h.click(ben, lobby, label=seats[1])
    await h.click(ana, lobby, label="Start")
    await t.play_first_move(h, ana, "First.")
    await t.play_first_move(h, ben, "Second.")
    closed = t.accepted(await h.click(ana, intentions(h)[0], label="Close the debate"))
    assert "round resolved" in closed.text
    result = await h.runtime.services.rounds.get(1, 1, SYSTEM)
    assert result.trigger == "host"
