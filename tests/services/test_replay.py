"""Exact replay from the stored scenario text, seed and locked orders."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.services import Services
from bot.services.models import SYSTEM
from tests.services.helpers import BEN, started


def _tamper(db: Path, sql: str) -> None:
    """Change a stored round behind the store's back (dropping its guard trigger first)."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("DROP TRIGGER IF EXISTS locked_orders_no_update")
        conn.execute("DROP TRIGGER IF EXISTS rounds_no_update")
        conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


async def test_an_unfinished_match_replays_over_its_resolved_rounds(services: Services) -> None:
    match = await started(services, {"upstream": BEN})
    assert (await services.verify_replay(match.id, SYSTEM)).rounds_checked == 0
    await services.rounds.resolve(match.id, 1, SYSTEM)
    await services.rounds.resolve(match.id, 2, SYSTEM)
    report = await services.verify_replay(match.id, SYSTEM)
    assert report.ok and report.rounds_checked == 2


async def test_changed_locked_orders_are_caught_at_their_round(
    services: Services, db: Path
) -> None:
    match = await started(services, {"upstream": BEN}, seed=4)
    for number in (1, 2, 3):
        await services.rounds.resolve(match.id, number, SYSTEM)
    _tamper(db, "UPDATE locked_orders SET orders = '{\"moves\":[]}' WHERE round = 2")
    report = await services.verify_replay(match.id, SYSTEM)
    assert not report.ok and report.first_difference == 2


async def test_a_changed_stored_state_is_caught_with_the_metric(
    services: Services, db: Path
) -> None:
    match = await started(services, {"upstream": BEN})
    await services.rounds.resolve(match.id, 1, SYSTEM)
    _tamper(
        db,
        "UPDATE rounds SET state = json_set(state, '$.metrics.trust', 99.5) WHERE round = 1",
    )
    report = await services.verify_replay(match.id, SYSTEM)
    assert report.first_difference == 1 and "metrics.trust" in report.detail
