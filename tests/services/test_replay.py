"""Exact replay from the stored scenario text, seed and locked orders."""

from __future__ import annotations

import json
from pathlib import Path

from bot.services import Services
from bot.services.models import SYSTEM
from tests.services.helpers import BEN, rows, started, tamper


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
    tamper(db, "UPDATE locked_orders SET orders = '{\"moves\":[]}' WHERE round = 2")
    report = await services.verify_replay(match.id, SYSTEM)
    assert not report.ok and report.first_difference == 2


async def test_a_changed_stored_state_is_caught_with_the_metric(
    services: Services, db: Path
) -> None:
    match = await started(services, {"upstream": BEN})
    await services.rounds.resolve(match.id, 1, SYSTEM)
    state = rows(db, "SELECT state FROM rounds WHERE round = 1")[0][0]
    changed = json.loads(state)
    changed["metrics"]["trust"] = 99.5
    tamper(db, "UPDATE rounds SET state = ? WHERE round = 1", (json.dumps(changed),))
    report = await services.verify_replay(match.id, SYSTEM)
    assert report.first_difference == 1 and "metrics.trust" in report.detail
