"""The debate window's arithmetic in the store's terms: team means, the spectators' bloc,
the latest rating counting, counter-arguments on their moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.game.state import SPECTATORS, Order, SeatOrders
from db.models import LockedSeat
from db.repos.debate import Counter, Given, rated

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
