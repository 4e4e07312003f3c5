"""Discord rendering of a scenario: its summary (for ``/scenarios`` and a match lobby)."""

from __future__ import annotations

import discord

from bot.discord import pages
from bot.discord.text import esc
from bot.game.scenario import Scenario


def colour(hex_colour: str) -> discord.Colour:
    """A seat's ``#rrggbb`` colour."""
    return discord.Colour(int(hex_colour.lstrip("#"), 16))


def summary_lines(scenario: Scenario) -> list[str]:
    """The scenario's description, source, length and seats, escaped."""
    meta = scenario.meta
    lines = [esc(meta.description.strip()), ""]
    lines.append(f"**Rounds:** {meta.rounds} · **Players:** {meta.players.min}–{meta.players.max}")
    lines.append(f"**Source:** {esc(meta.source)}")
    lines.append("")
    lines.append("**Seats**")
    for seat in scenario.seats:
        first = seat.description.strip().splitlines()[0] if seat.description.strip() else ""
        lines.append(f"• **{esc(seat.name)}** ({seat.budget} AP): {esc(first)}")
    return lines


def summary_embeds(scenario: Scenario, footer: str | None = None) -> list[discord.Embed]:
    """The summary as embeds (several when the description is long)."""
    title = f"{scenario.meta.title} (v{scenario.meta.version})"
    return pages.embeds(
        title, summary_lines(scenario), colour=discord.Colour.blurple(), footer=footer
    )
