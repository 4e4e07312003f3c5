"""A whole match in a server, as a transcript: three players and three AI seats, lobby to debrief.

Ana runs /match new; the bot posts a lobby with one button per seat; Ana, Ben and Cleo each
click a seat; Ana presses Start; a thread opens with a briefing; each player presses Orders,
picks a move, argues for it in the modal and submits; when the last one is in, the round
resolves at once: the reveal shows every seat's orders and arguments, then the next briefing.
After the last round come the final scores, the winners and the debrief.
"""

from __future__ import annotations

from bot.scenarios import default_id, read_scenario
from bot.services.models import SYSTEM
from tests.discord import transcript as t
from tests.discord.harness import Harness


async def test_three_players_and_three_ai_seats_play_a_match_to_the_debrief(
    harness: Harness,
) -> None:
    h = harness
    scenario, _raw, _path = read_scenario(default_id())
    assert len(scenario.seats) >= 4, "the default scenario has seats for humans and the AI"
    assert scenario.outcome is not None, "and a shared outcome"
    shared = scenario.outcome.name
    ana, ben, cleo = h.user("Ana"), h.user("Ben"), h.user("Cleo")
    players = [ana, ben, cleo]

    created = await h.slash(ana, "match new", rounds=2, deadline=30)
    assert created.ephemeral and "Match 1" in created.text
    lobby = t.lobby(h)
    labels = [c["label"] for c in lobby.components()]
    assert labels == [s.name for s in scenario.seats] + ["Start", "Leave my seat"]

    for player, seat in zip(players, scenario.seats, strict=False):
        taken = await h.click(player, lobby, label=seat.name)
        assert taken.record.callbacks == [6], "a seat click is acknowledged by a deferred update"
    assert all(p.name in lobby.text() for p in players), "the lobby shows who holds each seat"

    await h.click(ana, lobby, label="Start")
    assert lobby.components() == [], "once started, the lobby has no buttons"
    thread = t.thread_id(h)
    opening = h.channel_messages(thread)[0]
    assert all(p.mention in opening.content for p in players), "the start pings the players"
    assert h.http.requests_for(opening.id)["allowed_mentions"]["users"], "and only them"

    for round_number in (1, 2):
        briefing = t.briefing(h)
        assert f"Round {round_number}" in briefing.text()
        for player in players:
            await t.play_first_move(h, player, f"{player.name} argues for round {round_number}")
        texts = [m.text() for m in h.channel_messages(thread)]
        reveal = "\n".join(texts)
        for player in players:
            assert f"{player.name} argues for round {round_number}" in reveal
        assert reveal.count("🤖 AI") >= len(scenario.seats) - 3, "AI seats are marked"
        assert "Scoreboard" in reveal
        assert f"{shared}: " in reveal, "the shared outcome is on the scoreboard"
        assert "hidden until the end" in reveal, "scores reading hidden metrics are hidden"
        why = [
            line
            for m in h.channel_messages(thread)
            for e in m.embeds
            if f"Round {round_number}" in (e.get("title") or "")
            and "why the numbers moved" in (e.get("title") or "")
            for line in (e.get("description") or "").splitlines()
        ]
        assert 0 < len(why) <= 25, f"the causes, one line per metric: {len(why)} lines"

    final = "\n".join(m.text() for m in h.channel_messages(thread))
    assert "final scores" in final and "Winner" in final and "Debrief" in final
    assert final.count(shared) >= 3, "scoreboards, final scores, debrief"
    match = await h.runtime.services.matches.get(1, SYSTEM)
    assert match.phase == "finished"
