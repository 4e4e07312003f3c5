"""Per-server settings, the audit log, and each server's scenario library."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from db.codec import dumps, loads, maybe_time, parse_time, time_text
from db.models import AuditEntry, GuildSettings, LibraryEntry
from db.store import Row, Tx


async def get_settings(tx: Tx, guild_id: str) -> GuildSettings:
    """A server's settings, or the defaults."""
    row = await tx.one(
        "SELECT moderator_role_id, default_deadline_seconds, allowed_channels, updated_at, "
        "updated_by FROM guild_settings WHERE guild_id = ?",
        (guild_id,),
    )
    if row is None:
        return GuildSettings(guild_id)
    return GuildSettings(
        guild_id=guild_id,
        moderator_role_id=row["moderator_role_id"],
        default_deadline_seconds=row["default_deadline_seconds"],
        allowed_channels=tuple(loads(row["allowed_channels"])),
        updated_at=maybe_time(row["updated_at"]),
        updated_by=row["updated_by"],
    )


async def put_settings(tx: Tx, settings: GuildSettings, at: datetime, by: str) -> None:
    """Store a server's settings."""
    await tx.run(
        "INSERT INTO guild_settings (guild_id, moderator_role_id, default_deadline_seconds, "
        "allowed_channels, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (guild_id) DO UPDATE SET moderator_role_id = excluded.moderator_role_id, "
        "default_deadline_seconds = excluded.default_deadline_seconds, "
        "allowed_channels = excluded.allowed_channels, updated_at = excluded.updated_at, "
        "updated_by = excluded.updated_by",
        (
            settings.guild_id,
            settings.moderator_role_id,
            settings.default_deadline_seconds,
            dumps(list(settings.allowed_channels)),
            time_text(at),
            by,
        ),
    )


async def audit(
    tx: Tx,
    guild_id: str | None,
    actor: str,
    action: str,
    target: str | None,
    detail: Mapping[str, Any],
    at: datetime,
) -> int:
    """Append to the audit log; return the entry's id."""
    return await tx.insert(
        "INSERT INTO audit_log (guild_id, actor, action, target, detail, at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (guild_id, actor, action, target, dumps(dict(detail)), time_text(at)),
    )


async def audit_entries(tx: Tx, guild_id: str | None, limit: int = 50) -> list[AuditEntry]:
    """A server's audit log, newest first."""
    rows = await tx.all(
        "SELECT id, guild_id, actor, action, target, detail, at FROM audit_log "
        "WHERE guild_id IS NOT DISTINCT FROM ? ORDER BY id DESC LIMIT ?",
        (guild_id, limit),
    )
    return [
        AuditEntry(
            int(r["id"]),
            r["guild_id"],
            r["actor"],
            r["action"],
            r["target"],
            loads(r["detail"]),
            parse_time(r["at"]),
        )
        for r in rows
    ]


_LIBRARY = (
    "SELECT g.id, g.guild_id, g.sha256, g.scenario_id, g.version, t.title, g.uploaded_by, "
    "g.uploaded_at, g.enabled, g.is_default FROM guild_scenarios g "
    "JOIN scenario_texts t ON t.sha256 = g.sha256 "
)


def _entry(row: Row) -> LibraryEntry:
    return LibraryEntry(
        id=int(row["id"]),
        guild_id=row["guild_id"],
        sha256=row["sha256"],
        scenario_id=row["scenario_id"],
        version=row["version"],
        title=row["title"],
        uploaded_by=row["uploaded_by"],
        uploaded_at=parse_time(row["uploaded_at"]),
        enabled=bool(row["enabled"]),
        is_default=bool(row["is_default"]),
    )


async def library_add(
    tx: Tx,
    guild_id: str,
    sha256: str,
    scenario_id: str,
    version: str,
    source_id: int,
    uploaded_by: str,
    at: datetime,
) -> int:
    """Add a scenario version to a server's library; return its entry id.

    ConstraintBroken when the server has that version already under other text.
    """
    return await tx.insert(
        "INSERT INTO guild_scenarios (guild_id, sha256, scenario_id, version, source_id, "
        "uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (guild_id, sha256, scenario_id, version, source_id, uploaded_by, time_text(at)),
    )


async def library_find(
    tx: Tx,
    guild_id: str,
    *,
    entry_id: int | None = None,
    sha256: str | None = None,
    scenario_id: str | None = None,
    version: str | None = None,
) -> LibraryEntry | None:
    """One library entry by id, by text hash, or by scenario id and version."""
    where = ["g.guild_id = ?"]
    params: list[Any] = [guild_id]
    wanted = (("g.id", entry_id), ("g.sha256", sha256), ("g.scenario_id", scenario_id))
    for column, value in (*wanted, ("g.version", version)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    row = await tx.one(_LIBRARY + "WHERE " + " AND ".join(where) + " LIMIT 1", params)
    return None if row is None else _entry(row)


async def library(tx: Tx, guild_id: str, *, enabled_only: bool = False) -> list[LibraryEntry]:
    """A server's scenario versions, by scenario id then newest first."""
    sql = _LIBRARY + "WHERE g.guild_id = ?"
    if enabled_only:
        sql += " AND g.enabled = 1"
    rows = await tx.all(sql + " ORDER BY g.scenario_id, g.id DESC", (guild_id,))
    return [_entry(r) for r in rows]


async def library_set(tx: Tx, guild_id: str, entry_id: int, **changes: int) -> bool:
    """Change ``enabled`` or ``is_default`` of an entry; False when there is no such entry."""
    if changes.get("is_default"):
        await tx.run(
            "UPDATE guild_scenarios SET is_default = 0 WHERE guild_id = ? AND is_default = 1",
            (guild_id,),
        )
    sets = ", ".join(f"{column} = ?" for column in changes)
    params: Sequence[Any] = [*changes.values(), guild_id, entry_id]
    return (
        await tx.count(f"UPDATE guild_scenarios SET {sets} WHERE guild_id = ? AND id = ?", params)
        == 1
    )


async def library_source(tx: Tx, entry_id: int) -> int | None:
    """The scenario source row a library entry was uploaded as, or None."""
    found = await tx.value("SELECT source_id FROM guild_scenarios WHERE id = ?", (entry_id,))
    return None if found is None else int(found)
