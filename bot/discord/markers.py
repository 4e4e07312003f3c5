"""The marker each announcement post carries, and finding it again in a channel.

Discord drops a resent message with the same nonce only for a few minutes, so the nonce cannot
be the whole story: after an attempt whose outcome is unknown (the connection dropped, Discord
answered 5xx, or the bot restarted with the announcement still pending), the announcer looks
for its marker among the channel's latest messages before posting again. The marker is the
announcement's nonce and the post's index, shown small: in the last embed's footer, or as a
subtext line under a message with no embed.
"""

from __future__ import annotations

import re
from collections.abc import Collection

import discord

from bot.discord import limits

LOOKBACK = 100  # messages read back (Discord's page size): a burst never posts more after it
_FOUND = re.compile(r"ref ([0-9a-f]{20}\.\d+)")


def marker(nonce: str, index: int) -> str:
    """The marker of post ``index`` of the announcement with this nonce."""
    return f"{nonce}.{index}"


def stamp(
    content: str | None, embeds: list[discord.Embed], mark: str
) -> tuple[str | None, list[discord.Embed]]:
    """The content and embeds of a post with its marker added (copies; limits kept)."""
    tag = f"ref {mark}"
    if embeds:
        last = embeds[-1].copy()
        footer = last.footer.text
        text = f"{footer} · {tag}" if footer else tag
        room = limits.EMBED_TOTAL - sum(len(e) for e in embeds) + len(footer or "")
        if len(text) <= min(room, limits.FOOTER):
            last.set_footer(text=text, icon_url=last.footer.icon_url)
            return content, [*embeds[:-1], last]
        # No room left in the embeds (6000 characters over the message): the content has it.
    line = f"-# {tag}"
    if not content:
        return line, embeds
    return limits.fit(content, limits.CONTENT - len(line) - 1) + "\n" + line, embeds


def found_in(message: discord.Message) -> set[str]:
    """The markers a message carries (in its content or embed footers)."""
    texts = [message.content] + [e.footer.text or "" for e in message.embeds]
    return {m for text in texts for m in _FOUND.findall(text)}


async def present(
    channel: discord.abc.Messageable, author_id: int, wanted: Collection[str]
) -> set[str]:
    """Which of ``wanted`` are on the bot's own messages among the channel's latest ones."""
    seen: set[str] = set()
    async for message in channel.history(limit=LOOKBACK):
        if message.author.id == author_id:
            seen |= found_in(message) & set(wanted)
    return seen
