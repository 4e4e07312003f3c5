"""Where a match is played in Discord: its thread (added for the Discord front end).

The thread id is kept in the match's ``settings`` JSON (``discord_thread``), written once, right
after the thread is created and before anything is posted in it.
"""

from __future__ import annotations

from bot.services.context import Context
from bot.services.errors import MatchNotFound

KEY = "discord_thread"


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
