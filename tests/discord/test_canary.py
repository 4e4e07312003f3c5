"""Canary for the discord.py pin: login → command sync → slash command → button click.

If an upgrade of discord.py changes how it talks to Discord in a way the harness relies on,
this test fails first and loudly.
"""

from __future__ import annotations

import discord

from tests.discord.harness import Harness


async def test_discord_py_is_the_pinned_version() -> None:
    assert discord.__version__ == "2.7.1", "re-check tests/discord/fake against the new version"


async def test_login_sync_slash_command_and_click(harness: Harness) -> None:
    # login: the bot asked who it is, and synced its commands over HTTP
    paths = [(r.method, r.path) for r in harness.http.requests]
    assert ("GET", "/api/v10/users/@me") in paths
    assert harness.command("scenarios")["description"]
    ana = harness.user("Ana")
    # slash command: an ephemeral page with Previous / Next buttons
    shown = await harness.slash(ana, "scenarios")
    assert shown.ephemeral
    assert shown.record.callbacks == [4]
    first = shown.message.embeds[0]["title"]
    # click: the same message now shows another scenario (or the same one when there is one)
    clicked = await harness.click(ana, shown.message, label="Next")
    assert clicked.record.callbacks == [7]
    assert clicked.message.id == shown.message.id
    assert shown.message.embeds[0]["title"] != first or len(shown.message.components()) == 0
