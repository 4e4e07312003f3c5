"""Migrations: numbered files applied in one transaction; old files upgrade; new files refused."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import pytest

from bot.cli.main import main
from db.errors import MigrationError, SchemaTooNew
from db.migrate import MIGRATIONS, Migration, load_migrations, migrate, statements
from db.postgres import MIGRATIONS_PG
from db.store import Store
from tests.pg_cluster import query

# An applied migration is never edited. If this fails, restore the file and add a new one.
APPLIED = {
    "0001_matches": "7e25ad23a90625963e9fe3bb965e821fe4f101efe42ae9676131ca854a1324d8",
    "0002_servers": "9a1127e409c7646a9c7c9355baa96d38cf86824457e501b69084f103605e9e37",
    "0003_submission_lookup": "e9e8ea01d8fd0dcf9a92849ac4e4f81b0a62ecd39d06476dccc92bdb78264e7e",
    "0004_match_places": "d41cb2c5fb54434e372640153e5faa815209f8ef83cc7480dd6407da7ff6d165",
    "0005_teams": "2a34f29442bb392f9dd5742bfa3bd1707bd2a63f1c678093ba8020eee7d349df",
    "0006_classes": "17dbe8f616b4b19ef6f131ec94e7a53d917d38c14d8b781c4eb18e82a013b79e",
    "0007_whatif": "193280681ef578a9ac6c3d70b2ebe39b419fa2dbe7c9a59d2ab2c23d30d12312",
    "0008_debate": "5ed1b1db774822f3b6688795d7d8a5fc553f5c98299b2c2592a76652f444d793",
    "0009_deals": "66c739f663af2154bdfa6c5dfbe0dbd44e32eafcbc761b6f412c1879ae44816d",
}
# The same for PostgreSQL's dialect (db/migrations/postgresql/, versioned with the above).
APPLIED_PG = {
    "0001_matches": "7f760590f7ab3f0d8315b66d1a4d5366d618bf82cc262d9a9794f491d3e58354",
    "0002_servers": "e39e9a152ef060b23099390ab8734596afa162a3eef0817bcfb7835e3afc3551",
    "0003_submission_lookup": "7584342a6243147eb8395210162b5bf0f75f863649fa799a132e9afac765faa7",
    "0004_match_places": "03b0d8a9b797292b423f220c3d7fdf606240b5d1d6d19315184152b6a7a1cd90",
    "0005_teams": "57d324baf54bcce85bec09f5fe0870d6ee84c1edcb7b916e817faf676eca4608",
    "0006_classes": "5bca983b74e8ff0a80713880a2ede3eafe37feb085ae4b85f2f42a9469f66365",
    "0007_whatif": "1780c574e593babf654ba923dfb0c51c33cc00b0d1b24314d7ccd025fde418e9",
    "0008_debate": "7ff600b16b9ece8f27ff89082243fd2cebf7125662425b212e124e47cdfc5fc9",
    "0009_deals": "0d9224efaa0840d1a6b2d6d68c574ef4794a7cc8542ca5d36e905248d03915c3",
}


def _version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def _tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        found = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        return {str(r[0]) for r in found}
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("directory", "applied"), [(MIGRATIONS, APPLIED), (MIGRATIONS_PG, APPLIED_PG)]
)
def test_migration_files_are_numbered_without_gaps_and_never_edited(
    directory: Path, applied: dict[str, str]
) -> None:
    found = load_migrations(directory)
    assert [m.version for m in found] == list(range(1, len(found) + 1))
    for migration in found:
        if migration.name in applied:
            assert migration.sha256 == applied[migration.name], (
                f"{migration.name} was edited after it was applied; add a new migration instead"
            )
    assert set(applied) <= {m.name for m in found}


def test_both_drivers_have_the_same_migrations() -> None:
    """A schema change is one migration number for both drivers: same versions, same names."""
    sqlite = [(m.version, m.name) for m in load_migrations(MIGRATIONS)]
    assert sqlite == [(m.version, m.name) for m in load_migrations(MIGRATIONS_PG)]
    assert set(APPLIED) == set(APPLIED_PG)


async def test_a_postgresql_database_migrates_once_and_refuses_a_newer_one(pg_url: str) -> None:
    store = await Store.open(pg_url, upto=1)
    await store.close()
    for _ in range(2):  # the second open finds nothing to do
        store = await Store.open(pg_url)
        async with store.read() as tx:
            applied = await tx.all("SELECT version, sha256 FROM schema_migrations ORDER BY 1")
        await store.close()
        assert [(r[0], r[1]) for r in applied] == [
            (m.version, m.sha256) for m in load_migrations(MIGRATIONS_PG)
        ]
    query(pg_url, "INSERT INTO schema_migrations VALUES (99, 'future', '', '')")
    with pytest.raises(SchemaTooNew, match="newer than this Levers"):
        await Store.open(pg_url)
    query(pg_url, "DELETE FROM schema_migrations WHERE version = 99")
    query(pg_url, "UPDATE schema_migrations SET sha256 = 'edited' WHERE version = 2")
    with pytest.raises(MigrationError, match="differs"):
        await Store.open(pg_url)


def test_badly_named_or_gapped_migrations_are_refused(tmp_path: Path) -> None:
    (tmp_path / "0001_a.sql").write_text("CREATE TABLE a (x);")
    (tmp_path / "0003_c.sql").write_text("CREATE TABLE c (x);")
    with pytest.raises(MigrationError, match="without gaps"):
        load_migrations(tmp_path)
    (tmp_path / "3_bad.sql").write_text("")
    with pytest.raises(MigrationError, match="NNNN"):
        load_migrations(tmp_path)


def test_statements_keep_triggers_whole() -> None:
    sql = (
        "-- c\nCREATE TABLE t (x);\nCREATE TRIGGER g BEFORE DELETE ON t\n"
        "BEGIN\n  SELECT 1;\n  SELECT 2;\nEND;\n-- end\n"
    )
    found = statements(sql)
    assert len(found) == 2 and found[1].endswith("END;")


async def test_a_new_database_gets_every_migration_and_the_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "new" / "levers.db"
    store = await Store.open(path)
    try:
        async with store.read() as tx:
            assert (await tx.value("PRAGMA journal_mode")) == "wal"
            assert (await tx.value("PRAGMA foreign_keys")) == 1
            assert (await tx.value("PRAGMA synchronous")) == 2  # FULL
            applied = await tx.all("SELECT version, sha256 FROM schema_migrations")
    finally:
        await store.close()
    assert _version(path) == len(load_migrations())
    assert [(r[0], r[1]) for r in applied] == [(m.version, m.sha256) for m in load_migrations()]


async def test_a_database_made_by_migration_0001_upgrades_to_the_latest(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = await Store.open(path, upto=1)
    async with old.write() as tx:
        await tx.run(
            "INSERT INTO scenario_texts VALUES (?, ?, 'x', '1.0', 'X', ?)",
            ("a" * 64, b"meta: {}", "2021-01-01T00:00:00.000000Z"),
        )
    await old.close()
    assert _version(path) == 1 and "guild_settings" not in _tables(path)
    store = await Store.open(path)
    await store.close()
    assert _version(path) == len(load_migrations())
    assert {"guild_settings", "audit_log", "guild_scenarios"} <= _tables(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT scenario_id FROM scenario_texts").fetchall() == [("x",)]
    conn.close()


async def _future_database(path: Path) -> str:
    store = await Store.open(path)
    await store.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def test_a_database_newer_than_the_code_is_refused_and_left_untouched(
    tmp_path: Path,
) -> None:
    path = tmp_path / "future.db"
    before = await _future_database(path)
    with pytest.raises(SchemaTooNew, match="newer than this Levers"):
        await Store.open(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert _version(path) == 99


def test_commands_on_a_newer_database_say_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "future.db"
    before = asyncio.run(_future_database(path))
    assert main(["matches", "--db", str(path)]) == 1
    assert main(["replay", "--match", "1", "--verify", "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("newer than this Levers") == 2
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


async def test_a_failing_migration_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "levers.db"
    store = await Store.open(path)
    await store.close()
    known = load_migrations()
    bad = "CREATE TABLE fine (x);\nCREATE TABLE (;\n"
    broken = [*known, Migration(len(known) + 1, "9999_broken", bad, "0" * 64)]
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError):
            await migrate(conn, datetime.now(UTC), path, migrations=broken)
    finally:
        await conn.close()
    assert _version(path) == len(known) and "fine" not in _tables(path)


async def test_an_edited_applied_migration_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "levers.db"
    store = await Store.open(path)
    await store.close()
    edited = load_migrations()
    edited[0] = Migration(1, edited[0].name, edited[0].sql + "\n-- edited\n", "f" * 64)
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        with pytest.raises(MigrationError, match="never edited"):
            await migrate(conn, datetime.now(UTC), path, migrations=edited)
    finally:
        await conn.close()


def test_the_migrations_directory_ships_with_the_package() -> None:
    assert MIGRATIONS.is_dir() and any(MIGRATIONS.glob("0001_*.sql"))


async def test_0004_moves_thread_and_lobby_out_of_the_match_settings(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = await Store.open(path, upto=3)
    async with old.write() as tx:
        await tx.run(
            "INSERT INTO scenario_texts VALUES (?, ?, 'x', '1.0', 'X', ?)",
            ("a" * 64, b"meta: {}", "2021-01-01T00:00:00.000000Z"),
        )
        for match_id, settings in (
            (1, '{"discord_thread": "77", "discord_lobby": "5/66", "keep": 1}'),
            (2, '{"discord_lobby": "8/99"}'),
            (3, "{}"),
        ):
            await tx.run(
                "INSERT INTO matches (id, scenario_id, scenario_version, scenario_sha256, host, "
                "seed, last_round, ai_fill, teams, phase, settings, created_at) VALUES "
                "(?, 'x', '1.0', ?, 'h', 1, 2, 1, 0, 'lobby', ?, '2021-01-01T00:00:00.000000Z')",
                (match_id, "a" * 64, settings),
            )
    await old.close()
    store = await Store.open(path)
    await store.close()
    conn = sqlite3.connect(path)
    try:
        places = conn.execute("SELECT * FROM match_places ORDER BY match_id").fetchall()
        kept = conn.execute("SELECT settings FROM matches ORDER BY id").fetchall()
    finally:
        conn.close()
    assert places == [(1, "77", "5", "66"), (2, None, "8", "99")]
    assert kept == [('{"keep":1}',), ("{}",), ("{}",)]
