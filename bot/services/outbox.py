"""The outbox: what must be announced, written with the change; sent only after the commit.

Kinds and payloads (every payload has ``match_id``):
``match_started`` {round, seats: {seat: controller}, deadline_at};
``round_resolved`` {round, finished, ending, next_round, deadline_at, winners};
``match_ended`` {reason: "finished"|"ended", ending?, winners, scores?, note?, by?};
``reminder`` {which: "half"|"last_minute", round, deadline_at, waiting: [seats], players};
``match_paused`` {by, reason}; ``match_resumed`` {by, deadline_at};
``seat_substituted`` {seat, removed, player, name};
``deal_offer`` {deal, seat, proposer, round} (an AI's offer to a people's seat, posted where only
that seat's team sees it).
Send each, then call ``mark_sent``. A crash or an uncertain failure in between must not post
twice: the Discord announcer marks every post with ``ref <nonce>.<index>`` and, before sending
again, looks for that marker in the channel (``bot/discord/markers.py``); Discord's own nonce
(``enforce_nonce=True``) is only a first line, since Discord forgets it after a few minutes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.services.context import Context
from db.models import Announcement
from db.repos import outbox as repo
from db.repos.outbox import Scope

Sender = Callable[[Announcement], Awaitable[None]]


class OutboxService:
    """Pending announcements and their delivery bookkeeping."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    async def pending(
        self, *, scope: Scope = "all", match_id: int | None = None, limit: int = 100
    ) -> list[Announcement]:
        """Unsent announcements, oldest first (``discord``: with a channel; ``local``: without)."""
        async with self._ctx.read() as tx:
            return await repo.pending(
                tx, scope=scope, match_id=match_id, limit=limit, shards=self._ctx.shards
            )

    async def mark_sent(self, announcement_id: int) -> bool:
        """Record that an announcement went out; False when it already was marked."""
        async with self._ctx.write() as tx:
            return await repo.mark_sent(tx, announcement_id, self._ctx.now())

    async def mark_failed(self, announcement_id: int, error: str) -> None:
        """Record a failed attempt (the announcement stays pending)."""
        async with self._ctx.write() as tx:
            await repo.mark_failed(tx, announcement_id, error)

    async def of_match(self, match_id: int) -> list[Announcement]:
        """Every announcement of a match, sent or not."""
        async with self._ctx.read() as tx:
            return await repo.for_match(tx, match_id)

    async def deliver(
        self, send: Sender, *, scope: Scope = "all", match_id: int | None = None
    ) -> int:
        """Send every pending announcement in order, marking each sent after ``send`` returns.

        Stops at the first failure (it is recorded and re-raised) so order is kept.
        Returns how many were sent.
        """
        sent = 0
        for item in await self.pending(scope=scope, match_id=match_id):
            try:
                await send(item)
            except Exception as err:
                await self.mark_failed(item.id, repr(err))
                raise
            await self.mark_sent(item.id)
            sent += 1
        return sent
