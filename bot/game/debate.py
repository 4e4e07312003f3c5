"""The debate's arithmetic: a move's rating from its raters, forecasts checked, debate points.

Pure functions over orders and metric values (see ``docs/rulebook.md``, "Arguments that
count"). Raters give -2 .. +2; a move's rating r (-1 .. 1) is the trimmed mean of its raters
divided by 2: each seat weighs one, the spectators' bloc weighs ``rules.spectator_weight``
seats, the move's own seat never rates itself, and an umpire's ruling replaces the rest. The
engine scales the move's own direct effects by (1 + r x ``rules.rating_bound``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from bot.game.state import SPECTATORS, Forecast, Order, Rating, SeatOrders

RATING_STEPS = (-2, -1, 0, 1, 2)
TRIM = 1.0  # weight trimmed from each end once raters weigh 3 seats or more


def _weighted(
    ratings: Iterable[Rating], author_seat: str, spectator_weight: float
) -> list[tuple[float, float]]:
    """(value, weight) per rater, the author's own seat left out."""
    entries = []
    for rating in ratings:
        if rating.by == author_seat:
            continue  # no self-rating
        weight = spectator_weight if rating.by == SPECTATORS else 1.0
        if weight > 0:
            entries.append((max(-2.0, min(2.0, rating.value)), weight))
    return entries


def _trim(entries: list[tuple[float, float]], amount: float) -> list[tuple[float, float]]:
    """Drop ``amount`` of weight from the low end of sorted entries."""
    kept = []
    left = amount
    for value, weight in entries:
        take = min(weight, left)
        left -= take
        if weight - take > 0:
            kept.append((value, weight - take))
    return kept


def trimmed_mean(entries: Sequence[tuple[float, float]]) -> float | None:
    """The weighted mean after trimming one seat's weight from each end (None: no raters).

    Trimming starts once the raters weigh three seats: one outlier (a self-serving ally, a
    spiteful rival) then cannot move the result on its own.
    """
    total = sum(w for _, w in entries)
    if total <= 0:
        return None
    ordered = sorted(entries)
    if total >= 3 * TRIM:
        ordered = _trim(ordered, TRIM)
        ordered = list(reversed(_trim(list(reversed(ordered)), TRIM)))
    weight = sum(w for _, w in ordered)
    return sum(v * w for v, w in ordered) / weight


def move_rating(
    ratings: Iterable[Rating], author_seat: str, spectator_weight: float = 1.0
) -> float | None:
    """The move's rating r (-1 .. 1) from its raters, or None when nobody else rated it."""
    mean = trimmed_mean(_weighted(ratings, author_seat, spectator_weight))
    return None if mean is None else round(mean / 2, 4)


def final_rating(order: Order, author_seat: str, spectator_weight: float = 1.0) -> float | None:
    """The r the record shows: an umpire's or a set rating, else the raters' r."""
    if order.umpire is not None or order.rating is not None:
        return order.rating
    return move_rating(order.ratings, author_seat, spectator_weight)


def umpire_ruling(order: Order, umpire: str, value: int) -> Order:
    """The order with an umpire's ruling (-2 .. 2): it replaces every rater's."""
    if value not in RATING_STEPS:
        raise ValueError("a ruling is one of -2, -1, 0, 1, 2")
    return replace(order, rating=value / 2, umpire=umpire)


def rate(orders: SeatOrders, rater: str, values: Mapping[str, float]) -> SeatOrders:
    """The seat's orders with ``rater``'s values (move id -> -2 .. 2) added; one per rater and
    move: a second value from the same rater replaces the first."""
    moves = []
    for order in orders.moves:
        value = values.get(order.move)
        if value is None:
            moves.append(order)
            continue
        if not -2 <= value <= 2:
            raise ValueError("a rating is between -2 and 2")
        kept = tuple(r for r in order.ratings if r.by != rater)
        moves.append(replace(order, ratings=(*kept, Rating(rater, float(value)))))
    return replace(orders, moves=tuple(moves))


def settle(
    orders: Mapping[str, SeatOrders], spectator_weight: float, *, open_debate: bool
) -> dict[str, SeatOrders]:
    """The orders the engine resolves: in open debate each move's r from its raters acts on
    the numbers; in sealed debate the ratings stay points only (a set r stays as it is)."""
    if not open_debate:
        return dict(orders)
    settled = {}
    for seat, seat_orders in orders.items():
        moves = tuple(
            replace(o, rating=final_rating(o, seat, spectator_weight)) for o in seat_orders.moves
        )
        settled[seat] = replace(seat_orders, moves=moves)
    return settled


def forecast_hit(forecast: Forecast, before: float, after: float) -> bool:
    """Whether the metric went the forecast's way between ``before`` and ``after``."""
    return after > before if forecast.direction == "up" else after < before


def check_forecast(
    forecast: Forecast, round_number: int, metrics_after: Sequence[Mapping[str, float]]
) -> bool | None:
    """The forecast made in ``round_number`` checked against the metrics after each round
    (index 0: the opening); None while its horizon has not resolved."""
    due = round_number + forecast.horizon
    if due >= len(metrics_after):
        return None
    before = metrics_after[round_number - 1][forecast.metric]
    return forecast_hit(forecast, before, metrics_after[due][forecast.metric])


def received(order: Order, author_seat: str, spectator_weight: float = 1.0) -> float | None:
    """The mean rating (-2 .. 2) the argument received from others, untrimmed."""
    entries = _weighted(order.ratings, author_seat, spectator_weight)
    weight = sum(w for _, w in entries)
    return sum(v * w for v, w in entries) / weight if weight else None


@dataclass
class Tally:
    """Debate points and forecasts, per seat and per author (a player; the AI is ``ai:SEAT``)."""

    seat_points: dict[str, float] = field(default_factory=dict)
    author_points: dict[str, float] = field(default_factory=dict)
    author_seat: dict[str, str] = field(default_factory=dict)
    made: dict[str, int] = field(default_factory=dict)
    hit: dict[str, int] = field(default_factory=dict)
    arguments: dict[str, int] = field(default_factory=dict)


def argument_points(order: Order, seat: str, hit: bool | None, spectator_weight: float) -> float:
    """One argument's debate points: the mean rating from others plus one for a forecast hit."""
    return (received(order, seat, spectator_weight) or 0.0) + (1.0 if hit else 0.0)


def author_of(order: Order, seat: str) -> str:
    """Who gets the credit: the order's author, else the seat's AI."""
    return order.author or f"ai:{seat}"


def tally(
    rounds: Sequence[Mapping[str, SeatOrders]],
    metrics_after: Sequence[Mapping[str, float]],
    seats: Iterable[str],
    spectator_weight: float = 1.0,
) -> Tally:
    """Debate points of a match: ``rounds[i]`` the orders of round i+1, ``metrics_after[i]`` the
    metrics after round i (0: the opening). Never added into the policy score."""
    result = Tally()
    for seat in seats:
        result.seat_points[seat] = 0.0
        result.made[seat] = result.hit[seat] = result.arguments[seat] = 0
    for index, orders in enumerate(rounds, start=1):
        for seat, seat_orders in orders.items():
            for order in seat_orders.moves:
                hit = None
                if order.forecast is not None:
                    result.made[seat] = result.made.get(seat, 0) + 1
                    hit = check_forecast(order.forecast, index, metrics_after)
                    result.hit[seat] = result.hit.get(seat, 0) + (1 if hit else 0)
                points = argument_points(order, seat, hit, spectator_weight)
                result.arguments[seat] = result.arguments.get(seat, 0) + 1
                result.seat_points[seat] = result.seat_points.get(seat, 0.0) + points
                author = author_of(order, seat)
                result.author_seat.setdefault(author, seat)
                result.author_points[author] = result.author_points.get(author, 0.0) + points
    for table in (result.seat_points, result.author_points):
        for key in table:
            table[key] = round(table[key], 4)
    return result
