"""The talks of a match being played (``deal_events``) and its private talks threads."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from db.codec import dumps, loads, parse_time, time_text
from db.models import DealStep, TalkThread
from db.store import Tx

_COLUMNS = "seq, deal_id, round, status, seat, player, body, replaces, at"


def _step(row: Any) -> DealStep:
    body = row["body"]
    return DealStep(
        seq=int(row["seq"]),
        deal_id=str(row["deal_id"]),
        round=int(row["round"]),
        status=str(row["status"]),
        seat=row["seat"],
        player=row["player"],
        body=None if body is None else loads(body),
        replaces=row["replaces"],
        at=parse_time(row["at"]),
    )


async def add(
    tx: Tx,
    match_id: int,
    deal_id: str,
    round: int,
    status: str,
    at: datetime,
    *,
    seat: str | None = None,
    player: str | None = None,
    body: Mapping[str, Any] | None = None,
    replaces: str | None = None,
) -> int:
    """Append one step of the talks; returns its number in the match (1, 2, ...)."""
    seq = int(
        await tx.value(
            "SELECT coalesce(max(seq), 0) + 1 FROM deal_events WHERE match_id = ?", (match_id,)
        )
    )
    await tx.run(
        f"INSERT INTO deal_events (match_id, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            match_id,
            seq,
            deal_id,
            round,
            status,
            seat,
            player,
            None if body is None else dumps(dict(body)),
            replaces,
            time_text(at),
        ),
    )
    return seq


async def steps(tx: Tx, match_id: int, round: int | None = None) -> list[DealStep]:
    """The match's steps of talks in order (of one round when given)."""
    if round is None:
        rows = await tx.all(
            f"SELECT {_COLUMNS} FROM deal_events WHERE match_id = ? ORDER BY seq", (match_id,)
        )
    else:
        rows = await tx.all(
            f"SELECT {_COLUMNS} FROM deal_events WHERE match_id = ? AND round = ? ORDER BY seq",
            (match_id, round),
        )
    return [_step(r) for r in rows]


async def count_deals(tx: Tx, match_id: int) -> int:
    """How many deals have been proposed in the match's talks."""
    return int(
        await tx.value(
            "SELECT count(*) FROM deal_events WHERE match_id = ? AND status = 'proposed'",
            (match_id,),
        )
    )


def _key(first: str, second: str) -> str:
    return "|".join(sorted((first, second)))


async def set_thread(
    tx: Tx, match_id: int, seats: tuple[str, str], thread_id: str, by: str, at: datetime
) -> None:
    """Remember the private thread of two seats' talks."""
    await tx.run(
        "INSERT INTO talk_threads (match_id, seats, thread_id, opened_by, opened_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (match_id, seats) DO UPDATE SET "
        "thread_id = excluded.thread_id, opened_by = excluded.opened_by, "
        "opened_at = excluded.opened_at",
        (match_id, _key(*seats), thread_id, by, time_text(at)),
    )


async def threads(tx: Tx, match_id: int) -> list[TalkThread]:
    """The match's talks threads."""
    rows = await tx.all(
        "SELECT seats, thread_id, opened_by, opened_at FROM talk_threads WHERE match_id = ? "
        "ORDER BY seats",
        (match_id,),
    )
    found = []
    for r in rows:
        first, _bar, second = str(r["seats"]).partition("|")
        found.append(
            TalkThread(
                (first, second), str(r["thread_id"]), r["opened_by"], parse_time(r["opened_at"])
            )
        )
    return found
