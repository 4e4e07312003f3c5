"""Faults: a full database and a lock held by another process give a clear error, never a
false acknowledgement, and the store works again once the fault clears."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.services import ManualClock
from bot.services.errors import StorageBusy, StorageFull
from bot.services.models import SYSTEM, Submission
from tests.services.helpers import BEN, open_services, rows, started

HOLD_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
conn.execute("INSERT INTO audit_log (actor, action, at) VALUES ('other', 'lock', 't')")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


def _integrity(db: Path) -> str:
    return str(rows(db, "PRAGMA integrity_check")[0][0])


async def test_a_full_database_refuses_clearly_and_works_once_there_is_room(tmp_path: Path) -> None:
    db = tmp_path / "levers.db"
    services = await open_services(db, ManualClock())
    try:
        match = await started(services, {"upstream": BEN})
        pages = int(rows(db, "PRAGMA page_count")[0][0])
        await services.store.set_max_page_count(pages + 2)
        acked: list[Submission] = []
        with pytest.raises(StorageFull, match="full") as refused:
            for number in range(500):
                argument = f"{number} " + "x" * 990
                acked.append(
                    await services.orders.submit(match.id, BEN, [("upstream.talks", argument)])
                )
        assert "nothing was saved" in refused.value.message
        stored = rows(db, "SELECT id FROM submissions ORDER BY id")
        assert [r[0] for r in stored] == [s.id for s in acked]  # no false acknowledgement
        with pytest.raises(StorageFull):
            await services.rounds.resolve(match.id, 1, SYSTEM)
        assert rows(db, "SELECT count(*) FROM rounds WHERE round = 1") == [(0,)]
        assert rows(db, "SELECT round FROM matches") == [(1,)]
        assert _integrity(db) == "ok"
        await services.store.set_max_page_count(1_000_000)
        last = await services.orders.submit(match.id, BEN, [("upstream.talks", "room now")])
        outcome = await services.rounds.resolve(match.id, 1, SYSTEM)
        assert outcome.orders["upstream"].submission_id == last.id
        assert (await services.verify_replay(match.id, SYSTEM)).ok
    finally:
        await services.close()
    assert _integrity(db) == "ok"


async def test_a_lock_held_by_another_process_refuses_clearly_then_clears(
    tmp_path: Path,
) -> None:
    db = tmp_path / "levers.db"
    services = await open_services(db, ManualClock(), busy_timeout_ms=200)
    try:
        match = await started(services, {"upstream": BEN})
        other = subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, str(db)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert other.stdout is not None and other.stdout.readline().strip() == "locked"
            with pytest.raises(StorageBusy, match="locked by another process"):
                await services.orders.submit(match.id, BEN, [("upstream.talks", "now")])
            with pytest.raises(StorageBusy):
                await services.rounds.resolve(match.id, 1, SYSTEM)
            assert (await services.matches.get(match.id, SYSTEM)).round == 1  # reading still works
        finally:
            other.communicate("\n", timeout=10)
        assert rows(db, "SELECT count(*) FROM submissions") == [(0,)]
        sub = await services.orders.submit(match.id, BEN, [("upstream.talks", "now")])
        assert rows(db, "SELECT id FROM submissions") == [(sub.id,)]
        assert (await services.rounds.resolve(match.id, 1, SYSTEM)).round == 1
    finally:
        await services.close()
    assert _integrity(db) == "ok"
