"""Where a match is played in Discord: its thread (added for the Discord front end).

The thread id is kept in the match's ``settings`` JSON (``discord_thread``), written once, right
after the thread is created and before anything is posted in it.
"""

from __future__ import annotations

from bot.services.context import Context
from bot.services.errors import MatchNotFound

KEY = "discord_thread"
LOBBY = "discord_lobby"  # "channel_id/message_id" of the lobby message, so commands can redraw it


class ThreadService:
    """The thread of each match, and the match of each thread."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    async def set(self, match_id: int, thread_id: str) -> None:
        """Remember the match's thread."""
        async with self._ctx.write() as tx:
            changed = await tx.count(
                f"UPDATE matches SET settings = json_set(settings, '$.{KEY}', ?) WHERE id = ?",
                (thread_id, match_id),
            )
        if not changed:
            raise MatchNotFound(match_id)

    async def of_match(self, match_id: int) -> str | None:
        """The match's thread, or None before it has one."""
        async with self._ctx.read() as tx:
            found = await tx.value(
                f"SELECT json_extract(settings, '$.{KEY}') FROM matches WHERE id = ?",
                (match_id,),
            )
        return None if found is None else str(found)

    async def match_in(self, channel_id: str) -> int | None:
        """The match played in this thread, or None."""
        async with self._ctx.read() as tx:
            found = await tx.value(
                f"SELECT id FROM matches WHERE json_extract(settings, '$.{KEY}') = ? "
                "ORDER BY id DESC LIMIT 1",
                (channel_id,),
            )
        return None if found is None else int(found)

    async def set_lobby(self, match_id: int, channel_id: str, message_id: str) -> None:
        """Remember where the match's lobby message is."""
        async with self._ctx.write() as tx:
            changed = await tx.count(
                f"UPDATE matches SET settings = json_set(settings, '$.{LOBBY}', ?) WHERE id = ?",
                (f"{channel_id}/{message_id}", match_id),
            )
        if not changed:
            raise MatchNotFound(match_id)

    async def lobby_of(self, match_id: int) -> tuple[int, int] | None:
        """The (channel id, message id) of the match's lobby, or None when unknown."""
        async with self._ctx.read() as tx:
            found = await tx.value(
                f"SELECT json_extract(settings, '$.{LOBBY}') FROM matches WHERE id = ?",
                (match_id,),
            )
        if found is None:
            return None
        channel, _, message = str(found).partition("/")
        return int(channel), int(message)
