"""Words for the debate shared by the terminal and Discord: a forecast, a move's rating."""

from __future__ import annotations

from bot.game.debate import final_rating
from bot.game.scenario import Scenario
from bot.game.state import Forecast, Order
from bot.game.view import sight

UP_DOWN = {"up": "↑ up", "down": "↓ down"}


def forecast_text(scenario: Scenario, forecast: Forecast) -> str:
    """``forecast: Humanitarian conditions ↓ down this round``."""
    when = "this round" if forecast.horizon == 0 else "by the end of next round"
    name = scenario.metric(forecast.metric).name
    return f"forecast: {name} {UP_DOWN[forecast.direction]} {when}"


def rating_text(scenario: Scenario, order: Order, seat: str) -> str:
    """``rated +0.50: its effects x1.15`` when the rating acted, ``rated +0.50 (points
    only)`` when it did not (sealed debate), empty when nobody rated the move."""
    if order.rating is not None:
        factor = 1 + order.rating * scenario.rules.rating_bound
        who = f" (umpire {order.umpire})" if order.umpire else ""
        return f"rated {order.rating:+.2f}{who}: its effects x{factor:.2f}"
    r = final_rating(order, seat, scenario.rules.spectator_weight)
    return "" if r is None else f"rated {r:+.2f} (points only)"


def forecast_metrics(scenario: Scenario, seat_id: str) -> list[str]:
    """The metrics a seat may forecast: those it sees, exactly or as an estimate (bookkeeping
    metrics, switches and counters, are left out: nobody argues about them)."""
    return [m.id for m in scenario.metrics if sight(m, seat_id) != "hidden" and not m.bookkeeping]
