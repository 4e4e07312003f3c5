"""Durable timers: deadlines and reminders are rows; the bot's timer task asks what is due.

The bot runs one task: ``fire_due()``, deliver the outbox, then sleep until ``next_due_at()``
(or a minute, or until woken by a new match). Nothing lives only in memory, so a restart
picks up whatever came due while the bot was down.
"""

from __future__ import annotations

from datetime import datetime

from bot.services.common import announce, iso
from bot.services.context import Context, load_match
from bot.services.errors import ServiceError
from bot.services.models import SYSTEM, FiredTimer
from bot.services.rounds import RoundService
from db.models import Timer
from db.repos import debate as debate_repo
from db.repos import orders as orders_repo
from db.repos import timers as repo

_WHICH = {"reminder_half": "half", "reminder_last_minute": "last_minute"}


class TimerService:
    """Deadlines (which resolve the round) and reminders (which announce who is missing)."""

    def __init__(self, ctx: Context, rounds: RoundService) -> None:
        self._ctx = ctx
        self._rounds = rounds

    async def next_due(self, limit: int = 10) -> list[Timer]:
        """The pending timers, soonest first."""
        async with self._ctx.read() as tx:
            return await repo.upcoming(tx, limit=limit, shards=self._ctx.shards)

    async def next_due_at(self) -> datetime | None:
        """When the next timer or debate window is due (None when there is none)."""
        found = await self.next_due(1)
        async with self._ctx.read() as tx:
            windows = await debate_repo.due(tx, limit=1, shards=self._ctx.shards)
        times = [t.due_at for t in found] + [w[2] for w in windows]
        return min(times) if times else None

    async def pending_for(self, match_id: int) -> list[Timer]:
        """A match's pending timers."""
        async with self._ctx.read() as tx:
            return await repo.pending_for(tx, match_id)

    async def fire_due(self, now: datetime | None = None, limit: int = 50) -> list[FiredTimer]:
        """Handle every timer due by ``now``: a deadline resolves its round (missing seats get
        the AI's orders or hold), a reminder queues a ``reminder`` announcement. Each timer is
        handled once, even across restarts and several processes."""
        now = now or self._ctx.now()
        async with self._ctx.read() as tx:
            due = await repo.upcoming(tx, before=now, limit=limit, shards=self._ctx.shards)
        fired = await self._windows(now, limit)
        for timer in due:
            if timer.kind == "deadline":
                fired.append(await self._deadline(timer))
            else:
                fired.append(await self._reminder(timer))
        return fired

    async def _windows(self, now: datetime, limit: int) -> list[FiredTimer]:
        """Close the debate windows due by ``now``: each round resolves with its ratings."""
        async with self._ctx.read() as tx:
            due = await debate_repo.due(tx, before=now, limit=limit, shards=self._ctx.shards)
        fired = []
        for match_id, round, closes_at in due:
            timer = Timer(0, match_id, round, "debate_close", closes_at)
            try:
                result = await self._rounds.resolve_window(match_id, round, "debate_deadline")
            except ServiceError:
                async with self._ctx.write() as tx:
                    await debate_repo.close(tx, match_id, round, self._ctx.now())
                fired.append(FiredTimer(timer, "stale"))
                continue
            fired.append(FiredTimer(timer, "resolved", result))
        return fired

    async def _deadline(self, timer: Timer) -> FiredTimer:
        if await self._rounds.open_debate(timer.match_id, timer.round, "deadline", timer.id):
            return FiredTimer(timer, "debate")
        try:
            result = await self._rounds.resolve(
                timer.match_id, timer.round, SYSTEM, trigger="deadline", timer_id=timer.id
            )
        except ServiceError:
            async with self._ctx.write() as tx:
                await repo.finish(tx, timer.id, self._ctx.now())
            return FiredTimer(timer, "stale")
        return FiredTimer(timer, "resolved", result)

    async def _reminder(self, timer: Timer) -> FiredTimer:
        now = self._ctx.now()
        async with self._ctx.lock(timer.match_id), self._ctx.write() as tx:
            if not await repo.claim(tx, timer.id) or not await repo.finish(tx, timer.id, now):
                return FiredTimer(timer, "stale")
            match = await load_match(tx, timer.match_id, SYSTEM, with_state=False)
            if match.phase != "orders" or match.round != timer.round or match.paused:
                return FiredTimer(timer, "stale")
            live = await orders_repo.live_submissions(tx, match.id, match.round)
            waiting = [s for s in match.seats if s.controller == "players" and s.seat not in live]
            which = _WHICH[timer.kind]
            payload = {
                "which": which,
                "round": match.round,
                "deadline_at": iso(match.deadline_at),
                "waiting": [s.seat for s in waiting],
                "players": sorted(p for s in waiting for p in s.players),
            }
            key = f"r{match.round}:reminder:{which}"
            await announce(tx, match, "reminder", key, now, match.round, payload)
        return FiredTimer(timer, "reminder")
