"""The reveal shows each move's rating and what it did to the move's effects, and every
forecast of the round checked (a hidden metric's check waits for the debrief)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.discord import ids
from bot.discord.render_round import forecast_lines, order_lines
from bot.game.engine import resolve_round, round_rng
from bot.game.scenario import Scenario
from bot.game.state import Forecast, Order, Rating, SeatOrders
from bot.services.models import LockedSeat
from cogs.debate import ACTIONS
from tests.game.builder import build, start

AT = datetime(2026, 1, 1, tzinfo=UTC)


def _scenario() -> Scenario:
    return build(
        metrics=[
            {"id": "a", "name": "Alpha", "start": 50},
            {"id": "b", "name": "Beta", "start": 50, "see": {"exact": ["blue"]}},
        ],
        rules={"rating_bound": 0.3},
    )


def test_the_reveal_shows_ratings_their_effect_and_forecast_checks() -> None:
    s = _scenario()
    red = Order("red.push", "It works.", rating=0.5, forecast=Forecast("a", "down"))
    blue = Order(
        "blue.push", "Trust me.", forecast=Forecast("b", "up"), ratings=(Rating("red", 2),)
    )
    orders = {"red": SeatOrders((red,)), "blue": SeatOrders((blue,))}
    state = start(s)
    after = resolve_round(s, state, orders, round_rng(1, 1)).state
    locked = {k: LockedSeat(k, "players", v, None, AT) for k, v in orders.items()}
    lines = "\n".join(order_lines(s, locked))
    assert "rated +0.50: its effects x1.15" in lines  # acted on the numbers
    assert "rated +1.00 (points only)" in lines  # sealed: the rating is points only
    assert "forecast: Alpha ↓ down this round" in lines
    checks = "\n".join(forecast_lines(s, locked, state, after))
    assert "Alpha ↓ down this round: ❌ missed" in checks  # red.push raised Alpha by 6.5
    assert "Beta" in checks and "🔒 checked in the debrief" in checks  # hidden from the public
    assert "came true" not in checks.split("Beta")[1]


def test_every_debate_control_fits_discords_custom_id_with_the_longest_ids() -> None:
    move = "s" * 32 + "." + "m" * 40  # the longest move id a scenario may have
    for action in ACTIONS:
        assert len(ids.round_action(10**12 - 1, 20, action, move)) <= 100
