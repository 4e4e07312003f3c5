"""Where a match is played in Discord: its thread and its lobby message (``match_places``).

The thread is written once, right after it is created and before anything is posted in it; the
lobby message's place lets ``/match assign`` and ``/match remove`` redraw it. These are the bot's
own bookkeeping, read and written by the Discord front end for matches it already found.
"""

from __future__ import annotations

from bot.services.context import Context
from bot.services.errors import MatchNotFound
from db.repos import places


class ThreadService:
    """The thread of each match, and the match of each thread."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    async def set(self, match_id: int, thread_id: str) -> None:
        """Remember the match's thread."""
        async with self._ctx.write() as tx:
            if not await places.set_thread(tx, match_id, thread_id):
                raise MatchNotFound(match_id)

    async def of_match(self, match_id: int) -> str | None:
        """The match's thread, or None before it has one."""
        async with self._ctx.read() as tx:
            return await places.thread_of(tx, match_id)

    async def match_in(self, channel_id: str) -> int | None:
        """The match played in this thread, or None."""
        async with self._ctx.read() as tx:
            return await places.match_in(tx, channel_id)

    async def set_lobby(self, match_id: int, channel_id: str, message_id: str) -> None:
        """Remember where the match's lobby message is."""
        async with self._ctx.write() as tx:
            if not await places.set_lobby(tx, match_id, channel_id, message_id):
                raise MatchNotFound(match_id)

    async def lobby_of(self, match_id: int) -> tuple[int, int] | None:
        """The (channel id, message id) of the match's lobby, or None when unknown."""
        async with self._ctx.read() as tx:
            found = await places.lobby_of(tx, match_id)
        return None if found is None else (int(found[0]), int(found[1]))
