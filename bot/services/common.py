"""Pieces several use cases write in their transaction: log lines, announcements, timers."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from bot.game.state import Record
from db.codec import time_text
from db.models import Match
from db.repos import log as log_repo
from db.repos import outbox as outbox_repo
from db.repos import servers as servers_repo
from db.repos import timers as timers_repo
from db.store import Tx

LAST_MINUTE = 60.0


def engine_entries(records: Iterable[Record], actor: str | None = None) -> list[log_repo.Entry]:
    """Log lines for the engine's records: ``engine:effect``, ``engine:event``, ..."""
    return [
        log_repo.Entry(f"engine:{r.kind}", r.round, actor, r.seat, r.to_dict()) for r in records
    ]


async def announce(
    tx: Tx,
    match: Match,
    kind: str,
    key: str,
    at: datetime,
    round: int | None = None,
    payload: Mapping[str, Any] | None = None,
) -> bool:
    """Queue an announcement about a match (once per ``key``) in the current transaction."""
    return await outbox_repo.add(
        tx,
        kind=kind,
        dedupe_key=f"m{match.id}:{key}",
        at=at,
        match_id=match.id,
        guild_id=match.guild_id,
        channel_id=match.channel_id,
        round=round,
        payload={"match_id": match.id, **(payload or {})},
    )


async def schedule_round(
    tx: Tx,
    match_id: int,
    round: int,
    deadline_at: datetime,
    deadline_seconds: float,
    now: datetime,
) -> None:
    """The round's deadline, and its reminders (half time, one minute left) still ahead."""
    await timers_repo.add(tx, match_id, round, "deadline", deadline_at, now)
    half = deadline_at - timedelta(seconds=deadline_seconds / 2)
    if half > now:
        await timers_repo.add(tx, match_id, round, "reminder_half", half, now)
    last = deadline_at - timedelta(seconds=LAST_MINUTE)
    if deadline_seconds > 2 * LAST_MINUTE and last > now:
        await timers_repo.add(tx, match_id, round, "reminder_last_minute", last, now)


def deadline_for(match: Match, now: datetime) -> datetime | None:
    """When a round starting now ends (None without a deadline)."""
    if match.deadline_seconds is None:
        return None
    return now + timedelta(seconds=match.deadline_seconds)


def iso(when: datetime | None) -> str | None:
    """A time for a JSON payload."""
    return None if when is None else time_text(when)


async def audit_match(
    tx: Tx, match: Match, actor: str, action: str, detail: Mapping[str, Any], at: datetime
) -> None:
    """Put a host's or moderator's action on a server match in the server's audit log."""
    if match.guild_id is not None:
        await servers_repo.audit(tx, match.guild_id, actor, action, f"match:{match.id}", detail, at)


async def team_member(
    tx: Tx, match: Match, seat: str, player: str, joined: bool, now: datetime
) -> None:
    """Once a match played in teams has started, a member who joins or leaves is added to or
    removed from the team's private thread (by the announcer, after the commit)."""
    if match.phase == "lobby" or match.team_size == 1:
        return
    key = f"team:{seat}:{player}:{'in' if joined else 'out'}:{secrets.token_hex(6)}"
    data = {"seat": seat, "player": player, "joined": joined}
    await announce(tx, match, "team_member", key, now, match.round, data)
