"""Helpers that read like a transcript: find the lobby, the thread, the briefing; give orders."""

from __future__ import annotations

from typing import Any

import discord

from tests.discord.fake.payloads import FakeUser
from tests.discord.fake.state import Sent
from tests.discord.harness import Harness
from tests.discord.result import Result


def lobby(h: Harness) -> Sent:
    """The latest lobby posted in the main channel."""
    found = [m for m in h.channel_messages(h.channel_id) if "Lobby" in m.text()]
    assert found, "no lobby was posted"
    return found[-1]


def thread_id(h: Harness) -> int:
    """The (single) thread the bot opened."""
    # a copy: with Harness(fake_thread=True) the fake may add a channel meanwhile
    threads = [int(c["id"]) for c in list(h.http.channels.values()) if c["type"] == 11]
    assert len(threads) == 1, f"expected one match thread, found {len(threads)}"
    return threads[0]


def briefing(h: Harness) -> Sent:
    """The latest briefing in the match's thread (the message with the Orders button)."""
    found = [
        m
        for m in h.channel_messages(thread_id(h))
        if any(c.get("label") == "Orders" for c in m.components())
    ]
    assert found, "no briefing in the thread"
    return found[-1]


def pick_select(panel: Sent) -> dict[str, object]:
    """The panel's 'Add a move' select."""
    return next(c for c in panel.components() if _is_pick(c))


def has_pick_select(message: Sent) -> bool:
    """Whether ``message`` is an orders panel (it has the 'Add a move' select)."""
    return any(_is_pick(c) for c in message.components())


def _is_pick(component: dict[str, object]) -> bool:
    return str(component.get("custom_id", "")).endswith(":pick")


async def open_panel(h: Harness, user: FakeUser) -> Sent:
    """``user`` presses Orders on the latest briefing and gets their private panel."""
    shown = await h.click(user, briefing(h), label="Orders")
    assert shown.ephemeral, "the orders panel must be ephemeral"
    return shown.message


def accepted(result: Result) -> Result:
    """The result, after checking the bot did not refuse (a refusal is an ephemeral followup)."""
    refusals = [result.http.messages[i].content for i in result.record.followups]
    assert not refusals or result.record.callbacks == [5], f"refused: {refusals}"
    return result


async def add_move(h: Harness, user: FakeUser, panel: Sent, move: str, argument: str) -> Result:
    """Pick a move in the panel and argue for it in the modal."""
    select = pick_select(panel)
    opened = await h.choose(user, panel, str(select["custom_id"]), [move])
    return accepted(await h.submit(user, opened, {"argument": argument}))


async def play_first_move(h: Harness, user: FakeUser, argument: str) -> Sent:
    """Open the panel, add the first move offered with an argument, and submit."""
    panel = await open_panel(h, user)
    options = pick_select(panel)["options"]
    assert isinstance(options, list) and options
    await add_move(h, user, panel, str(options[0]["value"]), argument)
    accepted(await h.click(user, panel, label="Submit"))
    return panel


async def start_two_player_match(h: Harness, host: FakeUser, other: FakeUser) -> None:
    """``host`` opens a two-round match; both take the first two seats; ``host`` starts it."""
    await h.slash(host, "match new", rounds=2)
    found = lobby(h)
    seats = [c["label"] for c in found.components()][:2]
    await h.click(host, found, label=seats[0])
    await h.click(other, found, label=seats[1])
    await h.click(host, found, label="Start")


def interactions_seen(h: Harness) -> list[discord.Interaction[Any]]:
    """Every interaction the bot receives from now on, as its handlers see it (a listener of
    the bot keeps each one, so none is freed before the test ends)."""
    seen: list[discord.Interaction[Any]] = []

    async def keep(interaction: discord.Interaction[Any]) -> None:
        seen.append(interaction)

    assert h.bot is not None, "the bot is not running"
    h.bot.add_listener(keep, "on_interaction")
    return seen
