"""Where a match is shown in Discord: its thread and its lobby message (``match_places``)."""

from __future__ import annotations

from db.store import Tx


async def set_thread(tx: Tx, match_id: int, thread_id: str) -> bool:
    """Remember the match's thread; False when there is no such match."""
    if await tx.value("SELECT 1 FROM matches WHERE id = ?", (match_id,)) is None:
        return False
    await tx.run(
        "INSERT INTO match_places (match_id, thread_id) VALUES (?, ?) "
        "ON CONFLICT (match_id) DO UPDATE SET thread_id = excluded.thread_id",
        (match_id, thread_id),
    )
    return True


async def set_lobby(tx: Tx, match_id: int, channel_id: str, message_id: str) -> bool:
    """Remember where the match's lobby message is; False when there is no such match."""
    if await tx.value("SELECT 1 FROM matches WHERE id = ?", (match_id,)) is None:
        return False
    await tx.run(
        "INSERT INTO match_places (match_id, lobby_channel_id, lobby_message_id) VALUES (?, ?, ?) "
        "ON CONFLICT (match_id) DO UPDATE SET lobby_channel_id = excluded.lobby_channel_id, "
        "lobby_message_id = excluded.lobby_message_id",
        (match_id, channel_id, message_id),
    )
    return True


async def thread_of(tx: Tx, match_id: int) -> str | None:
    """The match's thread, or None before it has one."""
    found = await tx.value("SELECT thread_id FROM match_places WHERE match_id = ?", (match_id,))
    return None if found is None else str(found)


async def match_in(tx: Tx, thread_id: str) -> int | None:
    """The (latest) match played in a thread, or None."""
    found = await tx.value(
        "SELECT max(match_id) FROM match_places WHERE thread_id = ?", (thread_id,)
    )
    return None if found is None else int(found)


async def lobby_of(tx: Tx, match_id: int) -> tuple[str, str] | None:
    """(channel id, message id) of the match's lobby message, or None when unknown."""
    row = await tx.one(
        "SELECT lobby_channel_id, lobby_message_id FROM match_places WHERE match_id = ?",
        (match_id,),
    )
    if row is None or row[0] is None or row[1] is None:
        return None
    return str(row[0]), str(row[1])
