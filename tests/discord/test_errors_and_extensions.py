"""Extensions load by walking ``cogs`` with unique command names within Discord's limits; an
unexpected error reaches the player as a short ephemeral note and the log with its traceback."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from discord import app_commands

from bot.discord.client import LeversBot, extension_names
from tests.discord import transcript as t
from tests.discord.conftest import make_settings
from tests.discord.harness import Harness


async def test_every_extension_loads_and_no_command_name_is_used_twice(tmp_path: Path) -> None:
    names = extension_names()
    assert {"cogs.match", "cogs.orders", "cogs.lobby"} <= set(names)
    assert not any(n.rsplit(".", 1)[1].startswith("_") for n in names)
    bot = LeversBot(make_settings(tmp_path))
    try:
        for name in names:
            await bot.load_extension(name)
        top = [c.name for c in bot.tree.get_commands()]
        assert len(top) == len(set(top)), f"duplicate command names: {top}"
        everything = [c.qualified_name for c in bot.tree.walk_commands()]
        assert len(everything) == len(set(everything))
        assert len(top) <= 100
        for command in bot.tree.walk_commands():
            assert len(command.name) <= 32 and 1 <= len(command.description) <= 100
            if isinstance(command, app_commands.Command):
                assert len(command.parameters) <= 25
    finally:
        await bot.close()


async def test_an_unexpected_error_is_reported_briefly_and_logged_in_full(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    ana = h.user("Ana")
    await h.slash(ana, "match new", rounds=1)
    lobby = t.lobby(h)
    await h.click(ana, lobby, custom_id=lobby.components()[0]["custom_id"])
    await h.click(ana, lobby, label="Start")

    async def broken(match_id: int, player: str) -> None:
        raise RuntimeError("the database melted")

    monkeypatch.setattr(h.runtime.drafts, "panel", broken)
    shown = await h.click(ana, t.briefing(h), label="Orders")
    assert shown.ephemeral and "something went wrong" in shown.text
    assert "melted" not in shown.text, "no internals in the player's message"
    [record] = h.errors.records
    assert record.name == "levers.discord" and record.levelno == logging.ERROR
    assert record.exc_info is not None and "melted" in str(record.exc_info[1])
    reference = shown.text.split("`")[1]
    assert reference in record.getMessage(), "the player can quote the log's reference"
    h.errors.records.clear()


async def test_a_slash_command_has_the_same_error_path(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    ana = h.user("Ana")
    await h.slash(ana, "match new", rounds=1)
    refused = await h.slash(ana, "match status", match=99)
    assert refused.ephemeral and refused.text.startswith("There is no match 99")
    assert not h.errors.records, "a refusal is not an error"

    async def broken(*args: object) -> None:
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr(h.runtime.services.matches, "get", broken)
    shown = await h.slash(ana, "match status", match=1)
    assert shown.ephemeral and "something went wrong" in shown.text
    assert "fire" not in shown.text
    [record] = h.errors.records
    assert record.exc_info is not None and "fire" in str(record.exc_info[1])
    assert shown.text.split("`")[1] in record.getMessage()
    h.errors.records.clear()


def test_no_command_wraps_its_own_error_handling() -> None:
    cogs = Path(__file__).parents[2] / "cogs"
    for source in cogs.glob("*.py"):
        assert "guarded(" not in source.read_text(), (
            f"{source.name} handles errors itself: let on_error (bot.discord.replies) do it"
        )
