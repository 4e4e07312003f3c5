"""Orders: submitted through the engine's rules, replaced, withdrawn, secret, on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.game.errors import IllegalOrder
from bot.services import ManualClock, Services
from bot.services.errors import InvalidInput, NothingToWithdraw, NotSeated, RoundClosed
from bot.services.models import SYSTEM
from tests.services.helpers import ANA, BEN, CAT, open_services, rows, started


async def test_a_submission_is_on_disk_when_it_is_acknowledged(
    services: Services, db: Path
) -> None:
    match = await started(services, {"upstream": BEN})
    sub = await services.orders.submit(
        match.id, BEN, [("upstream.small_turbines", "cheap power")], round=1
    )
    assert (sub.seat, sub.round, sub.cost, sub.status) == ("upstream", 1, 1, "current")
    stored = rows(db, "SELECT slot, move, argument FROM submission_orders")
    assert stored == [(0, "upstream.small_turbines", "cheap power")]
    kept = rows(db, "SELECT seat, player, status, submitted_at FROM submissions")
    assert kept == [("upstream", BEN.player, "current", "2021-01-20T12:00:00.000000Z")]


async def test_a_new_submission_replaces_the_last_and_history_is_kept(
    services: Services, db: Path
) -> None:
    match = await started(services, {"upstream": BEN})
    await services.orders.submit(match.id, BEN, [("upstream.small_turbines", "a")])
    await services.orders.submit(match.id, BEN, [("upstream.build_dam", "b")])
    assert rows(db, "SELECT status FROM submissions ORDER BY id") == [
        ("replaced",),
        ("current",),
    ]
    mine = await services.orders.mine(match.id, BEN)
    assert mine is not None and [o.move for o in mine.orders.moves] == ["upstream.build_dam"]


async def test_illegal_orders_are_refused_and_nothing_is_stored(
    services: Services, db: Path
) -> None:
    match = await started(services, {"upstream": BEN})
    over_budget = [("upstream.build_dam", ""), ("upstream.small_turbines", "")]
    with pytest.raises(IllegalOrder, match="budget"):
        await services.orders.submit(match.id, BEN, over_budget)
    with pytest.raises(IllegalOrder, match="another seat"):
        await services.orders.submit(match.id, BEN, [("council.mediate", "")])
    with pytest.raises(InvalidInput, match="1000"):
        await services.orders.submit(match.id, BEN, [("upstream.talks", "x" * 1001)])
    with pytest.raises(NotSeated):
        await services.orders.submit(match.id, CAT, [("council.mediate", "")])
    with pytest.raises(RoundClosed):
        await services.orders.submit(match.id, BEN, [("upstream.talks", "")], round=2)
    assert rows(db, "SELECT count(*) FROM submissions") == [(0,)]
    assert rows(db, "SELECT count(*) FROM submission_orders") == [(0,)]


async def test_withdrawing_leaves_the_seat_without_orders(services: Services, db: Path) -> None:
    match = await started(services, {"upstream": BEN})
    sub = await services.orders.submit(match.id, BEN, [("upstream.talks", "")])
    assert await services.orders.withdraw(match.id, BEN) == sub.id
    assert await services.orders.mine(match.id, BEN) is None
    with pytest.raises(NothingToWithdraw):
        await services.orders.withdraw(match.id, BEN)
    assert rows(db, "SELECT status FROM submissions") == [("withdrawn",)]


async def test_status_says_who_submitted_and_options_list_legal_moves(
    services: Services,
) -> None:
    match = await started(services, {"upstream": BEN, "downstream": CAT})
    assert not await services.orders.all_submitted(match.id, SYSTEM)
    await services.orders.submit(match.id, BEN, [("upstream.talks", "")])
    status = {
        s.seat: (s.controller, s.submitted) for s in await services.orders.status(match.id, SYSTEM)
    }
    assert status == {
        "upstream": ("players", True),
        "downstream": ("players", False),
        "council": ("ai", False),
    }
    options = await services.orders.options(match.id, CAT)
    assert options.seat == "downstream" and options.budget == 2
    assert {m.id for m in options.moves} <= {
        "downstream.protest",
        "downstream.irrigate",
        "downstream.talks",
    }
    await services.orders.submit(match.id, CAT, [("downstream.talks", "")])
    assert await services.orders.all_submitted(match.id, SYSTEM)


async def test_orders_in_the_lobby_or_after_the_end_are_refused(services: Services) -> None:
    from bot.services.errors import WrongPhase
    from tests.services.helpers import tutorial_sha

    sha = await tutorial_sha(services)
    lobby = await services.matches.create(ANA, sha)
    await services.matches.take_seat(lobby.id, BEN, "upstream")
    with pytest.raises(WrongPhase, match="not started"):
        await services.orders.submit(lobby.id, BEN, [])
    match = await started(services, {"upstream": BEN})
    await services.control.end(match.id, ANA, "time is up")
    with pytest.raises(WrongPhase, match="over"):
        await services.orders.submit(match.id, BEN, [])


async def test_a_change_made_by_another_process_is_seen_before_orders_are_stored(
    services: Services, db: Path, clock: ManualClock
) -> None:
    match = await started(services, {"upstream": BEN, "downstream": CAT})
    await services.orders.submit(match.id, BEN, [("upstream.talks", "r1")])  # view cached
    other = await open_services(db, clock)  # another process on the same file
    try:
        await other.rounds.resolve(match.id, 1, SYSTEM)
        await other.control.substitute(match.id, ANA, "downstream", None)
    finally:
        await other.close()
    with pytest.raises(RoundClosed):
        await services.orders.submit(match.id, BEN, [("upstream.talks", "late")], round=1)
    with pytest.raises(NotSeated):
        await services.orders.submit(match.id, CAT, [("downstream.talks", "gone")])
    sub = await services.orders.submit(match.id, BEN, [("upstream.talks", "r2")])
    assert sub.round == 2
    assert rows(db, "SELECT round, seat FROM submissions ORDER BY id") == [
        (1, "upstream"),
        (2, "upstream"),
    ]
