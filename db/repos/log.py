"""The append-only match log (triggers refuse UPDATE and DELETE on it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from db.codec import dumps, loads, parse_time, time_text
from db.models import LogEntry
from db.store import Tx


@dataclass(frozen=True)
class Entry:
    """A log line to append."""

    kind: str
    round: int
    actor: str | None = None
    seat: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


async def append(tx: Tx, match_id: int, at: datetime, entries: Iterable[Entry]) -> None:
    """Append lines to a match's log, all stamped ``at``."""
    when = time_text(at)
    await tx.many(
        "INSERT INTO match_log (match_id, round, at, kind, actor, seat, data) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(match_id, e.round, when, e.kind, e.actor, e.seat, dumps(dict(e.data))) for e in entries],
    )


async def entries(
    tx: Tx,
    match_id: int,
    *,
    after_id: int = 0,
    kinds: Sequence[str] | None = None,
    kind_prefix: str | None = None,
    round: int | None = None,
    limit: int = 10_000,
) -> list[LogEntry]:
    """A match's log lines in order, filtered in SQL (``kind_prefix``: ``moderator:``...)."""
    sql = (
        "SELECT id, round, at, kind, actor, seat, data FROM match_log WHERE match_id = ? AND id > ?"
    )
    params: list[Any] = [match_id, after_id]
    if kinds:
        sql += f" AND kind IN ({','.join('?' * len(kinds))})"
        params.extend(kinds)
    if kind_prefix is not None:
        sql += " AND substr(kind, 1, ?) = ?"
        params.extend([len(kind_prefix), kind_prefix])
    if round is not None:
        sql += " AND round = ?"
        params.append(round)
    rows = await tx.all(sql + " ORDER BY id LIMIT ?", [*params, limit])
    return [
        LogEntry(
            id=int(r["id"]),
            match_id=match_id,
            round=int(r["round"]),
            at=parse_time(r["at"]),
            kind=r["kind"],
            actor=r["actor"],
            seat=r["seat"],
            data=loads(r["data"]),
        )
        for r in rows
    ]
