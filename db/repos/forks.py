"""Forks asked for in Discord (``/match whatif``) and seat-swap rematches (``/match rematch``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from db.codec import dumps, loads, parse_time, time_text
from db.models import SeatSwap, StoredFork
from db.store import Row, Tx

_FORK = (
    "SELECT id, match_id, made_at, made_by, made_by_name, while_running, from_round, seeds, "
    "changes, report FROM match_forks"
)


def _fork(row: Row) -> StoredFork:
    return StoredFork(
        id=int(row["id"]),
        match_id=int(row["match_id"]),
        made_at=parse_time(row["made_at"]),
        made_by=row["made_by"],
        made_by_name=row["made_by_name"],
        while_running=bool(row["while_running"]),
        from_round=int(row["from_round"]),
        seeds=int(row["seeds"]),
        changes=loads(row["changes"]),
        report=loads(row["report"]),
    )


async def add_fork(
    tx: Tx,
    match_id: int,
    at: datetime,
    by: str,
    name: str,
    while_running: bool,
    from_round: int,
    seeds: int,
    changes: Mapping[str, Any],
    report: Mapping[str, Any],
) -> int:
    """Store a fork's report; its id."""
    return await tx.insert(
        "INSERT INTO match_forks (match_id, made_at, made_by, made_by_name, while_running, "
        "from_round, seeds, changes, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            match_id,
            time_text(at),
            by,
            name,
            int(while_running),
            from_round,
            seeds,
            dumps(dict(changes)),
            dumps(dict(report)),
        ),
    )


async def get_fork(tx: Tx, fork_id: int) -> StoredFork | None:
    """One stored fork."""
    row = await tx.one(f"{_FORK} WHERE id = ?", (fork_id,))
    return None if row is None else _fork(row)


async def forks_of(tx: Tx, match_id: int, *, with_running: bool = True) -> list[StoredFork]:
    """A match's forks, oldest first (``with_running``: also those made while it ran)."""
    sql = f"{_FORK} WHERE match_id = ?"
    if not with_running:
        sql += " AND while_running = 0"
    return [_fork(r) for r in await tx.all(sql + " ORDER BY id", (match_id,))]


async def add_swap(tx: Tx, swap: SeatSwap) -> None:
    """Record that a match is a seat-swap rematch of another."""
    await tx.run(
        "INSERT INTO seat_swaps (match_id, source_match_id, mode, seats, expected, "
        "expected_seeds, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            swap.match_id,
            swap.source_match_id,
            swap.mode,
            dumps(swap.seats),
            dumps(swap.expected),
            swap.expected_seeds,
            time_text(swap.created_at),
        ),
    )


async def swap_of(tx: Tx, match_id: int) -> SeatSwap | None:
    """The seat swap a match was made with, if it is a rematch."""
    row = await tx.one(
        "SELECT match_id, source_match_id, mode, seats, expected, expected_seeds, created_at "
        "FROM seat_swaps WHERE match_id = ?",
        (match_id,),
    )
    if row is None:
        return None
    return SeatSwap(
        match_id=int(row["match_id"]),
        source_match_id=int(row["source_match_id"]),
        mode="random" if row["mode"] == "random" else "rotate",
        seats={str(k): str(v) for k, v in loads(row["seats"]).items()},
        expected={str(k): float(v) for k, v in loads(row["expected"]).items()},
        expected_seeds=int(row["expected_seeds"]),
        created_at=parse_time(row["created_at"]),
    )
