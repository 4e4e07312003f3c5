"""The renderer keeps to Discord's limits by itself, and long content is split, never cut."""

from __future__ import annotations

import discord
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.discord import limits, pages
from bot.scenarios import default_id, read_scenario
from tests.discord import transcript as t
from tests.discord.harness import Harness

lines_strategy = st.lists(st.text(min_size=0, max_size=3000), max_size=30)


@given(lines_strategy, st.integers(min_value=20, max_value=4096))
def test_split_text_keeps_every_character_within_the_limit(lines: list[str], limit: int) -> None:
    chunks = limits.split_text(lines, limit)
    assert all(len(c) <= limit for c in chunks)
    squash = str.maketrans("", "", " \n")
    assert "".join(chunks).translate(squash) == "".join(lines).translate(squash)


@given(st.lists(st.text(min_size=1, max_size=500), max_size=60))
def test_long_sections_become_several_embeds_and_messages(lines: list[str]) -> None:
    embeds = pages.embeds("A title " * 40, lines, footer="f" * 3000)
    for group in pages.messages(embeds):
        limits.check_embeds(group)


def test_the_checks_refuse_what_discord_would() -> None:
    with pytest.raises(limits.LimitExceeded):
        limits.check_content("x" * 2001)
    with pytest.raises(limits.LimitExceeded):
        limits.check_embeds([discord.Embed(description="x" * 4097)])
    with pytest.raises(limits.LimitExceeded):
        limits.check_embeds([discord.Embed(description="x" * 4000) for _ in range(2)])
    with pytest.raises(limits.LimitExceeded):
        limits.check_embeds([discord.Embed(title="t") for _ in range(11)])


async def test_a_reveal_of_long_arguments_is_split_and_complete(harness: Harness) -> None:
    h = harness
    players = [h.user(n) for n in ("Ana", "Ben", "Cleo")]
    await h.slash(players[0], "match new", rounds=1)
    lobby = t.lobby(h)
    for player, button in zip(players, lobby.components(), strict=False):
        await h.click(player, lobby, custom_id=button["custom_id"])
    await h.click(players[0], lobby, label="Start")
    written: list[str] = []
    scenario, _raw, _path = read_scenario(default_id())
    for number, player in enumerate(players):
        panel = await t.open_panel(h, player)
        chosen: set[str] = set()
        for slot in range(3):
            options = t.pick_select(panel)["options"]
            assert isinstance(options, list)
            # The first move that the moves already chosen do not exclude (boycott and run).
            value = next(
                str(o["value"])
                for o in options
                if not scenario.exclusions(str(o["value"])) & chosen
            )
            chosen.add(value)
            text = f"<{number}.{slot}>" + ("word " * 200)[: 1000 - 10]
            written.append(text)
            await t.add_move(h, player, panel, value, text)
        await h.click(player, panel, label="Submit")
    thread = h.channel_messages(t.thread_id(h))
    reveal = "\n".join(e.get("description") or "" for m in thread for e in m.embeds)
    for text in written:
        assert text.strip() in reveal.replace("\n> ", " ").replace("\n", " ")
    assert sum(len(m.embeds) for m in thread) > 4, "the reveal was split over several embeds"


def test_a_shortened_text_ends_at_a_word_with_a_mark() -> None:
    fit = limits.fit
    text = "Release the water for the downstream farms before the harvest"
    short = fit(text, 40)
    assert len(short) <= 40 and short.endswith("…")
    assert text.startswith(short[:-1]) and text[len(short) - 1] == " ", "cut between words"
    assert fit("x" * 50, 10) == "x" * 9 + "…", "one long word is cut, still marked"
    assert fit(text, 100) == text
