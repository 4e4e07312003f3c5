"""The causes a seat sees (issue 12 §4): every change to a metric it can see, exactly or as an
estimate, and for an estimate nothing more exact than its own view."""

from __future__ import annotations

import pytest

from bot.services import Services
from bot.services.errors import NotSeated
from bot.services.models import SYSTEM
from tests.services.helpers import ANA, BEN, CAT, started

TRUST = "Trust between the towns"  # exact for the council, an estimate for the two towns


async def test_a_seat_sees_what_moved_a_metric_it_sees_only_as_an_estimate(
    services: Services,
) -> None:
    match = await started(services, {"upstream": BEN, "council": CAT})
    assert (await services.rounds.causes_seen(match.id, BEN)).round == 0  # nothing played yet
    await services.orders.submit(match.id, BEN, [("upstream.talks", "talk")])
    await services.orders.submit(match.id, CAT, [("council.mediate", "referee")])
    await services.rounds.resolve(match.id, 1, SYSTEM)

    town = await services.rounds.causes_seen(match.id, BEN)
    assert (town.seat, town.round) == ("upstream", 1)
    trust = next(m for m in town.moved if m.metric == TRUST)
    assert trust.net is None and trust.estimate is not None  # its own two views, no more
    assert {c.cause for c in trust.causes} >= {"Open talks", "Mediate"}
    assert all(c.noisy and c.amount in ("↑", "↓") for c in trust.causes)
    shown = f"{trust.head} {trust.summary(None)}"
    assert "Open talks ↑" in shown and "+6.0" not in shown and "+4.0" not in shown
    power = [m for m in town.moved if m.net is not None]
    assert all(m.metric != TRUST for m in power)

    council = await services.rounds.causes_seen(match.id, CAT)
    exact = next(m for m in council.moved if m.metric == TRUST)
    assert exact.net is not None and exact.net >= 10.0 and "Open talks +6.0" in exact.summary()

    private = await services.rounds.causes_seen(match.id, BEN, private_only=True)
    assert [m.metric for m in private.moved] == [TRUST]  # the reveal shows the public ones


async def test_only_a_seat_holder_has_causes_of_its_own(services: Services) -> None:
    match = await started(services, {"upstream": BEN})
    with pytest.raises(NotSeated):
        await services.rounds.causes_seen(match.id, ANA)
