"""Restarts and deadlines: buttons from before a restart work after it; deadlines and reminders
are stored, ping only the seats still missing, and resolve the round with the AI's orders."""

from __future__ import annotations

from bot.services.models import SYSTEM
from tests.discord import transcript as t
from tests.discord.harness import Harness


async def test_a_button_posted_before_a_restart_works_after_it(harness: Harness) -> None:
    h = harness
    ana = h.user("Ana")
    await h.slash(ana, "match new", rounds=1)
    lobby = t.lobby(h)
    await h.click(ana, lobby, custom_id=lobby.components()[0]["custom_id"])
    await h.click(ana, lobby, label="Start")
    before = t.briefing(h)
    old_bot = h.bot
    await h.restart()
    assert h.bot is not old_bot
    panel = await t.open_panel(h, ana)  # the briefing posted before the restart
    assert t.briefing(h).id == before.id
    options = t.pick_select(panel)["options"]
    assert isinstance(options, list)
    await t.add_move(h, ana, panel, str(options[0]["value"]), "after the restart")
    await h.click(ana, panel, label="Submit")
    texts = "\n".join(m.text() for m in h.channel_messages(t.thread_id(h)))
    assert "after the restart" in texts and "final scores" in texts


async def test_reminders_ping_only_missing_seats_and_the_deadline_resolves(
    harness: Harness,
) -> None:
    h = harness
    ana, ben = h.user("Ana"), h.user("Ben")
    await h.slash(ana, "match new", rounds=2, deadline=10)
    lobby = t.lobby(h)
    seats = [c["custom_id"] for c in lobby.components()][:2]
    await h.click(ana, lobby, custom_id=seats[0])
    await h.click(ben, lobby, custom_id=seats[1])
    await h.click(ana, lobby, label="Start")
    await t.play_first_move(h, ben, "ben is on time")
    thread = t.thread_id(h)

    await h.restart()  # the timers are rows: they survive
    fired = await h.advance(5 * 60)
    assert [f.result for f in fired] == ["reminder"]
    reminder = h.channel_messages(thread)[-1]
    assert ana.mention in reminder.content and ben.mention not in reminder.content
    mentions = h.http.requests_for(reminder.id)["allowed_mentions"]
    assert [str(u) for u in mentions["users"]] == [str(ana.id)] and mentions["parse"] == []

    fired = await h.advance(4 * 60)
    assert [f.result for f in fired] == ["reminder"]
    assert "One minute left" in h.channel_messages(thread)[-1].content

    fired = await h.advance(60)
    assert [f.result for f in fired] == ["resolved"]
    history = await h.runtime.services.rounds.history(1, SYSTEM)
    ana_seat = next(s for s, o in history[1].orders.items() if o.source == "ai")
    assert ana_seat, "Ana's missing orders came from the AI"
    assert "Round 2" in t.briefing(h).text()
    assert await h.advance(0) == [], "nothing fires twice"


async def test_pause_resume_and_substitute(harness: Harness) -> None:
    h = harness
    ana, ben, mod = h.user("Ana"), h.user("Ben"), h.user("Mo", moderator=True)
    await h.slash(ana, "match new", rounds=2, deadline=10)
    lobby = t.lobby(h)
    await h.click(ana, lobby, custom_id=lobby.components()[0]["custom_id"])
    await h.click(ana, lobby, label="Start")
    thread = t.thread_id(h)
    paused = await h.slash(ana, "match pause", channel_id=thread, reason="lunch")
    assert paused.ephemeral and "paused" in paused.text
    assert "paused" in h.channel_messages(thread)[-1].content
    assert await h.advance(3600) == [], "a paused match has no running deadline"
    await h.slash(ana, "match resume", channel_id=thread)
    assert "goes on" in h.channel_messages(thread)[-1].content
    seat = (await h.runtime.services.matches.get(1, SYSTEM)).seats[0].seat
    await h.slash(mod, "match substitute", channel_id=thread, seat=seat, player=ben)
    assert ben.mention in h.channel_messages(thread)[-1].content
    assert (await h.runtime.services.matches.get(1, SYSTEM)).seat_of(str(ben.id)) == seat
    status = await h.slash(ben, "match status")
    assert status.ephemeral and "Ben" in status.text
