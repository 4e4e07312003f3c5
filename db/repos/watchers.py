"""Who watches a match (spectators: no seat, the public's view)."""

from __future__ import annotations

from datetime import datetime

from db.codec import parse_time, time_text
from db.models import Holder
from db.store import Tx


async def add(tx: Tx, match_id: int, player: str, name: str, at: datetime) -> bool:
    """Start watching; False when the player already watches."""
    return (
        await tx.count(
            "INSERT INTO watchers (match_id, player, name, since) VALUES (?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (match_id, player, name, time_text(at)),
        )
        == 1
    )


async def remove(tx: Tx, match_id: int, player: str) -> bool:
    """Stop watching; False when the player did not watch."""
    return (
        await tx.count("DELETE FROM watchers WHERE match_id = ? AND player = ?", (match_id, player))
        == 1
    )


async def of_match(tx: Tx, match_id: int) -> list[Holder]:
    """A match's watchers, longest watching first."""
    rows = await tx.all(
        "SELECT player, name, since FROM watchers WHERE match_id = ? ORDER BY since, player",
        (match_id,),
    )
    return [Holder(r["player"], r["name"], parse_time(r["since"])) for r in rows]
