"""Each team's private thread (``team_threads``): the Discord front end's bookkeeping."""

from __future__ import annotations

from db.store import Tx


async def set_thread(tx: Tx, match_id: int, seat: str, thread_id: str) -> None:
    """Remember a team's thread."""
    await tx.run(
        "INSERT INTO team_threads (match_id, seat, thread_id) VALUES (?, ?, ?) "
        "ON CONFLICT (match_id, seat) DO UPDATE SET thread_id = excluded.thread_id",
        (match_id, seat, thread_id),
    )


async def of_match(tx: Tx, match_id: int) -> dict[str, str]:
    """Each team's thread in a match: seat -> thread id."""
    rows = await tx.all(
        "SELECT seat, thread_id FROM team_threads WHERE match_id = ? ORDER BY seat", (match_id,)
    )
    return {str(r["seat"]): str(r["thread_id"]) for r in rows}
