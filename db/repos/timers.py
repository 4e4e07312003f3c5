"""Deadlines and reminders as rows: the timer task sleeps until the next one."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from db.codec import parse_time, time_text
from db.models import Timer, TimerKind
from db.shards import Shards
from db.store import Row, Tx

_PENDING = "done_at IS NULL AND cancelled_at IS NULL"


async def add(
    tx: Tx, match_id: int, round: int, kind: TimerKind, due_at: datetime, at: datetime
) -> int:
    """Schedule a timer; return its id."""
    tx.touch("timers")
    return await tx.insert(
        "INSERT INTO timers (match_id, round, kind, due_at, created_at) VALUES (?, ?, ?, ?, ?)",
        (match_id, round, kind, time_text(due_at), time_text(at)),
    )


def _timer(row: Row) -> Timer:
    return Timer(
        id=int(row["id"]),
        match_id=int(row["match_id"]),
        round=int(row["round"]),
        kind=cast(TimerKind, row["kind"]),
        due_at=parse_time(row["due_at"]),
    )


async def upcoming(
    tx: Tx, *, before: datetime | None = None, limit: int = 10, shards: Shards | None = None
) -> list[Timer]:
    """Pending timers, soonest first (only those due by ``before`` when given; with
    ``shards``, only those of matches in the servers these shards hold)."""
    sql = f"SELECT id, match_id, round, kind, due_at FROM timers WHERE {_PENDING}"
    params: list[object] = []
    if shards is not None and not shards.all:
        clause, values = shards.where("guild_id")
        sql += f" AND match_id IN (SELECT id FROM matches WHERE {clause})"
        params.extend(values)
    if before is not None:
        sql += " AND due_at <= ?"
        params.append(time_text(before))
    rows = await tx.all(sql + " ORDER BY due_at, id LIMIT ?", [*params, limit])
    return [_timer(r) for r in rows]


async def pending_for(tx: Tx, match_id: int) -> list[Timer]:
    """A match's pending timers, soonest first."""
    rows = await tx.all(
        f"SELECT id, match_id, round, kind, due_at FROM timers WHERE match_id = ? AND {_PENDING} "
        "ORDER BY due_at, id",
        (match_id,),
    )
    return [_timer(r) for r in rows]


async def claim(tx: Tx, timer_id: int) -> bool:
    """Take a pending timer for this transaction; False when it is done, cancelled, or being
    handled by another process right now (``FOR UPDATE SKIP LOCKED``: nobody waits for it)."""
    rows = await tx.skip_locked(f"SELECT id FROM timers WHERE id = ? AND {_PENDING}", (timer_id,))
    return bool(rows)


async def finish(tx: Tx, timer_id: int, at: datetime) -> bool:
    """Mark a timer done; False when it was already done or cancelled."""
    return (
        await tx.count(
            f"UPDATE timers SET done_at = ? WHERE id = ? AND {_PENDING}", (time_text(at), timer_id)
        )
        == 1
    )


async def cancel_all(tx: Tx, match_id: int, at: datetime) -> int:
    """Cancel every pending timer of a match; return how many."""
    tx.touch("timers")
    return await tx.count(
        f"UPDATE timers SET cancelled_at = ? WHERE match_id = ? AND {_PENDING}",
        (time_text(at), match_id),
    )
