"""Abuse limits: about five actions a second per person and match; beyond, nothing is stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.services import Services
from bot.services.errors import Cooldown
from bot.services.models import Actor
from bot.services.throttle import BURST, RATE, Throttle
from tests.services.helpers import BEN, rows, started


class Ticker:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_a_burst_then_the_rate_then_a_cooldown_with_nothing_stored(
    services: Services, db: Path
) -> None:
    match = await started(services, {"upstream": BEN}, guild="g1")
    ticker = Ticker()
    services.ctx.throttle = Throttle(clock=ticker)
    ben = Actor(BEN.player, "Ben", guild_id="g1", front="discord")
    moves = [("upstream.talks", "x")]
    for _ in range(BURST):
        await services.orders.submit(match.id, ben, moves)
    before = rows(db, "SELECT count(*) FROM submissions")
    with pytest.raises(Cooldown, match="wait a moment"):
        await services.orders.submit(match.id, ben, moves)
    with pytest.raises(Cooldown):
        await services.matches.leave(match.id, ben)
    assert rows(db, "SELECT count(*) FROM submissions") == before, "nothing stored"
    assert (await services.matches.get(match.id, ben)).seat_of(ben.player) == "upstream"
    ticker.now += 1.0
    for _ in range(int(RATE)):
        await services.orders.submit(match.id, ben, moves)
    with pytest.raises(Cooldown):
        await services.orders.submit(match.id, ben, moves)


async def test_the_limit_is_per_person_and_match_and_spares_the_terminal(
    services: Services,
) -> None:
    match = await started(services, {"upstream": BEN}, guild="g1")
    throttle = services.ctx.throttle = Throttle(clock=Ticker())
    ben = Actor(BEN.player, "Ben", guild_id="g1", front="discord")
    for _ in range(BURST):
        throttle.admit(ben, match.id)
    with pytest.raises(Cooldown):
        throttle.admit(ben, match.id)
    throttle.admit(ben, match.id + 1)  # another match
    throttle.admit(Actor("other", guild_id="g1", front="discord"), match.id)  # someone else
    for _ in range(3 * BURST):
        throttle.admit(BEN, match.id)  # the terminal is not limited
