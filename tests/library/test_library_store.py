"""Issue 6: nothing invalid is ever stored. The hostile corpus, uploaded through the store
engineer's ``LibraryService``, leaves the library, the scenario texts and the audit log empty;
a file the sandbox accepts is stored byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.library import sandbox
from bot.services import ManualClock
from bot.services.errors import ScenarioRejected
from tests.library import corpus
from tests.library.scenarios import MIRROR
from tests.services.helpers import MOD, open_services, rows

# The two slowest files take about 1.5 s each to refuse in-process; the sandbox tests cover them.
SLOW = {"slowest-parse.yaml", "nodes-over-cap.yaml"}
CASES = [c for c in corpus.all_cases() if c.name not in SLOW]


async def test_no_hostile_file_reaches_the_store(tmp_path: Path) -> None:
    db = tmp_path / "levers.db"
    services = await open_services(db, ManualClock())
    try:
        for case in CASES:
            with pytest.raises(ScenarioRejected):
                await services.library.upload("g", MOD, case.raw, case.name)
        assert await services.library.entries("g") == []
    finally:
        await services.close()
    assert rows(db, "SELECT count(*) FROM scenario_texts") == [(0,)]
    assert rows(db, "SELECT count(*) FROM guild_scenarios") == [(0,)]
    assert rows(db, "SELECT count(*) FROM audit_log") == [(0,)]


async def test_a_file_the_sandbox_accepts_is_stored_byte_for_byte(tmp_path: Path) -> None:
    raw = MIRROR.encode()
    checked = await sandbox.check_upload(raw, "mirror.yaml")
    assert checked.ok
    services = await open_services(tmp_path / "levers.db", ManualClock())
    try:
        entry = await services.library.upload("g", MOD, raw, checked.filename)
        assert entry.sha256 == checked.sha256
        assert await services.scenarios.text(entry.sha256) == raw
    finally:
        await services.close()
