"""Early answers: what a handler answers first goes out from the parser, on the sender's thread.

The whole Discord suite runs with early answers on (the default), so every flow checks that the
player sees the same answers; these tests check what is particular to them: the answer is handed
to the sender before the event loop runs anything, the pick's modal is the one ``pick`` builds,
it falls back to the handler when it cannot know the answer (after a restart, another server),
a failed early answer is made again by the handler, a registration that disagrees with its
handler is reported, and ``LEVERS_EARLY_ACK=0`` turns it all off.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import discord

from bot.discord import ids, render_orders
from bot.discord.components import Given, router_of
from bot.discord.early import DEFER, Asked, EarlyAcks
from bot.discord.ids import Route
from bot.scenarios import default_id, read_scenario
from tests.discord import transcript as t
from tests.discord.conftest import make_settings, running
from tests.discord.fake.faults import Fault
from tests.discord.fake.state import Sent
from tests.discord.harness import Harness
from tests.discord.result import Result


def early(h: Harness) -> EarlyAcks:
    assert h.bot is not None
    return h.bot.early


async def two_players(h: Harness) -> tuple[Any, Any]:
    ana, ben = h.user("Ana"), h.user("Ben")
    await t.start_two_player_match(h, ana, ben)
    return ana, ben


async def panel_shown(h: Harness) -> tuple[Any, Sent, dict[str, Any], str]:
    """A started match; Ana's panel, its pick select and the first move it offers."""
    ana, _ben = await two_players(h)
    panel = await t.open_panel(h, ana)
    select = t.pick_select(panel)
    return ana, panel, select, str(select["options"][0]["value"])  # type: ignore[index]


def orders_click(h: Harness, user: Any, briefing: Sent) -> Any:
    data = {"custom_id": briefing.component(label="Orders")["custom_id"], "component_type": 2}
    return h.start_interaction(user, 3, data, briefing.channel_id, briefing)


async def test_known_answers_are_sent_from_the_parser_before_the_loop_runs(
    harness: Harness,
) -> None:
    h = harness
    ana, _ben = await two_players(h)
    before = early(h).sent
    # start_interaction feeds the payload and returns without yielding to the event loop: the
    # answer is with the sender already, before any handler could have run
    record = orders_click(h, ana, t.briefing(h))
    assert early(h).sent == before + 1
    assert record.callbacks == [], "nothing reached Discord through the handler yet"
    await h.settle()
    assert record.callbacks == [5] and record.deferred_ephemeral, "thinking, privately"
    panel = h.http.messages[record.followups[-1]]
    assert t.pick_select(panel), "then the handler's panel, as a followup"

    # the pick's modal is built from the scenario remembered when the panel was read
    select = t.pick_select(panel)
    move = str(select["options"][0]["value"])  # type: ignore[index]
    data = {"custom_id": select["custom_id"], "component_type": 3, "values": [move]}
    pick = h.start_interaction(ana, 3, data, panel.channel_id, panel)
    assert early(h).sent == before + 2, "the modal too went out from the parser"
    await h.settle()
    assert pick.callbacks == [9]
    scenario, _raw, _path = read_scenario(default_id())
    found = next(m for m in scenario.moves if m.id == move)
    match_id, round_number = _match_and_round(str(select["custom_id"]))
    expected = render_orders.ArgumentModal(scenario, match_id, round_number, found).to_dict()
    assert pick.modal == expected, "the same modal the pick handler builds"

    # the argument and Submit: deferred updates, then the panel is redrawn in place
    argued = await h.submit(ana, Result(pick, h.http), {"argument": "Talks first."})
    assert argued.record.callbacks == [6] and argued.record.edits >= 1
    submitted = await h.click(ana, panel, label="Submit")
    assert submitted.record.callbacks == [6]
    assert early(h).sent == before + 4


def _match_and_round(custom_id: str) -> tuple[int, int]:
    parts = custom_id.split(":")
    return int(parts[parts.index("m") + 1]), int(parts[parts.index("r") + 1])


async def test_a_pick_the_parser_cannot_build_is_answered_by_its_handler(
    harness: Harness,
) -> None:
    h = harness
    ana, panel, select, move = await panel_shown(h)
    await h.restart()  # a new process: nothing remembered
    sent = early(h).sent
    opened = await h.choose(ana, panel, str(select["custom_id"]), [move])
    assert early(h).sent == sent, "no early modal without the scenario in memory"
    assert opened.record.callbacks == [9] and opened.modal is not None, "the handler opened it"
    # a move the panel never offered: no early modal, and the handler refuses it
    forged = await h.choose(ana, panel, str(select["custom_id"]), ["no_such_move"], forge=True)
    assert early(h).sent == sent and forged.record.modal is None
    assert "not one of the options" in forged.text


async def test_the_scenario_remembered_for_one_server_is_not_used_for_another(
    harness: Harness,
) -> None:
    h = harness
    ana, _panel, select, move = await panel_shown(h)
    route = _asked(str(select["custom_id"]), move, ana.id, h.guild_id)
    pick_early = router_of(h.bot).early("pick")  # type: ignore[arg-type]
    assert callable(pick_early)
    assert pick_early(early(h), route) is not None, "on its own server: built"
    elsewhere = _asked(str(select["custom_id"]), move, ana.id, h.guild_id + 1)
    assert pick_early(early(h), elsewhere) is None, "another server: left to the handler"
    someone_else = _asked(str(select["custom_id"]), move, ana.id + 1, h.guild_id)
    assert pick_early(early(h), someone_else) is None, "another player: left to the handler"


def _asked(custom_id: str, move: str, user_id: int, guild_id: int) -> Asked:
    route = ids.parse(custom_id)
    assert route is not None
    return Asked(route=route, values=(move,), user_id=user_id, guild_id=guild_id)


async def test_an_early_answer_whose_answer_is_lost_is_asked_again(harness: Harness) -> None:
    h = harness
    ana, _ben = await two_players(h)
    # Discord stores the deferral, the connection drops before its answer: the bot asks again,
    # and "already acknowledged" tells it the first arrived
    h.http.faults.on("callback", Fault.lost())
    record = orders_click(h, ana, t.briefing(h))
    await h.settle()
    assert h.http.faults.injected["lost"] == 1
    assert record.callbacks == [5], "acknowledged once"
    assert t.pick_select(h.http.messages[record.followups[-1]]), "and the panel followed"
    assert [f for f in h.http.failures if "already been acknowledged" in f] == h.http.failures
    assert len(h.http.failures) == 1
    h.http.failures.clear()  # the second attempt's refusal is the expected answer
    assert not h.errors.records


async def test_an_early_answer_that_differs_from_its_handler_is_reported(
    harness: Harness,
) -> None:
    h = harness
    ana = h.user("Ana")
    ran: list[str] = []

    async def private(interaction: discord.Interaction[Any], route: Route, given: Given) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        ran.append("handler")
        await interaction.followup.send("done", ephemeral=True)

    assert h.bot is not None
    router_of(h.bot).add("zzz", private, DEFER)  # wrong: the handler thinks privately
    button = {"type": 2, "style": 2, "label": "Z", "custom_id": "lv:zzz"}
    body = {"content": "x", "components": [{"type": 1, "components": [button]}]}
    message = h.http.store(h.channel_id, body, ephemeral=False, owner=None, iid=None)
    await h.click(ana, message, label="Z")
    assert ran == ["handler"]
    logged = [r.getMessage() for r in h.errors.records]
    assert any("but its handler deferred as" in m for m in logged), logged
    h.errors.records.clear()


async def test_early_answers_can_be_turned_off(tmp_path: Path) -> None:
    settings = make_settings(tmp_path).model_copy(update={"early_ack": False})
    async with running(Harness(settings)) as h:
        ana, ben = await two_players(h)
        await t.play_first_move(h, ana, "Off: the handler answers.")
        assert not early(h).enabled and early(h).sent == 0
        assert t.pick_select(await t.open_panel(h, ben)), "Ben's panel, from the handler"


async def _acknowledged_while_the_loop_is_blocked(tmp_path: Path, early_ack: bool) -> bool:
    """Click Orders, then block the bot's event loop for half a second: was the click
    acknowledged meanwhile? Only an answer sent off the loop (to a fake Discord that is off it
    too) can be."""
    settings = make_settings(tmp_path).model_copy(update={"early_ack": early_ack})
    async with running(Harness(settings, fake_thread=True)) as h:
        ana, _ben = await two_players(h)
        record = orders_click(h, ana, t.briefing(h))
        time.sleep(0.5)  # blocks the loop: no handler can run, the fake's thread still serves
        acknowledged: bool = record.callbacks == [5]
        await h.settle()
        assert record.callbacks == [5] and record.followups, "answered in the end either way"
    return acknowledged


async def test_the_acknowledgment_does_not_wait_for_a_blocked_loop(tmp_path: Path) -> None:
    assert await _acknowledged_while_the_loop_is_blocked(tmp_path / "on", early_ack=True)
    # the same with early answers off: the handler's deferral waits for the loop
    assert not await _acknowledged_while_the_loop_is_blocked(tmp_path / "off", early_ack=False)
