"""The lobby: creating a match, taking and leaving seats, the host's powers, starting."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.services import ManualClock, Services
from bot.services.errors import (
    InvalidInput,
    NotAllowed,
    NotSeated,
    SeatTaken,
    UnknownSeat,
    WrongPhase,
)
from bot.services.models import SYSTEM
from tests.services.helpers import ANA, BEN, CAT, MOD, rows, started, tutorial_sha


async def test_a_new_match_is_stored_with_its_exact_scenario_text(
    services: Services, db: Path
) -> None:
    sha = await tutorial_sha(services)
    match = await services.matches.create(ANA, sha, seed=3, guild_id="g", channel_id="c")
    assert (match.phase, match.round, match.seed, match.host) == ("lobby", 0, 3, ANA.player)
    assert [s.controller for s in match.seats] == ["open", "open", "open"]
    body = rows(db, "SELECT body FROM scenario_texts WHERE sha256 = ?", (sha,))[0][0]
    assert body == (Path("content/scenarios/tutorial.yaml")).read_bytes()
    origin = rows(db, "SELECT origin, location FROM scenario_sources")
    assert origin == [("builtin", "tutorial.yaml")]


async def test_storing_the_same_builtin_twice_keeps_one_text_and_one_source(
    services: Services, db: Path
) -> None:
    await tutorial_sha(services)
    await tutorial_sha(services)
    assert rows(db, "SELECT count(*) FROM scenario_texts") == [(1,)]
    assert rows(db, "SELECT count(*) FROM scenario_sources") == [(1,)]


async def test_a_seed_is_drawn_when_none_is_given_and_settings_are_checked(
    services: Services,
) -> None:
    sha = await tutorial_sha(services)
    seeds = {(await services.matches.create(ANA, sha)).seed for _ in range(3)}
    assert len(seeds) == 3
    with pytest.raises(InvalidInput):
        await services.matches.create(ANA, sha, rounds=21)
    with pytest.raises(InvalidInput):
        await services.matches.create(ANA, sha, deadline_seconds=1)


async def test_players_take_switch_and_leave_seats(services: Services) -> None:
    sha = await tutorial_sha(services)
    match = await services.matches.create(ANA, sha)
    await services.matches.take_seat(match.id, ANA, "upstream")
    with pytest.raises(SeatTaken):
        await services.matches.take_seat(match.id, BEN, "upstream")
    with pytest.raises(UnknownSeat):
        await services.matches.take_seat(match.id, BEN, "atlantis")
    now = await services.matches.take_seat(match.id, ANA, "council")
    assert now.seat_of(ANA.player) == "council"
    assert now.seat("upstream") is not None and not now.seat("upstream").holders  # type: ignore[union-attr]
    await services.matches.leave(match.id, ANA)
    assert await services.matches.seat_of(match.id, ANA) is None
    with pytest.raises(NotSeated):
        await services.matches.leave(match.id, ANA)
    kinds = [e.kind for e in await services.matches.log(match.id, SYSTEM)]
    assert kinds == ["match_created", "seat_taken", "seat_left", "seat_taken", "seat_left"]


async def test_teams_share_a_seat(services: Services) -> None:
    sha = await tutorial_sha(services)
    match = await services.matches.create(ANA, sha, teams=True)
    await services.matches.take_seat(match.id, ANA, "upstream")
    both = await services.matches.take_seat(match.id, BEN, "upstream")
    assert both.seat("upstream").players == (ANA.player, BEN.player)  # type: ignore[union-attr]


async def test_only_the_host_or_a_moderator_assigns_removes_and_starts(
    services: Services,
) -> None:
    sha = await tutorial_sha(services)
    match = await services.matches.create(ANA, sha)
    with pytest.raises(NotAllowed):
        await services.matches.assign_seat(match.id, BEN, CAT.player, "Cat", "upstream")
    await services.matches.assign_seat(match.id, MOD, CAT.player, "Cat", "upstream")
    with pytest.raises(NotAllowed):
        await services.matches.remove_player(match.id, BEN, CAT.player)
    with pytest.raises(NotAllowed):
        await services.matches.start(match.id, BEN)
    await services.matches.remove_player(match.id, ANA, CAT.player)
    assert (await services.matches.get(match.id, SYSTEM)).seat_of(CAT.player) is None


async def test_starting_stores_the_opening_fills_empty_seats_and_announces(
    services: Services, db: Path, clock: ManualClock
) -> None:
    match = await started(services, {"upstream": BEN}, deadline=600)
    assert (match.phase, match.round) == ("orders", 1)
    assert {s.seat: s.controller for s in match.seats} == {
        "upstream": "players",
        "downstream": "ai",
        "council": "ai",
    }
    assert match.state is not None and match.state.round == 1
    assert match.deadline_at == clock.now + timedelta(seconds=600)
    assert rows(db, "SELECT round, trigger FROM rounds") == [(0, "start")]
    kinds = rows(db, "SELECT kind FROM timers WHERE match_id = ? ORDER BY due_at", (match.id,))
    assert kinds == [("reminder_half",), ("reminder_last_minute",), ("deadline",)]
    pending = await services.outbox.pending()
    assert [(a.kind, a.round) for a in pending] == [("match_started", 1)]
    assert pending[0].payload["seats"]["downstream"] == "ai"
    with pytest.raises(WrongPhase):
        await services.matches.start(match.id, ANA)
    with pytest.raises(WrongPhase):
        await services.matches.take_seat(match.id, CAT, "council")


async def test_without_ai_fill_empty_seats_hold(services: Services) -> None:
    match = await started(services, {"upstream": BEN}, ai_fill=False)
    assert match.seat("council").controller == "hold"  # type: ignore[union-attr]


async def test_matches_are_listed_by_server_and_activity(services: Services) -> None:
    await started(services, guild="g1")
    sha = await tutorial_sha(services)
    await services.matches.create(ANA, sha, guild_id="g2")
    local = await services.matches.create(ANA, sha)
    assert [m.guild_id for m in await services.matches.list_matches(SYSTEM, guild_id="g2")] == [
        "g2"
    ]
    assert [m.id for m in await services.matches.list_matches(SYSTEM, local_only=True)] == [
        local.id
    ]
    assert len(await services.matches.list_matches(SYSTEM, active_only=True)) == 3


async def test_a_moderator_without_a_seat_sees_a_running_match_as_its_umpire(
    services: Services,
) -> None:
    sha = await tutorial_sha(services)
    match = await services.matches.create(ANA, sha)
    await services.matches.take_seat(match.id, ANA, "upstream")
    assert await services.matches.sight_of(match.id, ANA) == ("upstream", False)
    assert await services.matches.sight_of(match.id, BEN) == (None, False)
    assert await services.matches.sight_of(match.id, MOD) == (None, True)
    await services.matches.take_seat(match.id, MOD, "council")
    assert await services.matches.sight_of(match.id, MOD) == ("council", False)
