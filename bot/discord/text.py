"""Escaping player and scenario text for Discord, and small formatting helpers."""

from __future__ import annotations

import functools

import discord

from bot.discord import limits


@functools.lru_cache(maxsize=8192)  # scenario names recur in every panel and briefing
def esc(text: str) -> str:
    """Player or scenario text made inert: no markdown, no mentions, no masked links."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def label(text: str, limit: int = limits.BUTTON_LABEL) -> str:
    """A button or option label (shown literally by Discord), shortened to fit with a mark."""
    return limits.fit(" ".join(text.split()), limit)


def quote(text: str) -> str:
    """A player's argument as a block quote."""
    return "\n".join(f"> {esc(line)}" if line else ">" for line in text.splitlines()) or "> …"


def number(value: float | None, unit: str = "") -> str:
    """A metric value as players read it (``hidden`` where the viewer may not see it)."""
    return "hidden" if value is None else f"{value:.1f}{unit}"
