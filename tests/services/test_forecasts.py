"""Human forecasts (issue 13 §1): typed with an order, kept with the submission or the draft,
carried into the engine's ``Order``, checked, and in the match record with their hit or miss."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.game.errors import IllegalOrder
from bot.game.state import Forecast
from bot.review.from_store import load_record
from bot.services import Services
from bot.services.drafts import with_move
from bot.services.errors import InvalidInput
from bot.services.models import SYSTEM
from tests.services.helpers import BEN, CAT, rows, started

TALKS_UP = Forecast("trust", "up", 0)  # Open talks adds 6 trust: a hit


async def test_a_forecast_is_kept_with_the_submission_and_checked_in_the_record(
    services: Services, db: Path | str
) -> None:
    match = await started(services, {"upstream": BEN})
    await services.orders.submit(
        match.id,
        BEN,
        [("upstream.talks", "talk first"), ("upstream.small_turbines", "cheap")],
        forecasts={
            "upstream.talks": TALKS_UP,
            "upstream.small_turbines": Forecast("power", "down", 1),
        },
    )
    mine = await services.orders.mine(match.id, BEN)
    assert mine is not None
    assert {o.move: o.forecast for o in mine.orders.moves} == {
        "upstream.talks": TALKS_UP,
        "upstream.small_turbines": Forecast("power", "down", 1),
    }
    # No new column: the forecast rides in the submission's moves JSON.
    [(moves,)] = rows(db, "SELECT moves FROM submissions")
    assert '"forecast":{"direction":"up","horizon":0,"metric":"trust"}' in moves
    first = await services.rounds.resolve(match.id, 1, SYSTEM)
    locked = {o.move: o.forecast for o in first.orders["upstream"].orders.moves}
    assert locked["upstream.talks"] == TALKS_UP  # the engine got it
    await services.rounds.resolve(match.id, 2, SYSTEM)
    _scenario, record = await load_record(services.store, match.id)
    turn = next(t for t in record.rounds[0].turns if t.seat == "upstream")
    checked = {o.move: o.forecast for o in turn.orders}
    talks, turbines = checked["upstream.talks"], checked["upstream.small_turbines"]
    assert talks is not None and (talks.metric, talks.direction, talks.hit) == ("trust", "up", True)
    assert turbines is not None and turbines.horizon == 1 and turbines.hit is not None


async def test_a_forecast_on_a_noisy_metric_is_allowed_and_a_bad_one_refused(
    services: Services, db: Path | str
) -> None:
    match = await started(services, {"upstream": BEN})
    talks = [("upstream.talks", "talk")]
    await services.orders.submit(match.id, BEN, talks, forecasts={"upstream.talks": TALKS_UP})
    with pytest.raises(IllegalOrder, match="no metric"):
        await services.orders.submit(
            match.id, BEN, talks, forecasts={"upstream.talks": Forecast("gold", "up", 0)}
        )
    with pytest.raises(IllegalOrder, match="this round"):
        await services.orders.submit(
            match.id, BEN, talks, forecasts={"upstream.talks": Forecast("trust", "up", 2)}
        )
    with pytest.raises(InvalidInput, match="not ordered"):
        await services.orders.submit(
            match.id, BEN, talks, forecasts={"upstream.build_dam": TALKS_UP}
        )
    assert rows(db, "SELECT count(*) FROM submissions") == [(1,)]


async def test_a_draft_keeps_its_forecast_through_submit_and_a_forecast_counts_as_arguing(
    services: Services,
) -> None:
    match = await started(services, {"upstream": BEN, "downstream": CAT})
    drafts = services.drafts
    await drafts.change(match.id, BEN, 1, lambda _s, d: with_move(d, "upstream.talks", "talk"))
    _seat, draft, _authors = await drafts.change(
        match.id, BEN, 1, lambda _s, d: with_move(d, "upstream.talks", "talk", TALKS_UP)
    )
    assert draft.moves[0].forecast == TALKS_UP
    _seat, _round, again = await drafts.get(match.id, BEN)  # read back from the log
    assert again.moves[0].forecast == TALKS_UP
    await drafts.submit(match.id, BEN, 1)
    mine = await services.orders.mine(match.id, BEN)
    assert mine is not None and mine.orders.moves[0].forecast == TALKS_UP
