"""Running a match: pause and resume the clock, end it early, substitute players, note actions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from bot.services.common import announce, audit_match, iso, schedule_round, team_member
from bot.services.context import Context, is_moderator, load_match, require_host, require_live
from bot.services.errors import Conflict, InvalidInput, UnknownSeat, WrongPhase
from bot.services.models import MAX_NAME, Actor
from db.codec import dumps, time_text
from db.models import Match
from db.repos import log as log_repo
from db.repos import matches as repo
from db.repos import timers as timers_repo
from db.repos.log import Entry
from db.store import Tx

MAX_REASON = 500


async def _cas(tx: Tx, match: Match, changes: Mapping[str, Any]) -> None:
    if not await repo.compare_and_set(tx, match.id, (match.round, match.phase, None), changes):
        raise Conflict("the match changed at the same moment; try again")


def _fits(reason: str) -> None:
    """InvalidInput for a reason over ``MAX_REASON`` (never cut without a word)."""
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            f"a reason has at most {MAX_REASON} characters; this one has {len(reason)}"
        )


class ControlService:
    """What the host or a moderator does to a running match. Each action is logged."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    async def pause(self, match_id: int, by: Actor, reason: str = "") -> Match:
        """Stop the round's clock (orders may still be changed); announces ``match_paused``."""
        self._ctx.throttle.admit(by, match_id)
        _fits(reason)
        async with self._ctx.changing(match_id) as tx:
            match = await load_match(tx, match_id, by, with_state=False)
            await require_host(tx, match, by, "pause the match")
            require_live(match, "pause it")
            if match.paused:
                raise WrongPhase(f"match {match_id} is already paused")
            if match.phase == "debate":
                raise WrongPhase(
                    f"round {match.round}'s debate is open; it closes at its deadline or when "
                    "every seat is done"
                )
            now = self._ctx.now()
            left = None
            if match.deadline_at is not None:
                left = max((match.deadline_at - now).total_seconds(), 0.0)
            await _cas(tx, match, {"paused": 1, "deadline_at": None, "remaining_seconds": left})
            await timers_repo.cancel_all(tx, match_id, now)
            await self._record(tx, match, by, "paused", {"reason": reason})
            await announce(
                tx,
                match,
                "match_paused",
                f"paused:{match.revision}",
                now,
                match.round,
                {"by": by.player, "reason": reason},
            )
            return await load_match(tx, match_id, by)

    async def resume(self, match_id: int, by: Actor) -> Match:
        """Restart the clock with the time that was left; announces ``match_resumed``."""
        self._ctx.throttle.admit(by, match_id)
        async with self._ctx.changing(match_id) as tx:
            match = await load_match(tx, match_id, by, with_state=False)
            await require_host(tx, match, by, "resume the match")
            require_live(match, "resume it")
            if not match.paused:
                raise WrongPhase(f"match {match_id} is not paused")
            now = self._ctx.now()
            deadline = None
            if match.remaining_seconds is not None and match.phase == "orders":
                deadline = now + timedelta(seconds=match.remaining_seconds)
            changes = {
                "paused": 0,
                "remaining_seconds": None,
                "deadline_at": None if deadline is None else time_text(deadline),
            }
            await _cas(tx, match, changes)
            if deadline is not None and match.deadline_seconds is not None:
                await schedule_round(
                    tx, match_id, match.round, deadline, match.deadline_seconds, now
                )
            await self._record(tx, match, by, "resumed", {"deadline_at": iso(deadline)})
            await announce(
                tx,
                match,
                "match_resumed",
                f"resumed:{match.revision}",
                now,
                match.round,
                {"by": by.player, "deadline_at": iso(deadline)},
            )
            return await load_match(tx, match_id, by)

    async def end(self, match_id: int, by: Actor, reason: str) -> Match:
        """End the match early (host or moderator), with a reason; announces ``match_ended``."""
        self._ctx.throttle.admit(by, match_id)
        if not reason.strip():
            raise InvalidInput("say why the match ends")
        _fits(reason.strip())
        async with self._ctx.changing(match_id) as tx:
            match = await load_match(tx, match_id, by, with_state=False)
            await require_host(tx, match, by, "end the match")
            require_live(match, "end it")
            now = self._ctx.now()
            text = reason.strip()
            changes = {
                "phase": "ended",
                "ended_at": time_text(now),
                "end_reason": text,
                "ended_by": by.player,
                "deadline_at": None,
                "remaining_seconds": None,
                "winners": dumps([]),
            }
            await _cas(tx, match, changes)
            await timers_repo.cancel_all(tx, match_id, now)
            await self._record(tx, match, by, "match_ended", {"reason": text})
            await announce(
                tx,
                match,
                "match_ended",
                "ended",
                now,
                match.round,
                {"reason": "ended", "note": text, "by": by.player, "winners": []},
            )
            return await load_match(tx, match_id, by)

    async def substitute(
        self, match_id: int, by: Actor, seat: str, player: str | None, name: str = ""
    ) -> Match:
        """Replace whoever holds a seat by ``player`` (or by the AI when None)."""
        self._ctx.throttle.admit(by, match_id)
        async with self._ctx.changing(match_id) as tx:
            match = await load_match(tx, match_id, by, with_state=False)
            await require_host(tx, match, by, "substitute players")
            require_live(match, "change seats")
            info = match.seat(seat)
            if info is None:
                raise UnknownSeat(f"there is no seat '{seat}'")
            now = self._ctx.now()
            removed = await repo.remove_seat_holders(tx, match_id, seat)
            for gone in removed:
                await team_member(tx, match, seat, gone, False, now)
            if player is not None:
                await self._leave_other_seat(tx, match, seat, player, now)
                await repo.add_holder(tx, match_id, seat, player, name[:MAX_NAME], now)
                await team_member(tx, match, seat, player, True, now)
            else:
                await repo.set_ai(tx, match_id, [seat], True)
            await repo.set_captain(tx, match_id, seat, player)  # the newcomer leads the seat
            await repo.bump(tx, match_id)
            detail = {"seat": seat, "removed": removed, "player": player, "name": name}
            await self._record(tx, match, by, "seat_substituted", detail, seat)
            await announce(
                tx, match, "seat_substituted", f"sub:{match.revision}", now, match.round, detail
            )
            return await load_match(tx, match_id, by)

    @staticmethod
    async def _leave_other_seat(
        tx: Tx, match: Match, seat: str, player: str, now: datetime
    ) -> None:
        """A substitute who held another seat leaves it (its team keeps a captain)."""
        old = await repo.remove_holder(tx, match.id, player)
        info = None if old is None or old == seat else match.seat(old)
        if old is None or info is None:
            return
        await team_member(tx, match, old, player, False, now)
        if len(info.holders) == 1:  # the seat they leave empty goes to the AI (or holds)
            await repo.set_ai(tx, match.id, [old], match.ai_fill)
        if info.captain == player:
            heir = next((h.player for h in info.holders if h.player != player), None)
            await repo.set_captain(tx, match.id, old, heir)

    async def note(
        self, match_id: int, by: Actor, action: str, detail: Mapping[str, Any] | None = None
    ) -> int:
        """Record a moderator action on a match (in its log and the server's audit log)."""
        self._ctx.throttle.admit(by, match_id)
        if not action or len(action) > 64:
            raise InvalidInput("an action is a short name (1 to 64 characters)")
        async with self._ctx.changing(match_id) as tx:
            match = await load_match(tx, match_id, by, with_state=False)
            await require_host(tx, match, by, "record moderator actions")
            await self._record(tx, match, by, f"moderator:{action}", dict(detail or {}))
            return match_id

    async def _record(
        self,
        tx: Tx,
        match: Match,
        by: Actor,
        kind: str,
        detail: Mapping[str, Any],
        seat: str | None = None,
    ) -> None:
        now = self._ctx.now()
        data = {**detail, "moderator": await is_moderator(tx, by), "name": by.name}
        await log_repo.append(tx, match.id, now, [Entry(kind, match.round, by.player, seat, data)])
        await audit_match(tx, match, by.player, kind, detail, now)
