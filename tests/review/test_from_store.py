"""A stored match, played through the services as players would play it, loads into a record
that says who submitted what and when, who missed a deadline, who left, and what moderators did."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.review.export_csv import player_rows
from bot.review.from_store import RecordNotFound, load_record
from bot.review.redact import view_for
from bot.review.replay import replay_problems
from bot.services.app import Services
from bot.services.clock import ManualClock
from bot.services.models import SYSTEM, Actor

HOST = Actor("1", "Host", moderator=True)
ANA = Actor("111", "Ana")
BEN = Actor("222", "Ben")


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[tuple[Services, ManualClock]]:
    clock = ManualClock()
    opened = await Services.open(tmp_path / "levers.db", clock=clock)
    yield opened, clock
    await opened.close()


async def _play(services: Services, clock: ManualClock, rounds: int = 4) -> int:
    """Ana (upstream) plays every round; Ben (downstream) plays round 1, misses round 2's
    deadline (the AI stands in), and leaves before round 3; the host notes a warning."""
    stored = await services.scenarios.add_builtin("tutorial")
    match = await services.matches.create(HOST, stored.sha256, seed=5, guild_id="9")
    await services.matches.take_seat(match.id, ANA, "upstream")
    await services.matches.take_seat(match.id, BEN, "downstream")
    await services.matches.start(match.id, HOST)
    for number in range(1, rounds + 1):
        clock.advance(60)
        await services.orders.submit(
            match.id, ANA, [("upstream.small_turbines", f"Round {number}: turbines, no dam.")]
        )
        if number == 1:
            await services.orders.submit(match.id, BEN, [("downstream.irrigate", "Save water.")])
        if number == 2:
            await services.control.note(match.id, HOST, "warned", {"who": "Ben"})
        clock.advance(60)
        await services.rounds.resolve(match.id, number, SYSTEM, trigger="deadline")
        if number == 2:
            clock.advance(60)
            await services.matches.leave(match.id, BEN)
    return match.id


async def test_the_stored_match_loads_with_who_submitted_when(
    services: tuple[Services, ManualClock],
) -> None:
    app, clock = services
    match_id = await _play(app, clock)
    scenario, record = await load_record(app.store, match_id)
    assert record.match.id == match_id and record.match.status == "finished"
    assert record.match.guild_id == "9" and record.scenario.sha256 is not None
    assert replay_problems(scenario, record) == []
    history = await app.rounds.history(match_id, SYSTEM)
    assert len(record.rounds) == len(history) - 1 == 4
    upstream = [next(t for t in r.turns if t.seat == "upstream") for r in record.rounds]
    assert [(t.source, t.submitted_by, t.on_time) for t in upstream] == [
        ("players", "111", True)
    ] * 4
    assert [t.orders[0].argument for t in upstream] == [
        f"Round {n}: turbines, no dam." for n in range(1, 5)
    ]
    downstream = [next(t for t in r.turns if t.seat == "downstream") for r in record.rounds]
    assert [(t.source, t.on_time) for t in downstream] == [
        ("players", True),
        ("ai", False),
        ("ai", None),
        ("ai", None),
    ]


async def test_holders_moderation_and_the_grading_rows(
    services: tuple[Services, ManualClock],
) -> None:
    app, clock = services
    match_id = await _play(app, clock)
    _scenario, record = await load_record(app.store, match_id)
    ben = record.seat("downstream").holders
    assert [(h.player, h.name) for h in ben] == [("222", "Ben")]
    assert ben[0].until is not None and ben[0].since is not None and ben[0].since < ben[0].until
    warned = [m for m in record.rounds[1].moderation if m.action == "warned"]
    assert [(m.actor, m.detail.get("who")) for m in warned] == [("1", "Ben")]
    rows = {r.player_name: r for r in player_rows(record)}
    assert (rows["Ana"].rounds_played, rows["Ana"].orders_on_time) == (4, 4)
    assert rows["Ana"].arguments_written == 4
    assert (rows["Ben"].rounds_played, rows["Ben"].orders_on_time) == (2, 1)
    assert (rows["Ben"].orders_missed, rows["Ben"].arguments_written) == (1, 1)
    assert rows["Ben"].argument_characters == len("Save water.")


async def test_a_running_stored_match_is_cut_for_the_public(
    services: tuple[Services, ManualClock],
) -> None:
    app, clock = services
    match_id = await _play(app, clock, rounds=1)
    cached = await app.scenarios.of_match(match_id, SYSTEM)
    scenario, record = await load_record(app.ctx, match_id, scenario=cached)  # the services' way
    assert scenario is cached
    assert record.match.status == "running" and record.result is None
    public = view_for(record, scenario, None)
    assert public.rounds[0].metrics["trust"] is None and public.match.seed is None
    assert public.seat("upstream").objectives is None


async def test_an_unknown_match_is_reported(services: tuple[Services, ManualClock]) -> None:
    app, _clock = services
    with pytest.raises(RecordNotFound):
        await load_record(app.store, 999)
