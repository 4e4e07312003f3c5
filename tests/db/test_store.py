"""The store: transactions commit whole or not at all; helpers return what they say.

The tests taking ``store_target`` run once per driver (an SQLite file, a PostgreSQL database).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from db.errors import ConstraintBroken, StoreError
from db.paths import DEFAULT_DB, db_path, db_target
from db.store import Store


async def test_a_failed_transaction_leaves_nothing_and_the_store_keeps_working(
    store_target: Path | str,
) -> None:
    store = await Store.open(store_target)
    try:
        with pytest.raises(RuntimeError):
            async with store.write() as tx:
                await tx.run("INSERT INTO audit_log (actor, action, at) VALUES ('a', 'x', 't')")
                raise RuntimeError("boom")
        async with store.write() as tx:
            await tx.run("INSERT INTO audit_log (actor, action, at) VALUES ('b', 'y', 't')")
            assert await tx.count("UPDATE audit_log SET target = 'z' WHERE 1 = 0") == 0
        async with store.read() as tx:
            assert [r[0] for r in await tx.all("SELECT actor FROM audit_log")] == ["b"]
    finally:
        await store.close()


async def test_hooks_see_every_step_of_a_write(store_target: Path | str) -> None:
    seen: list[str] = []
    store = await Store.open(store_target, hook=seen.append)
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
    url = "postgresql://levers@db.example/levers"
    assert db_target(None, {"LEVERS_DB": url}) == url
    assert db_target(url, {"LEVERS_DB": "b.db"}) == url
    assert db_target("a.db", {"LEVERS_DB": url}) == Path("a.db")


async def test_reads_run_side_by_side_and_a_failed_read_returns_its_connection(
    store_target: Path | str,
) -> None:
    store = await Store.open(store_target)
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


async def test_a_broken_constraint_is_the_same_error_on_both_drivers(
    store_target: Path | str,
) -> None:
    store = await Store.open(store_target)
    try:
        with pytest.raises(ConstraintBroken):
            async with store.write() as tx:
                await tx.run("INSERT INTO audit_log (actor, action, at) VALUES (NULL, 'x', 't')")
        with pytest.raises(ConstraintBroken):  # the append-only trigger
            async with store.write() as tx:
                await tx.run("INSERT INTO audit_log (actor, action, at) VALUES ('a', 'x', 't')")
                await tx.run("DELETE FROM audit_log")
        async with store.read() as tx:
            assert await tx.value("SELECT count(*) FROM audit_log") == 0
    finally:
        await store.close()


async def test_a_match_lock_is_held_across_stores_on_postgresql(pg_url: str) -> None:
    """Two stores are two processes: the second waits for the first's advisory lock (SQLite's
    single process needs no lock beyond the services' asyncio.Lock)."""
    first, second = await Store.open(pg_url), await Store.open(pg_url)
    order: list[str] = []
    try:
        async with first.match_lock(7):
            waiting = asyncio.create_task(_take(second, 7, order))
            other = asyncio.create_task(_take(second, 8, order))  # another match: no wait
            await other
            await asyncio.sleep(0.2)
            assert not waiting.done()
            order.append("first lets go")
        await waiting
    finally:
        await first.close()
        await second.close()
    assert order == ["8", "first lets go", "7"]


async def _take(store: Store, match_id: int, order: list[str]) -> None:
    async with store.match_lock(match_id):
        order.append(str(match_id))


async def test_a_row_claimed_by_another_transaction_is_skipped(store_target: Path | str) -> None:
    store = await Store.open(store_target)
    try:
        async with store.write() as tx:
            await tx.run("INSERT INTO audit_log (actor, action, at) VALUES ('a', 'x', 't')")
        if isinstance(store_target, Path):  # one writer: a claim is the write transaction
            async with store.write() as tx:
                assert len(await tx.skip_locked("SELECT id FROM audit_log")) == 1
            return
        other = await Store.open(store_target)
        try:
            async with store.write() as mine:
                assert len(await mine.skip_locked("SELECT id FROM audit_log")) == 1
                async with other.write() as theirs:  # does not wait, gets nothing
                    assert await theirs.skip_locked("SELECT id FROM audit_log") == []
            async with other.write() as theirs:
                assert len(await theirs.skip_locked("SELECT id FROM audit_log")) == 1
        finally:
            await other.close()
    finally:
        await store.close()


async def test_an_unreachable_server_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="cannot"):
        await Store.open("postgresql://levers@127.0.0.1:1/levers", busy_timeout_ms=500)


async def test_a_read_on_a_closed_store_fails_at_once(store_target: Path | str) -> None:
    """A handler still running when the bot stops (a kill) must get an error from the closed
    store, not wait forever for a connection (the fault soak's restart waited on one)."""
    store = await Store.open(store_target)
    await store.close()
    for _ in range(2):  # every later read too, not just the first
        with pytest.raises(StoreError):
            await asyncio.wait_for(_read_one(store), 5)
    await store.close()  # closing twice is harmless


async def _read_one(store: Store) -> None:
    async with store.read() as tx:
        await tx.value("SELECT 1")
