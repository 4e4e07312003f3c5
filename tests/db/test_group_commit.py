"""Group commit (``db/sqlite.py``): transactions that queue up share one COMMIT, and each
caller's ``async with store.write()`` returns only once its statements are committed.

The kill test runs a real process with many concurrent writers and kills it with SIGKILL at
random moments and at the store's hook points: every write that returned before the kill (its
key appended to a file right after) is in the file afterwards, and the file is intact.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from db.errors import StoreFull
from db.sqlite import SqliteStore
from db.store import Store

INSERT = "INSERT INTO audit_log (actor, action, at) VALUES (?, 'w', 't')"


def _committed(db: Path) -> set[str]:
    """What a fresh connection (a restarted process) finds."""
    conn = sqlite3.connect(db)
    try:
        return {r[0] for r in conn.execute("SELECT actor FROM audit_log")}
    finally:
        conn.close()


async def _sqlite(path: Path) -> SqliteStore:
    store = await Store.open(path)
    assert isinstance(store, SqliteStore)
    return store


async def test_writers_that_queue_share_commits_and_return_only_once_committed(
    tmp_path: Path,
) -> None:
    db = tmp_path / "g.db"
    store = await _sqlite(db)
    try:

        async def writer(key: str) -> None:
            async with store.write() as tx:
                await tx.run(INSERT, (key,))
            assert key in _committed(db)  # returned: committed, for any other connection

        keys = [f"w{i}" for i in range(60)]
        await asyncio.gather(*(writer(k) for k in keys))
        assert _committed(db) == set(keys)
        assert 1 <= store.commits < len(keys)  # they shared commits
    finally:
        await store.close()


async def test_a_failing_writer_undoes_only_its_own_statements(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    store = await _sqlite(db)
    try:

        async def writer(key: str) -> None:
            async with store.write() as tx:
                await tx.run(INSERT, (key,))
                if key.endswith("bad"):
                    raise LookupError(key)

        keys = [f"w{i}" + ("bad" if i % 3 == 0 else "") for i in range(30)]
        outcome = await asyncio.gather(*(writer(k) for k in keys), return_exceptions=True)
        failed = {k for k, o in zip(keys, outcome, strict=True) if isinstance(o, LookupError)}
        assert failed == {k for k in keys if k.endswith("bad")}
        assert all(o is None for k, o in zip(keys, outcome, strict=True) if k not in failed)
        assert _committed(db) == set(keys) - failed
        async with store.write() as tx:  # and the store goes on
            await tx.run(INSERT, ("after",))
        assert "after" in _committed(db)
    finally:
        await store.close()


async def test_when_a_shared_commit_cannot_be_saved_every_writer_in_it_hears_so(
    tmp_path: Path,
) -> None:
    db = tmp_path / "g.db"
    store = await _sqlite(db)
    try:
        async with store.read() as tx:
            pages = int(await tx.value("PRAGMA page_count"))
        await store.set_max_page_count(pages + 2)

        async def writer(key: str) -> None:
            async with store.write() as tx:
                await tx.run(INSERT, (key + "x" * 3000,))

        keys = [f"w{i:02}" for i in range(40)]
        outcome = await asyncio.gather(*(writer(k) for k in keys), return_exceptions=True)
        assert any(isinstance(o, StoreFull) for o in outcome)
        assert all(o is None or isinstance(o, StoreFull) for o in outcome), outcome
        saved = {k[:3] for k in _committed(db)}
        assert saved == {k for k, o in zip(keys, outcome, strict=True) if o is None}
        await store.set_max_page_count(1_000_000)
        async with store.write() as tx:
            await tx.run(INSERT, ("room",))
        assert "room" in _committed(db)
    finally:
        await store.close()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


async def test_closing_and_backing_up_commit_an_open_batch_first(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    store = await _sqlite(db)

    async def writer(key: str) -> None:
        async with store.write() as tx:
            await tx.run(INSERT, (key,))

    writers = [asyncio.create_task(writer(f"w{i}")) for i in range(10)]
    await asyncio.sleep(0)  # they queue for the writer (a scheduling point, not a wait)
    await store.backup(tmp_path / "copy.db")
    await asyncio.gather(*writers)
    more = [asyncio.create_task(writer(f"v{i}")) for i in range(10)]
    await asyncio.sleep(0)
    closing = asyncio.create_task(store.close())
    await asyncio.gather(*more)
    await closing
    assert _committed(db) == {f"w{i}" for i in range(10)} | {f"v{i}" for i in range(10)}


WORKER = """
import asyncio, os, sys
from db.store import Store

async def main(db, acks, point, at):
    seen = [0]
    def hook(name):
        if name == point:
            seen[0] += 1
            if seen[0] == at:
                os.kill(os.getpid(), 9)
    store = await Store.open(db, hook=hook)
    out = os.open(acks, os.O_WRONLY | os.O_APPEND | os.O_CREAT)

    async def writer(n):
        for i in range(1000):
            key = f"{os.getpid()}-{n}-{i}"
            async with store.write() as tx:
                await tx.run("INSERT INTO audit_log (actor, action, at) VALUES (?, 'w', 't')",
                             (key,))
                if i % 7 == 3:
                    await tx.run("INSERT INTO audit_log (actor, action, at) VALUES (?, 'w', 't')",
                                 (key + "-second",))
            os.write(out, (key + "\\n").encode())  # acknowledged: the write returned

    print("ready", flush=True)
    await asyncio.gather(*(writer(n) for n in range(40)))

asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
"""

KILLS = int(os.environ.get("LEVERS_GROUP_COMMIT_KILLS", "12"))


@pytest.mark.parametrize("run", range(KILLS))
def test_killed_with_many_writers_every_acknowledged_write_survives(
    tmp_path: Path, run: int
) -> None:
    rng = random.Random(4000 + run)
    db, acks = tmp_path / "k.db", tmp_path / "acks"
    point = ["random", "before_commit", "after_commit", "begin"][run % 4]
    at = rng.randint(100, 400) if point == "begin" else rng.randint(5, 60)  # past the 1st commit
    root = Path(__file__).resolve().parents[2]
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(db), str(acks), point, str(at)],
        cwd=root,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
    if point == "random":
        time.sleep(rng.uniform(0.05, 0.5))  # a moment to kill at, not a wait for a result
        worker.send_signal(signal.SIGKILL)
    assert worker.wait(timeout=120) == -signal.SIGKILL
    acked = acks.read_text().split() if acks.exists() else []
    assert acked, "the worker acknowledged nothing before it was killed"
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {r[0] for r in conn.execute("SELECT actor FROM audit_log")}
    finally:
        conn.close()
    assert set(acked) <= stored, sorted(set(acked) - stored)[:5]
    # Nothing half-done: a write's second row is there exactly when its first is.
    for key in stored:
        i = key.split("-")[2]
        if int(i) % 7 == 3 and not key.endswith("-second"):
            assert f"{key}-second" in stored, key
