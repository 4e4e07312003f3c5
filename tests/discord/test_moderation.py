"""Moderators (Manage Server, or the server's moderator role) and event decisions."""

from __future__ import annotations

from dataclasses import replace

from bot.game.engine import new_match, round_rng
from bot.services.models import SYSTEM, Actor
from tests.discord import transcript as t
from tests.discord.harness import Harness


async def test_a_members_role_makes_them_a_moderator_once_the_server_says_so(
    harness: Harness,
) -> None:
    h = harness
    teachers = h.roles[0]
    ana, tess = h.user("Ana"), h.user("Tess")
    tess.roles.append(teachers.id)
    await h.slash(ana, "match new")
    refused = await h.click(tess, t.lobby(h), label="Start")
    assert (
        refused.messages[-1].ephemeral and "only the host" in refused.messages[-1].content.lower()
    )

    denied = await h.slash(ana, "levers settings", moderator_role=teachers)
    assert denied.ephemeral and "only a moderator" in denied.text.lower()
    admin = h.user("Admin", moderator=True)
    shown = await h.slash(admin, "levers settings", moderator_role=teachers, default_deadline=45)
    assert shown.ephemeral and f"<@&{teachers.id}>" in shown.text and "45 min" in shown.text

    await h.click(tess, t.lobby(h), label="Start")
    assert (await h.runtime.services.matches.get(1, SYSTEM)).phase == "orders"
    entries = await h.runtime.services.servers.audit_log(replace(SYSTEM, guild_id=str(h.guild_id)))
    assert any(e.action == "settings_changed" and e.actor == str(admin.id) for e in entries)


async def test_an_event_decision_is_asked_privately_and_has_a_default(harness: Harness) -> None:
    h = harness
    services = h.runtime.services
    stored = await services.scenarios.add_builtin("tutorial")
    scenario = await services.scenarios.get(stored.sha256)
    # some seed gives the tutorial a decision (the drought) in round 1
    seed = next(s for s in range(500) if new_match(scenario, round_rng(s, 0)).state.awaiting)
    players = [h.user(n) for n in ("Ana", "Ben", "Cleo")]
    host = Actor(str(players[0].id), "Ana")
    match = await services.matches.create(
        host,
        stored.sha256,
        seed=seed,
        rounds=1,
        guild_id=str(h.guild_id),
        channel_id=str(h.channel_id),
    )
    for person, seat in zip(players, scenario.seat_ids, strict=True):
        await services.matches.take_seat(match.id, Actor(str(person.id), person.name), seat)
    await services.matches.start(match.id, host)
    await h.settle()  # the service woke the announcer itself: nobody called runtime.changed()
    started = await services.matches.get(match.id, SYSTEM)
    assert started.state is not None
    [(event, seat)] = sorted(started.state.awaiting.items())
    decider = next(p for p in players if started.seat_of(str(p.id)) == seat)

    for person in players:
        panel = await t.open_panel(h, person)
        asks = [c for c in panel.components() if c["custom_id"].endswith(f":dec:{event}")]
        assert bool(asks) == (person is decider), "only the deciding seat is asked, privately"
    panel = await t.open_panel(h, decider)
    select = next(c for c in panel.components() if c["custom_id"].endswith(f":dec:{event}"))
    assert "the default if you do not answer" in panel.text()
    answer = next(o["value"] for o in select["options"] if o["value"] != "keep")
    await h.choose(decider, panel, select["custom_id"], [answer])
    assert "the default if you do not answer" not in panel.text()
    for person in players:
        await h.click(person, await t.open_panel(h, person), label="Submit")
    resolved = await services.rounds.get(match.id, 1, SYSTEM)
    decided = [r for r in resolved.records if r.kind == "decision"]
    assert [r.detail for r in decided] == [answer], "the seat's own answer was used"


async def test_teams_share_a_seat_and_the_host_assigns_and_removes(harness: Harness) -> None:
    h = harness
    ana, ben, cleo = h.user("Ana"), h.user("Ben"), h.user("Cleo")
    await h.slash(ana, "match new", teams=True)
    lobby = t.lobby(h)
    first = lobby.components()[0]
    await h.click(ana, lobby, custom_id=first["custom_id"])
    await h.click(ben, lobby, custom_id=first["custom_id"])
    assert lobby.component(custom_id=first["custom_id"])["label"].endswith("· 2 players")
    seat = first["custom_id"].rsplit(":", 1)[1]
    other = lobby.components()[1]["custom_id"].rsplit(":", 1)[1]
    assigned = await h.slash(ana, "match assign", seat=other, player=cleo)
    assert assigned.ephemeral and "Cleo" in assigned.text
    match = await h.runtime.services.matches.get(1, SYSTEM)
    assert match.seat_of(str(cleo.id)) == other and match.seat_of(str(ben.id)) == seat
    other_button = lobby.components()[1]["custom_id"]
    assert "Cleo" in lobby.component(custom_id=other_button)["label"]  # the lobby was redrawn
    refused = await h.slash(ben, "match remove", player=cleo)
    assert refused.ephemeral and "only the host" in refused.text.lower()
    await h.slash(ana, "match remove", player=cleo)
    assert (await h.runtime.services.matches.get(1, SYSTEM)).seat_of(str(cleo.id)) is None
    assert "Cleo" not in lobby.component(custom_id=other_button)["label"]
