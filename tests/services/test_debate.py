"""The debate window's arithmetic in the store's terms: team means, the spectators' bloc,
the latest rating counting, counter-arguments on their moves."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.game.state import SPECTATORS, Order, SeatOrders
from bot.services import Services
from bot.services.errors import InvalidInput, NotAllowed, NotFound, RoundClosed, WrongPhase
from bot.services.models import SYSTEM, Actor
from db.models import LockedSeat
from db.repos.debate import Counter, Given, rated
from tests.services.helpers import ANA, BEN, tutorial_sha

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _locked() -> dict[str, LockedSeat]:
    us = SeatOrders(moves=(Order("us.oil_sanctions", "bite"),))
    return {"us": LockedSeat("us", "players", us, 1, T0)}


def _given(player: str, rater: str, value: int, minutes: int = 0) -> Given:
    return Given("us.oil_sanctions", player, rater, value, T0 + timedelta(minutes=minutes))


def test_a_team_rates_as_the_mean_of_its_members_who_rated() -> None:
    given = [_given("a", "maduro", 2), _given("b", "maduro", 0), _given("c", "eu", -1)]
    order = rated(_locked(), given, [])["us"].orders.moves[0]
    by = {r.by: r for r in order.ratings}
    assert by["maduro"].value == 1.0 and by["maduro"].count is None
    assert by["eu"].value == -1.0


def test_spectators_are_one_bloc_with_a_count_and_the_latest_rating_counts() -> None:
    given = [
        _given("z1", SPECTATORS, -2),
        _given("z1", SPECTATORS, 2, 1),  # changed their mind: only this one counts
        _given("z2", SPECTATORS, 1),
        _given("z3", SPECTATORS, 0),
    ]
    order = rated(_locked(), given, [])["us"].orders.moves[0]
    assert [(r.by, r.value, r.count) for r in order.ratings] == [(SPECTATORS, 1.0, 3)]


def test_the_moves_own_seat_never_rates_it() -> None:
    order = rated(_locked(), [_given("u", "us", 2)], [])["us"].orders.moves[0]
    assert order.ratings == ()


def test_counter_arguments_go_on_their_move() -> None:
    counters = [Counter("us.oil_sanctions", "z", "it will not bite", T0)]
    order = rated(_locked(), [], counters)["us"].orders.moves[0]
    assert order.counter_arguments == (("z", "it will not bite"),)


async def _debate_match(services: Services) -> int:
    sha = await tutorial_sha(services)
    made = await services.matches.create(
        ANA, sha, seed=3, guild_id="g1", channel_id="c1", settings={"debate_seconds": 300}
    )
    await services.matches.take_seat(made.id, ANA, "upstream")
    await services.matches.take_seat(made.id, BEN, "downstream")
    await services.matches.start(made.id, ANA)
    await services.orders.submit(made.id, ANA, [("upstream.talks", "talk first")])
    await services.orders.submit(made.id, BEN, [("downstream.talks", "we listen")])
    return made.id


async def test_two_last_submissions_at_once_open_one_debate_and_resolve_nothing(
    services: Services,
) -> None:
    match_id = await _debate_match(services)
    calls = [services.rounds.resolve_if_ready(match_id, a) for a in (ANA, BEN, ANA)]
    assert await asyncio.gather(*calls) == [None, None, None]
    match = await services.matches.get(match_id, SYSTEM)
    assert match.phase == "debate" and match.round == 1
    with pytest.raises(NotFound):
        await services.rounds.get(match_id, 1, SYSTEM)
    with pytest.raises(WrongPhase):
        await services.orders.submit(match_id, ANA, [("upstream.talks", "too late")])


async def test_a_window_rates_and_resolves_on_both_drivers(services: Services) -> None:
    match_id = await _debate_match(services)
    await services.rounds.resolve_if_ready(match_id, ANA)
    zoe = Actor("300", "Zoe")
    await services.debate.rate(match_id, 1, ANA, "downstream.talks", 2)
    await services.debate.rate(match_id, 1, zoe, "downstream.talks", -1)
    with pytest.raises(NotAllowed):
        await services.debate.rate(match_id, 1, BEN, "downstream.talks", 2)
    await services.debate.counter(match_id, 1, zoe, "upstream.talks", "talk is cheap")
    with pytest.raises(InvalidInput):
        await services.debate.counter(match_id, 1, zoe, "upstream.talks", "again")
    seen = await services.debate.view(match_id, 1, zoe)
    assert seen.rating_counts == {"downstream.talks": 2} and seen.mine == {"downstream.talks": -1}
    assert (await services.debate.done(match_id, 1, ANA))[1] is None
    _seat, result = await services.debate.done(match_id, 1, BEN)
    assert result is not None and result.trigger == "all_done"
    order = result.orders["downstream"].orders.moves[0]
    assert {(r.by, r.value, r.count) for r in order.ratings} >= {
        ("upstream", 2.0, None),
        (SPECTATORS, -1.0, 1),
    }
    with pytest.raises(RoundClosed):
        await services.debate.rate(match_id, 1, zoe, "downstream.talks", 2)
    assert (await services.matches.get(match_id, SYSTEM)).phase == "orders"
