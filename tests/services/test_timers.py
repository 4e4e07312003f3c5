"""Deadlines and reminders are rows: they fire once, resolve rounds, and survive restarts."""

from __future__ import annotations

from pathlib import Path

from bot.services import ManualClock, Services
from bot.services.models import SYSTEM
from tests.services.helpers import BEN, CAT, open_services, started


async def test_reminders_name_the_seats_still_missing_and_fire_once(
    services: Services, clock: ManualClock
) -> None:
    match = await started(services, {"upstream": BEN, "downstream": CAT}, deadline=600)
    await services.orders.submit(match.id, BEN, [("upstream.talks", "")])
    clock.advance(301)
    fired = await services.timers.fire_due()
    assert [(f.timer.kind, f.result) for f in fired] == [("reminder_half", "reminder")]
    assert await services.timers.fire_due() == []
    reminder = (await services.outbox.pending())[-1]
    assert reminder.kind == "reminder"
    assert reminder.payload["which"] == "half"
    assert reminder.payload["waiting"] == ["downstream"]
    assert reminder.payload["players"] == [CAT.player]


async def test_the_deadline_resolves_the_round_with_the_ai_for_missing_seats(
    services: Services, clock: ManualClock
) -> None:
    match = await started(services, {"upstream": BEN, "downstream": CAT}, deadline=600)
    await services.orders.submit(match.id, BEN, [("upstream.talks", "")])
    clock.advance(601)
    fired = await services.timers.fire_due()
    assert [(f.timer.kind, f.result) for f in fired] == [
        ("reminder_half", "reminder"),
        ("reminder_last_minute", "reminder"),
        ("deadline", "resolved"),
    ]
    outcome = fired[-1].outcome
    assert outcome is not None and outcome.trigger == "deadline"
    assert outcome.orders["downstream"].source == "ai"
    now = await services.matches.get(match.id, SYSTEM)
    assert now.round == 2 and now.deadline_at is not None
    assert [t.round for t in await services.timers.pending_for(match.id)] == [2, 2, 2]


async def test_a_round_resolved_early_leaves_no_timer_to_fire(
    services: Services, clock: ManualClock
) -> None:
    match = await started(services, {"upstream": BEN}, deadline=600)
    clock.advance(100)
    await services.rounds.resolve(match.id, 1, SYSTEM)
    clock.advance(501)  # round 1's deadline has passed; round 2's is 100 s away
    fired = await services.timers.fire_due()
    assert [(f.timer.round, f.timer.kind) for f in fired] == [(2, "reminder_half")]
    assert (await services.matches.get(match.id, SYSTEM)).round == 2


async def test_timers_due_while_the_bot_was_down_fire_after_a_restart(
    db: Path, clock: ManualClock
) -> None:
    first = await open_services(db, clock)
    match = await started(first, {"upstream": BEN}, deadline=600)
    await first.close()
    clock.advance(10_000)
    second = await open_services(db, clock)
    try:
        assert await second.timers.next_due_at() is not None
        fired = await second.timers.fire_due()
        assert [f.result for f in fired][-1] == "resolved"
        assert (await second.matches.get(match.id, SYSTEM)).round == 2
    finally:
        await second.close()
