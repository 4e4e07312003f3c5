"""Clicks, their views and modals are freed by reference counting once handled, not left in
reference cycles for the garbage collector (bot/discord/release.py, ``components.unlink``)."""

from __future__ import annotations

import gc
from collections import Counter
from typing import Any

import discord

from bot.discord.release import holds_of
from tests.discord import transcript as t
from tests.discord.harness import Harness


async def play_turn(h: Harness, user: Any) -> None:
    """Orders, a pick with its modal, the argument, Submit: every kind of click a turn has."""
    await t.play_first_move(h, user, "because")
    await h.settle()


async def test_a_played_turn_leaves_no_cycles_for_the_collector(harness: Harness) -> None:
    h = harness
    ana, ben = h.user("Ana"), h.user("Ben")
    await t.start_two_player_match(h, ana, ben)
    await t.open_panel(h, ana)  # first-use caches filled outside the measured turn
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what a pass finds unreachable is kept in gc.garbage
    try:
        await play_turn(h, ana)
        gc.collect()
        ours = Counter(
            type(o).__qualname__
            for o in gc.garbage
            if type(o).__module__.split(".")[0] in ("discord", "bot", "cogs")
        )
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert not ours, f"left for the collector: {ours.most_common(10)}"
    holds = holds_of(h.bot) if h.bot is not None else None
    assert holds is not None and holds.released >= 4 and holds.held() == 0


async def test_an_interaction_someone_else_still_holds_keeps_its_response(
    harness: Harness,
) -> None:
    h = harness
    ana, ben = h.user("Ana"), h.user("Ben")
    await t.start_two_player_match(h, ana, ben)
    kept = t.interactions_seen(h)
    assert h.bot is not None
    holds = holds_of(h.bot)
    assert holds is not None
    before = holds.released
    await play_turn(h, ana)
    assert kept and holds.released == before  # every click was still held by the listener
    assert all(i.response.is_done() for i in kept)  # their answers are still known as sent


async def test_a_sent_panel_is_not_kept_by_discord_py(harness: Harness) -> None:
    h = harness
    ana, ben = h.user("Ana"), h.user("Ben")
    await t.start_two_player_match(h, ana, ben)
    await t.open_panel(h, ana)
    gc.collect()

    def views() -> int:
        return sum(isinstance(o, discord.ui.View) for o in gc.get_objects())

    before = views()
    for _ in range(3):
        await play_turn(h, ana)  # three ephemeral panels, each with its view
    gc.collect()
    assert views() <= before
