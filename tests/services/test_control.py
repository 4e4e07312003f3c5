"""Pause and resume (the clock stops), ending early, substitutions, moderator notes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.services import ManualClock, Services
from bot.services.errors import InvalidInput, NotAllowed, WrongPhase
from bot.services.models import SYSTEM
from tests.services.helpers import ANA, BEN, CAT, MOD, rows, started


async def test_pausing_stops_the_clock_and_resuming_gives_back_the_time_left(
    services: Services, clock: ManualClock
) -> None:
    match = await started(services, {"upstream": BEN}, deadline=600)
    clock.advance(301)
    assert [f.result for f in await services.timers.fire_due()] == ["reminder"]
    clock.advance(99)
    paused = await services.control.pause(match.id, ANA, "fire drill")
    assert paused.paused and paused.deadline_at is None and paused.remaining_seconds == 200
    assert await services.timers.pending_for(match.id) == []
    with pytest.raises(WrongPhase):
        await services.control.pause(match.id, ANA)
    clock.advance(3600)
    assert await services.timers.fire_due() == []
    resumed = await services.control.resume(match.id, MOD)
    assert resumed.deadline_at == clock.now + timedelta(seconds=200)
    kinds = [t.kind for t in await services.timers.pending_for(match.id)]
    assert kinds == ["reminder_last_minute", "deadline"]  # half time is behind us
    announced = [a.kind for a in await services.outbox.pending()]
    assert announced[-2:] == ["match_paused", "match_resumed"]


async def test_ending_early_needs_the_host_or_a_moderator_and_a_reason(
    services: Services, db: Path
) -> None:
    match = await started(services, {"upstream": BEN}, deadline=600)
    with pytest.raises(NotAllowed):
        await services.control.end(match.id, BEN, "bored")
    with pytest.raises(InvalidInput):
        await services.control.end(match.id, ANA, "  ")
    ended = await services.control.end(match.id, MOD, "the class is over")
    assert (ended.phase, ended.end_reason, ended.ended_by) == (
        "ended",
        "the class is over",
        MOD.player,
    )
    assert ended.finished and await services.timers.pending_for(match.id) == []
    assert rows(db, "SELECT action FROM audit_log") == [("match_ended",)]
    with pytest.raises(WrongPhase):
        await services.control.end(match.id, MOD, "again")


async def test_substitution_replaces_a_seat_holder_or_hands_the_seat_to_the_ai(
    services: Services,
) -> None:
    match = await started(services, {"upstream": BEN})
    with pytest.raises(NotAllowed):
        await services.control.substitute(match.id, BEN, "upstream", CAT.player, "Cat")
    swapped = await services.control.substitute(match.id, MOD, "upstream", CAT.player, "Cat")
    assert swapped.seat("upstream").players == (CAT.player,)  # type: ignore[union-attr]
    to_ai = await services.control.substitute(match.id, ANA, "upstream", None)
    assert to_ai.seat("upstream").controller == "ai"  # type: ignore[union-attr]
    log = [(e.kind, e.actor) for e in await services.matches.log(match.id, SYSTEM)]
    assert ("seat_substituted", MOD.player) in log and ("seat_substituted", ANA.player) in log


async def test_a_player_leaving_mid_match_hands_the_seat_to_the_ai(services: Services) -> None:
    match = await started(services, {"upstream": BEN})
    left = await services.matches.leave(match.id, BEN)
    assert left.seat("upstream").controller == "ai"  # type: ignore[union-attr]
    outcome = await services.rounds.resolve(match.id, 1, SYSTEM)
    assert outcome.orders["upstream"].source == "ai"


async def test_moderator_notes_go_to_the_match_log_and_the_audit_log(
    services: Services, db: Path
) -> None:
    match = await started(services, {"upstream": BEN})
    await services.control.note(match.id, MOD, "warning", {"player": BEN.player})
    log = [e for e in await services.matches.log(match.id, SYSTEM) if e.kind == "moderator:warning"]
    assert log[0].actor == MOD.player and log[0].data["player"] == BEN.player
    assert rows(db, "SELECT action, target FROM audit_log") == [
        ("moderator:warning", f"match:{match.id}")
    ]
