"""The outbox: announcements written in the transaction of the change, sent after the commit."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from db.codec import dumps, loads, maybe_time, parse_time, time_text
from db.models import Announcement
from db.shards import Shards
from db.store import Row, Tx

Scope = Literal["all", "discord", "local"]


async def add(
    tx: Tx,
    *,
    kind: str,
    dedupe_key: str,
    at: datetime,
    match_id: int | None = None,
    guild_id: str | None = None,
    channel_id: str | None = None,
    round: int | None = None,
    payload: Mapping[str, Any] | None = None,
) -> bool:
    """Queue an announcement unless one with the same ``dedupe_key`` exists; True if queued."""
    rows = await tx.all(
        "INSERT INTO outbox (nonce, dedupe_key, match_id, guild_id, channel_id, round, kind, "
        "payload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
        (
            secrets.token_hex(10),
            dedupe_key,
            match_id,
            guild_id,
            channel_id,
            round,
            kind,
            dumps(dict(payload or {})),
            time_text(at),
        ),
    )
    if rows:
        tx.touch("outbox")
    return bool(rows)


def _announcement(row: Row) -> Announcement:
    return Announcement(
        id=int(row["id"]),
        nonce=row["nonce"],
        dedupe_key=row["dedupe_key"],
        match_id=row["match_id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        round=row["round"],
        kind=row["kind"],
        payload=loads(row["payload"]),
        created_at=parse_time(row["created_at"]),
        sent_at=maybe_time(row["sent_at"]),
        attempts=int(row["attempts"]),
    )


_SELECT = (
    "SELECT id, nonce, dedupe_key, match_id, guild_id, channel_id, round, kind, payload, "
    "created_at, sent_at, attempts FROM outbox "
)


async def pending(
    tx: Tx,
    *,
    scope: Scope = "all",
    match_id: int | None = None,
    limit: int = 100,
    shards: Shards | None = None,
) -> list[Announcement]:
    """Unsent announcements, oldest first: all, Discord ones (with a channel), or local ones;
    with ``shards``, only those of the servers these shards hold."""
    sql = _SELECT + "WHERE sent_at IS NULL"
    params: list[Any] = []
    if shards is not None and not shards.all:
        clause, values = shards.where("guild_id")
        sql += f" AND {clause}"
        params.extend(values)
    if scope == "discord":
        sql += " AND channel_id IS NOT NULL"
    elif scope == "local":
        sql += " AND channel_id IS NULL"
    if match_id is not None:
        sql += " AND match_id = ?"
        params.append(match_id)
    rows = await tx.all(sql + " ORDER BY id LIMIT ?", [*params, limit])
    return [_announcement(r) for r in rows]


async def for_match(tx: Tx, match_id: int) -> list[Announcement]:
    """Every announcement of a match, sent or not."""
    rows = await tx.all(_SELECT + "WHERE match_id = ? ORDER BY id", (match_id,))
    return [_announcement(r) for r in rows]


async def mark_sent(tx: Tx, announcement_id: int, at: datetime) -> bool:
    """Mark an announcement sent; False when it already was (or does not exist)."""
    changed = await tx.count(
        "UPDATE outbox SET sent_at = ?, attempts = attempts + 1 WHERE id = ? AND sent_at IS NULL",
        (time_text(at), announcement_id),
    )
    return changed == 1


async def mark_failed(tx: Tx, announcement_id: int, error: str) -> None:
    """Count a failed attempt to send (it stays pending)."""
    await tx.run(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ? "
        "WHERE id = ? AND sent_at IS NULL",
        (error[:500], announcement_id),
    )
