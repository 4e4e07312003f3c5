"""The debate in the terminal: the intentions, the players' ratings, and what the reveal adds
(each move's rating and what it did to the move's effects, every forecast checked)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from rich.markup import escape

from bot.cli.keyboard import ask
from bot.cli.terminal import console
from bot.game.debate import check_forecast, tally
from bot.game.scenario import Scenario
from bot.game.state import Order, SeatOrders
from bot.game.view import sight
from bot.render.debate import forecast_text, rating_text


def print_intentions(
    scenario: Scenario, orders: Mapping[str, SeatOrders], secret: frozenset[str] = frozenset()
) -> None:
    """Every seat's moves with their arguments and forecasts, before resolution."""
    console.rule("[bold]The intentions: rate each argument's plausibility[/]")
    for seat in scenario.seats:
        given = [o for o in orders.get(seat.id, SeatOrders()).moves if o.move not in secret]
        if not given:
            console.print(f"  [{seat.colour}]{escape(seat.name)}[/] holds.")
        for order in given:
            _print_order(scenario, seat.colour, seat.name, order)


def _print_order(scenario: Scenario, colour: str, seat_name: str, order: Order) -> None:
    move = scenario.move(order.move)
    console.print(f"  [{colour}]{escape(seat_name)}[/]: [bold]{escape(move.name)}[/]")
    if order.argument:
        console.print(f"      “{escape(order.argument)}”", style="italic")
    if order.forecast is not None:
        console.print(f"      [dim]{escape(forecast_text(scenario, order.forecast))}[/]")


def parse_rating(text: str) -> int | None:
    """A rating typed at the prompt: -2 .. 2, Enter for 0; None when it is not one."""
    if not text:
        return 0
    try:
        value = int(text.replace("+", ""))
    except ValueError:
        return None
    return value if -2 <= value <= 2 else None


def ask_ratings(
    scenario: Scenario,
    orders: Mapping[str, SeatOrders],
    rater: str,
    secret: frozenset[str] = frozenset(),
) -> dict[str, float]:
    """The rater seat's rating (-2 .. 2) of every other seat's visible moves."""
    name = scenario.seat(rater).name
    console.print(f"[bold]{escape(name)} rates[/] (-2 implausible … +2 convincing, Enter for 0)")
    values: dict[str, float] = {}
    for seat in scenario.seats:
        if seat.id == rater:
            continue
        for order in orders.get(seat.id, SeatOrders()).moves:
            if order.move in secret:
                continue
            _print_order(scenario, seat.colour, seat.name, order)
            while True:
                value = parse_rating(ask("      Your rating: "))
                if value is not None:
                    break
                console.print("      [red]A whole number from -2 to 2, or Enter for 0.[/]")
            values[order.move] = float(value)
    return values


def print_debate_outcome(
    scenario: Scenario,
    round_number: int,
    orders_by_round: Sequence[Mapping[str, SeatOrders]],
    metrics_after: Sequence[Mapping[str, float]],
    secret: frozenset[str] = frozenset(),
    viewer: str | None = None,
) -> None:
    """Each move's rating and its effect on the numbers, and every forecast due this round.

    ``orders_by_round[i]`` are round i+1's orders; ``metrics_after[i]`` the metrics after
    round i (0: the opening).
    """
    lines: list[str] = []
    due: list[str] = []
    for index, orders in enumerate(orders_by_round, start=1):
        for seat in scenario.seats:
            for order in orders.get(seat.id, SeatOrders()).moves:
                if order.move in secret:
                    continue
                move = scenario.move(order.move).name
                rated = rating_text(scenario, order, seat.id)
                if index == round_number and order.rating is not None:
                    lines.append(f"{seat.name}, {move}: {rated}")
                forecast = order.forecast
                if forecast is None or index + forecast.horizon != round_number:
                    continue
                hit = check_forecast(forecast, index, metrics_after)
                if sight(scenario.metric(forecast.metric), viewer) == "hidden":
                    hit = None  # the viewer may not learn which way a hidden metric went
                if hit is not None:
                    mark = "came true" if hit else "missed"
                    due.append(f"{seat.name}, {move}: {forecast_text(scenario, forecast)}: {mark}")
    if lines:
        console.print("[bold]Ratings[/]")
        for line in lines:
            console.print(f"  • {escape(line)}")
    if due:
        console.print("[bold]Forecasts[/]")
        for line in due:
            console.print(f"  • {escape(line)}")


def debate_points(
    scenario: Scenario,
    orders_by_round: Sequence[Mapping[str, SeatOrders]],
    metrics_after: Sequence[Mapping[str, float]],
    viewer: str | None,
) -> dict[str, float]:
    """Each seat's debate points so far, counting forecast hits only on metrics the viewer sees
    (a hit on a hidden metric would tell which way it went)."""
    seen = [
        {
            seat: replace(
                so,
                moves=tuple(
                    o
                    if o.forecast is None
                    or sight(scenario.metric(o.forecast.metric), viewer) != "hidden"
                    else replace(o, forecast=None)
                    for o in so.moves
                ),
            )
            for seat, so in orders.items()
        }
        for orders in orders_by_round
    ]
    return tally(
        seen, metrics_after, scenario.seat_ids, scenario.rules.spectator_weight
    ).seat_points
