"""Scenario texts (exact bytes, by SHA-256) and where each came from."""

from __future__ import annotations

from datetime import datetime

from db.codec import time_text
from db.models import Origin, StoredScenario
from db.store import Tx


async def put_text(
    tx: Tx, sha256: str, body: bytes, scenario_id: str, version: str, title: str, at: datetime
) -> None:
    """Keep a scenario's exact bytes (nothing happens when the same text is already kept)."""
    await tx.run(
        "INSERT INTO scenario_texts (sha256, body, scenario_id, version, title, stored_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
        (sha256, body, scenario_id, version, title, time_text(at)),
    )


async def add_source(
    tx: Tx,
    sha256: str,
    origin: Origin,
    location: str | None,
    guild_id: str | None,
    loaded_by: str | None,
    at: datetime,
) -> int:
    """Record where a text came from; a built-in or file source seen before is reused."""
    if origin != "upload":
        found = await tx.value(
            "SELECT id FROM scenario_sources WHERE sha256 = ? AND origin = ? "
            "AND location IS NOT DISTINCT FROM ? AND guild_id IS NOT DISTINCT FROM ? "
            "ORDER BY id LIMIT 1",
            (sha256, origin, location, guild_id),
        )
        if found is not None:
            return int(found)
    return await tx.insert(
        "INSERT INTO scenario_sources (sha256, origin, location, guild_id, loaded_by, loaded_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (sha256, origin, location, guild_id, loaded_by, time_text(at)),
    )


async def get_text(tx: Tx, sha256: str) -> bytes | None:
    """A kept scenario's exact bytes, or None."""
    body = await tx.value("SELECT body FROM scenario_texts WHERE sha256 = ?", (sha256,))
    return None if body is None else bytes(body)


async def get_meta(tx: Tx, sha256: str) -> StoredScenario | None:
    """What is known of a kept scenario text."""
    row = await tx.one(
        "SELECT sha256, scenario_id, version, title FROM scenario_texts WHERE sha256 = ?",
        (sha256,),
    )
    if row is None:
        return None
    return StoredScenario(row["sha256"], row["scenario_id"], row["version"], row["title"])
