"""Races: many submissions for one seat, many resolve triggers for one round, at once.

Each race runs in one process (the per-match lock) and across two ``Services`` on the same
store (like two processes: SQLite's ``BEGIN IMMEDIATE``, PostgreSQL's advisory lock, and the
compare-and-set on round and phase), once per driver.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.game.errors import IllegalOrder
from bot.services import Actor, ManualClock, Services
from bot.services.models import SYSTEM, Submission
from tests.services.helpers import ANA, open_services, rows, started

SETS: list[list[tuple[str, str]]] = [
    [("upstream.build_dam", "dam")],
    [("upstream.small_turbines", "turbines")],
    [("upstream.talks", "talks")],
    [("upstream.small_turbines", "t"), ("upstream.talks", "t")],
    [("upstream.talks", "t"), ("upstream.small_turbines", "t")],
    [],
    [("upstream.build_dam", "over"), ("upstream.talks", "budget")],  # refused: 3 AP of 2
]
PLAYERS = [Actor(f"p{i}", f"Player {i}") for i in range(5)]


async def _team_match(services: Services) -> int:
    match = await started(services, {}, teams=True)
    for player in PLAYERS:
        await services.matches.assign_seat(match.id, ANA, player.player, player.name, "upstream")
    return match.id


def _check_one_consistent_submission(db: Path, match_id: int, acked: list[Submission]) -> None:
    live = rows(
        db,
        "SELECT id, cost FROM submissions WHERE match_id = ? AND round = 1 AND seat = 'upstream' "
        "AND status = 'current'",
        (match_id,),
    )
    assert len(live) == 1, live
    live_id, cost = live[0]
    assert live_id == max(s.id for s in acked)  # the last acknowledged one wins
    slots = rows(
        db,
        "SELECT slot, move FROM submission_orders WHERE submission_id = ? ORDER BY slot",
        (live_id,),
    )
    assert [slot for slot, _ in slots] == list(range(len(slots)))
    assert len({move for _, move in slots}) == len(slots)  # one order per move
    prices = {"upstream.build_dam": 2, "upstream.small_turbines": 1, "upstream.talks": 1}
    assert sum(prices[m] for _, m in slots) == cost <= 2  # the budget holds
    for sub in acked:  # every acknowledged submission is stored exactly as sent
        stored = rows(
            db,
            "SELECT move, argument FROM submission_orders WHERE submission_id = ? ORDER BY slot",
            (sub.id,),
        )
        assert stored == [(o.move, o.argument) for o in sub.orders.moves]
    total = rows(db, "SELECT count(*) FROM submissions WHERE match_id = ?", (match_id,))
    assert total == [(len(acked),)]


@pytest.mark.parametrize("writers", [1, 2])
async def test_fifty_simultaneous_submissions_leave_one_consistent_set_of_orders(
    db: Path, clock: ManualClock, writers: int
) -> None:
    pool = [await open_services(db, clock) for _ in range(writers)]
    try:
        match_id = await _team_match(pool[0])
        calls = [
            # Only a team's captain (the first seated) submits: the race is 50 of its clicks.
            pool[i % writers].orders.submit(match_id, PLAYERS[0], SETS[i % len(SETS)])
            for i in range(50)
        ]
        results = await asyncio.gather(*calls, return_exceptions=True)
        acked = [r for r in results if isinstance(r, Submission)]
        refused = [r for r in results if isinstance(r, IllegalOrder)]
        assert len(acked) + len(refused) == 50, [r for r in results if isinstance(r, Exception)]
        assert len(refused) == 50 // len(SETS)
        _check_one_consistent_submission(db, match_id, acked)
    finally:
        for services in pool:
            await services.close()


@pytest.mark.parametrize("writers", [1, 2])
async def test_fifty_simultaneous_resolves_resolve_once_and_announce_once(
    db: Path, clock: ManualClock, writers: int
) -> None:
    pool = [await open_services(db, clock) for _ in range(writers)]
    try:
        match = await started(pool[0], {"upstream": PLAYERS[0]})
        await pool[0].orders.submit(match.id, PLAYERS[0], SETS[3])
        calls = [pool[i % writers].rounds.resolve(match.id, 1, SYSTEM) for i in range(50)]
        outcomes = await asyncio.gather(*calls)
        assert sum(not o.already_resolved for o in outcomes) == 1
        states = {json.dumps(o.state.to_dict(), sort_keys=True) for o in outcomes}
        assert len(states) == 1
        assert rows(db, "SELECT count(*) FROM rounds WHERE round = 1") == [(1,)]
        assert rows(db, "SELECT count(*) FROM locked_orders WHERE round = 1") == [(3,)]
        announced = "SELECT count(*) FROM outbox WHERE kind = 'round_resolved' AND round = 1"
        assert rows(db, announced) == [(1,)]
        logged = "SELECT count(*) FROM match_log WHERE kind = 'round_resolved'"
        assert rows(db, logged) == [(1,)]
        assert rows(db, "SELECT round, phase FROM matches") == [(2, "orders")]
        assert (await pool[-1].verify_replay(match.id, SYSTEM)).ok
    finally:
        for services in pool:
            await services.close()
