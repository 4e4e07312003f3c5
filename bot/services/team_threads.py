"""Where each team of a match talks in private: its thread (``team_threads``).

Written by the Discord front end once it has created a team's thread (at the start of a match
played in teams); read when members join or leave, to add or remove them.
"""

from __future__ import annotations

from bot.services.context import Context
from db.repos import team_threads


class TeamThreadService:
    """The private thread of each team."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    async def set(self, match_id: int, seat: str, thread_id: str) -> None:
        """Remember a team's thread."""
        async with self._ctx.write() as tx:
            await team_threads.set_thread(tx, match_id, seat, thread_id)

    async def of_match(self, match_id: int) -> dict[str, str]:
        """Each team's thread: seat -> thread id (empty before the match starts)."""
        async with self._ctx.read() as tx:
            return await team_threads.of_match(tx, match_id)
