"""Teams in a server, as a transcript: five players on one seat build one draft together.

Ana opens a match with ``team_size:5``; Ana, Ben, Cleo, Dov and Eli click the same seat (a sixth
is told the team is full); Ana, first in, is its captain. After Start, Ben and Cleo add moves at
the same moment: both moves are in the team's draft, and every member's panel says who added
each. Ben cannot Submit (only the captain locks); Ana leaves mid-round and Ben, the longest
serving of those left, becomes captain and locks the draft.
"""

from __future__ import annotations

import asyncio

from bot.scenarios import default_id, read_scenario
from bot.services.models import SYSTEM, Actor
from tests.discord import transcript as t
from tests.discord.harness import Harness
from tests.discord.test_refusals import refused


async def test_five_players_build_one_draft_and_the_captain_leaves_mid_round(
    harness: Harness,
) -> None:
    h = harness
    ana, ben, cleo, dov, eli, fay = (h.user(n) for n in ("Ana", "Ben", "Cleo", "Dov", "Eli", "Fay"))
    team = [ana, ben, cleo, dov, eli]
    await h.slash(ana, "match new", rounds=2, team_size=5)
    lobby = t.lobby(h)
    seat_id = lobby.components()[0]["custom_id"]
    for player in team:
        t.accepted(await h.click(player, lobby, custom_id=seat_id))
    assert lobby.component(custom_id=seat_id)["label"].endswith("· 5 players")
    refused(await h.click(fay, lobby, custom_id=seat_id), "team is full")
    assert "teams of up to 5" in lobby.text()
    await h.click(ana, lobby, label="Start")

    panels = {p.name: await t.open_panel(h, p) for p in (ben, cleo)}
    assert "Your goals" in panels["Ben"].text() and "to go" in panels["Ben"].text()
    assert "Ana (captain" in panels["Ben"].text()
    options = t.pick_select(panels["Ben"])["options"]
    assert isinstance(options, list) and len(options) >= 2
    first, second = str(options[0]["value"]), str(options[1]["value"])
    opened_ben = await h.choose(
        ben, panels["Ben"], str(t.pick_select(panels["Ben"])["custom_id"]), [first]
    )
    opened_cleo = await h.choose(
        cleo, panels["Cleo"], str(t.pick_select(panels["Cleo"])["custom_id"]), [second]
    )
    both = await asyncio.gather(  # two members edit the team's draft at the same moment
        h.submit(ben, opened_ben, {"argument": "Ben's case"}),
        h.submit(cleo, opened_cleo, {"argument": "Cleo's case"}),
    )
    for result in both:
        t.accepted(result)
    _seat, _round, draft = await h.runtime.drafts.get(1, Actor(str(dov.id)))
    assert {o.move for o in draft.moves} == {first, second}, "no edit was lost"
    seen = (await t.open_panel(h, dov)).text()
    assert "added by Ben · argument by Ben" in seen and "added by Cleo" in seen

    refused(await h.click(ben, panels["Ben"], label="Submit"), "captain")

    await h.slash(ana, "match leave", match=1)
    match = await h.runtime.services.matches.get(1, SYSTEM)
    assert match.captain_of(match.seats[0].seat) == str(ben.id)
    panel = await t.open_panel(h, ben)
    t.accepted(await h.click(ben, panel, label="Submit"))
    match = await h.runtime.services.matches.get(1, SYSTEM)
    assert match.round == 2, "the captain's Submit closed the round (the other seats are AI)"


async def test_a_spectator_watches_and_sees_nothing_secret(harness: Harness) -> None:
    h = harness
    scenario, _raw, _path = read_scenario(default_id())
    ana, ben, zoe = h.user("Ana"), h.user("Ben"), h.user("Zoe")
    await h.slash(ana, "match new", rounds=2, team_size=2)
    lobby = t.lobby(h)
    seat_id = lobby.components()[0]["custom_id"]
    for player in (ana, ben):
        await h.click(player, lobby, custom_id=seat_id)
    watching = await h.click(zoe, lobby, label="Watch")
    assert watching.ephemeral and "You watch match 1" in watching.text
    refused(await h.click(ana, lobby, label="Watch"), "hold a seat")
    await h.click(ana, lobby, label="Start")

    stopped = await h.click(zoe, t.briefing(h), label="Watch")  # the thread's button toggles
    assert "no longer watch" in stopped.text
    assert zoe.id not in h.http.thread_members.get(t.thread_id(h), set())
    await h.click(zoe, t.briefing(h), label="Watch")
    assert zoe.id in h.http.thread_members[t.thread_id(h)], "a spectator follows the thread"
    listed = await h.slash(zoe, "match watchers", match=1)
    assert "1 spectator(s): Zoe." in listed.text

    panel = await t.open_panel(h, ben)
    options = t.pick_select(panel)["options"]
    assert isinstance(options, list)
    await t.add_move(h, ben, panel, str(options[0]["value"]), "SECRET-TEAM-ARGUMENT")
    refused(await h.click(zoe, t.briefing(h), label="Orders"), "no seat")
    await h.slash(zoe, "match log", match=1)
    await h.slash(zoe, "match status", match=1)

    seen = "\n".join(h.texts_seen_by(zoe))
    secrets = [o.text for s in scenario.seats for o in s.objectives]
    for token in ["SECRET-TEAM-ARGUMENT", "Your goals", "Your team", *secrets]:
        assert token not in seen, f"the spectator saw {token!r}"


async def test_each_team_has_a_private_thread_with_its_members(harness: Harness) -> None:
    h = harness
    ana, ben, cleo, dov, zoe = (h.user(n) for n in ("Ana", "Ben", "Cleo", "Dov", "Zoe"))
    await h.slash(ana, "match new", rounds=2, team_size=3)
    lobby = t.lobby(h)
    first, second = (lobby.components()[i]["custom_id"] for i in (0, 1))
    for player, seat in ((ana, first), (ben, first), (cleo, second)):
        await h.click(player, lobby, custom_id=seat)
    await h.click(zoe, lobby, label="Watch")
    await h.click(ana, lobby, label="Start")
    private = {c["name"]: int(c["id"]) for c in h.http.channels.values() if c["type"] == 12}
    assert len(private) == 2, "one private thread per team that has players"
    members = {name: h.http.thread_members[tid] for name, tid in private.items()}
    assert sorted(map(sorted, members.values())) == sorted([sorted([ana.id, ben.id]), [cleo.id]])
    ours = next(
        tid
        for tid, m in ((t_, h.http.thread_members[t_]) for t_ in private.values())
        if ana.id in m
    )
    assert "this thread is for the team only" in h.channel_messages(ours)[0].text()

    await h.slash(ana, "match assign", match=1, seat=first.rsplit(":", 1)[1], player=dov)
    await h.runtime.announcer.flush()
    assert dov.id in h.http.thread_members[ours], "a member who joins is added"
    await h.slash(ben, "match leave", match=1)
    await h.runtime.announcer.flush()
    assert ben.id not in h.http.thread_members[ours], "a member who leaves is removed"
    seen = "\n".join(h.texts_seen_by(zoe))
    assert "this thread is for the team only" not in seen, "a spectator sees no team thread"
    assert "this thread is for the team only" in "\n".join(h.texts_seen_by(cleo))
