"""Schema migrations: ``db/migrations/NNNN_name.sql``, applied in order in one transaction.

The schema version lives in ``PRAGMA user_version``; ``schema_migrations`` keeps each applied
file's hash, so a migration edited after it was applied is refused instead of silently skipped.
A database newer than the code is refused before anything in it is touched.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import aiosqlite

from db.codec import sha256_hex, time_text
from db.errors import MigrationError, SchemaTooNew

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    """One migration file."""

    version: int
    name: str
    sql: str
    sha256: str


def load_migrations(directory: Path = MIGRATIONS) -> list[Migration]:
    """Every migration file, in order; raise MigrationError on a bad name or a gap."""
    found = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if match is None:
            raise MigrationError(f"{path.name}: migrations are named NNNN_lower_case_name.sql")
        raw = path.read_bytes()
        found.append(Migration(int(match[1]), path.stem, raw.decode("utf-8"), sha256_hex(raw)))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise MigrationError(
            f"migrations must be numbered 0001, 0002, ... without gaps: {versions}"
        )
    return found


def _is_blank(sql: str) -> bool:
    lines = (line.strip() for line in sql.splitlines())
    return all(not line or line.startswith("--") for line in lines)


def statements(sql: str) -> list[str]:
    """Split a migration into statements (triggers with inner semicolons stay whole)."""
    found: list[str] = []
    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if not _is_blank(buffer):
                found.append(buffer.strip())
            buffer = ""
    if not _is_blank(buffer):
        raise MigrationError(f"unfinished statement at the end of a migration: {buffer[:60]!r}")
    return found


async def user_version(conn: aiosqlite.Connection) -> int:
    """The schema version recorded in the file."""
    rows = list(await conn.execute_fetchall("PRAGMA user_version"))
    return int(rows[0][0])


def too_new(path: Path | str, found: int, latest: int) -> SchemaTooNew:
    """The error for a database written by a newer Levers."""
    return SchemaTooNew(
        f"the database {path} has schema version {found}, newer than this Levers knows "
        f"(up to {latest}); it was left untouched: upgrade Levers or use another --db file"
    )


async def _check_applied(
    conn: aiosqlite.Connection, migrations: list[Migration], current: int
) -> None:
    if current == 0:
        return
    rows = await conn.execute_fetchall("SELECT version, sha256 FROM schema_migrations")
    check_hashes({int(r[0]): str(r[1]) for r in rows}, migrations[:current])


def check_hashes(stored: dict[int, str], applied: list[Migration]) -> None:
    """MigrationError when an applied migration's file no longer has the hash it had (both
    drivers: ``stored`` is the ``schema_migrations`` table's version -> sha256)."""
    for migration in applied:
        if stored.get(migration.version) != migration.sha256:
            raise MigrationError(
                f"migration {migration.name} differs from the one applied to this database; "
                "applied migrations are never edited: restore it and add a new migration"
            )


async def migrate(
    conn: aiosqlite.Connection,
    now: datetime,
    path: Path | str = "<db>",
    migrations: list[Migration] | None = None,
    upto: int | None = None,
) -> int:
    """Apply every pending migration (up to ``upto``) in one transaction; return the version."""
    known = load_migrations() if migrations is None else migrations
    target = known if upto is None else known[:upto]
    await conn.execute("BEGIN IMMEDIATE")
    try:
        current = await user_version(conn)
        if current > len(known):
            raise too_new(path, current, len(known))
        await _check_applied(conn, known, current)
        for migration in target[current:]:
            for statement in statements(migration.sql):
                await conn.execute(statement)
            await conn.execute(
                "INSERT INTO schema_migrations (version, name, sha256, applied_at) "
                "VALUES (?, ?, ?, ?)",
                (migration.version, migration.name, migration.sha256, time_text(now)),
            )
            await conn.execute(f"PRAGMA user_version = {int(migration.version)}")
        if list(await conn.execute_fetchall("PRAGMA foreign_key_check")):
            raise MigrationError("a migration left rows that break a foreign key")
        version = await user_version(conn)
        await conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            await conn.execute("ROLLBACK")
        raise
    return version
