"""The store: transactions commit whole or not at all; helpers return what they say."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.paths import DEFAULT_DB, db_path
from db.store import Store


async def test_a_failed_transaction_leaves_nothing_and_the_store_keeps_working(
    tmp_path: Path,
) -> None:
    store = await Store.open(tmp_path / "x.db")
    try:
        with pytest.raises(RuntimeError):
            async with store.write() as tx:
                await tx.run("INSERT INTO audit_log (actor, action, at) VALUES ('a', 'x', 't')")
                raise RuntimeError("boom")
        async with store.write() as tx:
            await tx.run("INSERT INTO audit_log (actor, action, at) VALUES ('b', 'y', 't')")
            assert await tx.count("UPDATE audit_log SET target = 'z' WHERE 0") == 0
        async with store.read() as tx:
            assert [r[0] for r in await tx.all("SELECT actor FROM audit_log")] == ["b"]
    finally:
        await store.close()


async def test_hooks_see_every_step_of_a_write(tmp_path: Path) -> None:
    seen: list[str] = []
    store = await Store.open(tmp_path / "x.db", hook=seen.append)
    try:
        async with store.write() as tx:
            await tx.value("SELECT 1")
    finally:
        await store.close()
    assert seen == ["begin", "before_commit", "after_commit"]


async def test_backup_copies_a_consistent_database(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "x.db")
    try:
        async with store.write() as tx:
            await tx.run("INSERT INTO audit_log (actor, action, at) VALUES ('a', 'x', 't')")
        await store.backup(tmp_path / "copy.db")
    finally:
        await store.close()
    copy = await Store.open(tmp_path / "copy.db")
    try:
        async with copy.read() as tx:
            assert await tx.value("SELECT count(*) FROM audit_log") == 1
    finally:
        await copy.close()


def test_the_database_path_comes_from_the_flag_then_the_environment_then_the_default() -> None:
    assert db_path("a.db", {"LEVERS_DB": "b.db"}) == Path("a.db")
    assert db_path(None, {"LEVERS_DB": "b.db"}) == Path("b.db")
    assert db_path(None, {}) == DEFAULT_DB == Path("data/levers.db")


async def test_reads_run_side_by_side_and_a_failed_read_returns_its_connection(
    tmp_path: Path,
) -> None:
    store = await Store.open(tmp_path / "x.db")
    try:
        with pytest.raises(LookupError):
            async with store.read() as tx:
                await tx.value("SELECT 1")
                raise LookupError("the caller gave up")
        async with store.read() as a, store.read() as b, store.read() as c:
            found = [await t.value("SELECT count(*) FROM matches") for t in (a, b, c)]
        assert found == [0, 0, 0]
        async with store.write() as tx, store.read() as r:  # a read does not block a write
            await tx.run("INSERT INTO audit_log (actor, action, at) VALUES ('a', 'x', 't')")
            assert await r.value("SELECT count(*) FROM audit_log") == 0  # its own snapshot
        async with store.read() as r:
            assert await r.value("SELECT count(*) FROM audit_log") == 1
    finally:
        await store.close()
