"""Resolved rounds: locked orders, the engine's records, and the state after each round."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from bot.game.state import MatchState, Record, records_json
from db.codec import (
    dumps,
    loads,
    orders_from_dict,
    orders_to_dict,
    parse_time,
    records_from_text,
    sha256_hex,
    state_from_text,
    state_text,
    time_text,
)
from db.models import LockedSeat, OrderSource, StoredRound
from db.store import Tx


@dataclass(frozen=True)
class Encoded:
    """A resolved round's state and records as stored (canonical JSON), with the state's hash."""

    state: str
    state_sha256: str
    records: str


def encode(state: MatchState, records: tuple[Record, ...]) -> Encoded:
    """Encode a round for ``insert_round`` (pure CPU, a few ms for a large state: the
    resolution does it in its worker thread, off the event loop)."""
    text = state_text(state)
    return Encoded(text, sha256_hex(text), records_json(records))


async def insert_round(
    tx: Tx,
    match_id: int,
    round: int,
    state: MatchState,
    records: tuple[Record, ...],
    locked: Mapping[str, LockedSeat],
    trigger: str,
    at: datetime,
    encoded: Encoded | None = None,
) -> str:
    """Store a resolved round (0: the opening) with its locked orders; return the state JSON.
    ``encoded``: ``encode(state, records)`` when the caller made it already."""
    done = encoded or encode(state, records)
    await tx.run(
        "INSERT INTO rounds (match_id, round, state, state_sha256, records, resolved_at, trigger) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (match_id, round, done.state, done.state_sha256, done.records, time_text(at), trigger),
    )
    if locked:
        await tx.many(
            "INSERT INTO locked_orders (match_id, round, seat, source, submission_id, orders, "
            "locked_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    match_id,
                    round,
                    seat,
                    item.source,
                    item.submission_id,
                    dumps(orders_to_dict(item.orders)),
                    time_text(item.locked_at),
                )
                for seat, item in locked.items()
            ],
        )
    return done.state


async def locked_orders(tx: Tx, match_id: int, round: int) -> dict[str, LockedSeat]:
    """The orders locked for a round, by seat."""
    rows = await tx.all(
        "SELECT seat, source, submission_id, orders, locked_at FROM locked_orders "
        "WHERE match_id = ? AND round = ? ORDER BY seat",
        (match_id, round),
    )
    return {
        r["seat"]: LockedSeat(
            seat=r["seat"],
            source=cast(OrderSource, r["source"]),
            orders=orders_from_dict(loads(r["orders"])),
            submission_id=r["submission_id"],
            locked_at=parse_time(r["locked_at"]),
        )
        for r in rows
    }


async def get_round(tx: Tx, match_id: int, round: int) -> StoredRound | None:
    """One resolved round, or None when it has not been resolved."""
    row = await tx.one(
        "SELECT state, state_sha256, records, resolved_at, trigger FROM rounds "
        "WHERE match_id = ? AND round = ?",
        (match_id, round),
    )
    if row is None:
        return None
    return StoredRound(
        match_id=match_id,
        round=round,
        orders=await locked_orders(tx, match_id, round),
        records=records_from_text(row["records"]),
        state=state_from_text(row["state"]),
        state_sha256=row["state_sha256"],
        resolved_at=parse_time(row["resolved_at"]),
        trigger=row["trigger"],
    )


async def round_numbers(tx: Tx, match_id: int) -> list[int]:
    """The rounds of a match that are stored (0 is the opening)."""
    rows = await tx.all("SELECT round FROM rounds WHERE match_id = ? ORDER BY round", (match_id,))
    return [int(r[0]) for r in rows]


async def all_rounds(tx: Tx, match_id: int) -> list[StoredRound]:
    """Every stored round of a match, the opening first."""
    found = []
    for number in await round_numbers(tx, match_id):
        stored = await get_round(tx, match_id, number)
        assert stored is not None
        found.append(stored)
    return found
