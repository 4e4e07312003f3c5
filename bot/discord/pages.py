"""Packing long text into embeds and messages within Discord's limits, never cutting it.

Text is split between lines into embed descriptions (4096 characters), embeds are grouped into
messages (10 embeds, 6000 characters), and each step is checked before anything is sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import discord

from bot.discord import limits

DESCRIPTION = 4000  # a little under Discord's 4096, so a title and footer always fit too


def embeds(
    title: str,
    lines: Iterable[str],
    colour: discord.Colour | int | None = None,
    footer: str | None = None,
) -> list[discord.Embed]:
    """The lines as one embed, or several (``title (2/3)``) when they do not fit in one."""
    chunks = limits.split_text(lines, DESCRIPTION) or [""]
    made = []
    for index, chunk in enumerate(chunks, 1):
        suffix = f" ({index}/{len(chunks)})" if len(chunks) > 1 else ""
        name = limits.fit(title, limits.EMBED_TITLE - len(suffix)) + suffix
        embed = discord.Embed(title=name, description=chunk or None, colour=colour)
        if footer and index == len(chunks):
            embed.set_footer(text=limits.fit(footer, limits.FOOTER))
        made.append(embed)
    return made


def messages(all_embeds: Sequence[discord.Embed]) -> list[list[discord.Embed]]:
    """Group embeds into messages that each respect the 10-embed and 6000-character limits."""
    grouped: list[list[discord.Embed]] = []
    current: list[discord.Embed] = []
    size = 0
    for embed in all_embeds:
        length = len(embed)
        if length > limits.EMBED_TOTAL:
            raise limits.LimitExceeded(f"one embed has {length} characters")
        if current and (len(current) == limits.EMBEDS or size + length > limits.EMBED_TOTAL):
            grouped.append(current)
            current, size = [], 0
        current.append(embed)
        size += length
    if current:
        grouped.append(current)
    for group in grouped:
        limits.check_embeds(group)
    return grouped
