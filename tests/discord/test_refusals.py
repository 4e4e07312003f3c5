"""Every refusal is ephemeral and polite, and changes nothing.

Non-players, players of another seat, buttons of an old round, forged custom_ids, select values
outside the offered options, and actions in the wrong phase; and two simultaneous clicks on
Submit store one set of orders.
"""

from __future__ import annotations

import pytest

from bot.services.models import MAX_ARGUMENT, SYSTEM, Actor
from bot.services.throttle import BURST, Throttle
from tests.discord import transcript as t
from tests.discord.fake.payloads import FakeUser
from tests.discord.harness import Harness
from tests.discord.result import Result


def refused(result: Result, *words: str) -> str:
    """The refusal's text, after checking it is one ephemeral, polite sentence or two."""
    assert result.messages, "the bot did not answer"
    answer = result.messages[-1]
    assert answer.ephemeral, f"a refusal must be ephemeral: {answer.text()!r}"
    assert answer.owner == result.record.user.id
    text = answer.content
    assert text[:1].isupper() and text.rstrip().endswith((".", "!", "?")), text
    for word in words:
        assert word.lower() in text.lower(), f"{word!r} not in {text!r}"
    return text


@pytest.fixture
async def started(harness: Harness) -> tuple[Harness, FakeUser, FakeUser]:
    """Match 1 with Ana (host) and Ben seated, started: round 1 is open."""
    h = harness
    ana, ben = h.user("Ana"), h.user("Ben")
    await t.start_two_player_match(h, ana, ben)
    return h, ana, ben


async def test_lobby_refusals(harness: Harness) -> None:
    h = harness
    ana, ben = h.user("Ana"), h.user("Ben")
    await h.slash(ana, "match new")
    lobby = t.lobby(h)
    first = lobby.components()[0]["custom_id"]
    await h.click(ana, lobby, custom_id=first)
    refused(await h.click(ben, lobby, custom_id=first), "already holds")
    refused(await h.click(ben, lobby, label="Start"), "only the host or a moderator")
    refused(await h.click(ben, lobby, label="Leave my seat"), "no seat")
    match = await h.runtime.services.matches.get(1, SYSTEM)
    assert match.phase == "lobby" and match.seat_of(str(ben.id)) is None


async def test_a_moderator_may_start_someone_elses_match(harness: Harness) -> None:
    h = harness
    ana, mod = h.user("Ana"), h.user("Mo", moderator=True)
    await h.slash(ana, "match new")
    await h.click(mod, t.lobby(h), label="Start")
    assert (await h.runtime.services.matches.get(1, SYSTEM)).phase == "orders"


async def test_non_players_and_old_rounds_are_refused(
    started: tuple[Harness, FakeUser, FakeUser],
) -> None:
    h, ana, ben = started
    first_briefing = t.briefing(h)
    refused(await h.click(h.user("Zoe"), first_briefing, label="Orders"), "no seat")
    await t.play_first_move(h, ana, "a")
    old_panel = await t.open_panel(h, ben)
    await t.play_first_move(h, ben, "b")
    assert t.briefing(h).id != first_briefing.id, "round 2 has its own briefing"
    refused(await h.click(ana, first_briefing, label="Orders"), "round 1", "round 2")
    refused(await h.click(ben, old_panel, label="Submit"), "round 1")


async def test_forged_custom_ids_and_values_are_refused(
    started: tuple[Harness, FakeUser, FakeUser],
) -> None:
    h, ana, ben = started
    briefing = t.briefing(h)
    refused(await h.forge(ana, briefing, "lv:m:1:r:1:submit"), "not on this message")
    refused(await h.forge(ana, briefing, "lv:m:1:r:1:orders:" + "x" * 200), "not one i know")
    panel = await t.open_panel(h, ana)
    pick = str(t.pick_select(panel)["custom_id"])
    refused(await h.choose(ana, panel, pick, ["us.made_up"], forge=True), "not one of the options")
    their_move = t.pick_select(await t.open_panel(h, ben))["options"]
    assert isinstance(their_move, list)
    other = str(their_move[0]["value"])
    # Another seat's move: the modal opens at once (nothing slow before a modal), and its
    # submission is refused.
    opened = await h.choose(ana, panel, pick, [other], forge=True)
    refused(await h.submit(ana, opened, {"argument": "x"}), "not one your seat")
    forged = f"lv:m:1:r:1:arg:{other}"
    refused(await h.forge_modal(ana, panel, forged, {"argument": "x"}), "not one your seat")
    refused(await h.forge_modal(ana, panel, "lv:m:1:r:9:arg:x.y", {"argument": "x"}), "round 9")
    _seat, _round, draft = await h.runtime.drafts.get(1, Actor(str(ana.id)))
    assert draft.moves == (), "nothing forged reached the draft"


async def test_wrong_phase_and_permissions(started: tuple[Harness, FakeUser, FakeUser]) -> None:
    h, ana, ben = started
    refused(await h.slash(ana, "match resume"), "not paused")
    refused(await h.slash(ben, "match pause"), "only the host or a moderator")
    refused(await h.slash(ben, "match substitute", seat="us"), "only the host or a moderator")
    refused(await h.slash(h.user("Zoe"), "match status", match=99), "no match 99")
    await h.slash(ana, "match end", reason="time is up")
    refused(await h.slash(ana, "match leave", match=1), "over")
    refused(await h.click(ben, t.briefing(h), label="Orders"), "over")


async def test_two_simultaneous_submits_store_one_set_of_orders(
    started: tuple[Harness, FakeUser, FakeUser],
) -> None:
    h, ana, ben = started
    await t.play_first_move(h, ben, "ben's")
    panel = await t.open_panel(h, ana)
    options = t.pick_select(panel)["options"]
    assert isinstance(options, list)
    await t.add_move(h, ana, panel, str(options[0]["value"]), "ana's")
    button = panel.component(label="Submit")
    data = {"custom_id": button["custom_id"], "component_type": 2}
    first = h.start_interaction(ana, 3, data, panel.channel_id, panel)
    second = h.start_interaction(ana, 3, data, panel.channel_id, panel)
    await h.settle()
    assert first.callbacks == [6] and second.callbacks == [6]
    history = await h.runtime.services.rounds.history(1, SYSTEM)
    assert [r.round for r in history] == [0, 1], "round 1 resolved exactly once"
    locked = history[1].orders
    ana_seat = next(s for s, o in locked.items() if o.source == "players" and "ana's" in str(o))
    assert len(locked[ana_seat].orders.moves) == 1
    reveals = [m for m in h.channel_messages(t.thread_id(h)) if "the orders" in m.text()]
    assert len(reveals) == 1, "one reveal"


async def test_clicking_faster_than_a_person_gets_a_cooldown_and_changes_nothing(
    harness: Harness,
) -> None:
    h = harness
    ana, ben = h.user("Ana"), h.user("Ben")
    await h.slash(ana, "match new")
    h.runtime.services.ctx.throttle = Throttle(clock=lambda: 0.0)  # every click at once
    lobby = t.lobby(h)
    seat = lobby.components()[0]["custom_id"]
    for _ in range(BURST):
        t.accepted(await h.click(ben, lobby, custom_id=seat))
    held = (await h.runtime.services.matches.get(1, SYSTEM)).seat_of(str(ben.id))
    log = await h.runtime.services.matches.log(1, SYSTEM)
    refused(await h.click(ben, lobby, custom_id=seat), "wait a moment", "nothing was saved")
    assert (await h.runtime.services.matches.get(1, SYSTEM)).seat_of(str(ben.id)) == held
    assert await h.runtime.services.matches.log(1, SYSTEM) == log
    t.accepted(await h.click(ana, lobby, label="Start"))  # others are not slowed down


async def test_the_argument_form_states_its_cap_and_a_longer_text_is_refused_not_cut(
    started: tuple[Harness, FakeUser, FakeUser],
) -> None:
    h, ana, _ben = started
    panel = await t.open_panel(h, ana)
    pick = str(t.pick_select(panel)["custom_id"])
    options = t.pick_select(panel)["options"]
    assert isinstance(options, list)
    move = str(options[0]["value"])
    opened = await h.choose(ana, panel, pick, [move])
    [field] = opened.modal["components"][0]["components"]  # then the two forecast selects
    assert field["max_length"] == MAX_ARGUMENT and str(MAX_ARGUMENT) in field["placeholder"]
    forged = f"lv:m:1:r:1:arg:{move}"
    too_long = "word " * 600  # 3,000 characters, past what the form lets anyone type
    refused(await h.forge_modal(ana, panel, forged, {"argument": too_long}), "at most 1000")
    _seat, _round, draft = await h.runtime.drafts.get(1, Actor(str(ana.id)))
    assert draft.moves == (), "nothing was stored, not even a cut-down argument"
