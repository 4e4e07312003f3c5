"""The marker on announcement posts keeps every Discord limit, wherever it has to go."""

from __future__ import annotations

import discord

from bot.discord import limits, markers

MARK = markers.marker("0123456789abcdef0123", 3)


def test_the_marker_goes_in_the_last_footer_when_there_is_room() -> None:
    embeds = [discord.Embed(description="a"), discord.Embed(description="b").set_footer(text="f")]
    content, stamped = markers.stamp(None, embeds, MARK)
    assert content is None
    assert stamped[-1].footer.text == f"f · ref {MARK}"
    assert embeds[-1].footer.text == "f", "the caller's embeds are left alone"


def test_full_embeds_put_the_marker_in_the_content_instead() -> None:
    embeds = [discord.Embed(description="x" * 4000), discord.Embed(description="y" * 1995)]
    content, stamped = markers.stamp(None, embeds, MARK)
    limits.check_embeds(stamped)
    assert content == f"-# ref {MARK}"


def test_long_content_is_shortened_to_fit_the_marker() -> None:
    content, _ = markers.stamp("z" * limits.CONTENT, [], MARK)
    assert content is not None and len(content) <= limits.CONTENT
    assert content.endswith(f"\n-# ref {MARK}")
