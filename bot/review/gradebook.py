"""The debate gradebook: one CSV row per player (and per seat the AI played) with what they
argued, how it was rated, their forecasts, the ratings and counter-arguments they gave, their
debate points, and their seat's policy score, the two never summed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import astuple, dataclass, fields

from bot.game.debate import received
from bot.game.state import Order, Rating
from bot.review.export_csv import safe_cell
from bot.review.record import MatchRecord, OrderInfo, SeatTurn


@dataclass(frozen=True)
class GradeRow:
    """One player's part in the debate."""

    player: str
    seat: str
    arguments: int
    mean_rating: str
    forecasts_made: int
    forecasts_hit: int
    counter_arguments: int
    ratings_given: int
    debate_points: float
    policy_score: str


GRADEBOOK_COLUMNS = tuple(f.name for f in fields(GradeRow))


def author(turn: SeatTurn, order: OrderInfo) -> str:
    """Who wrote the argument: its recorded author, the submitting player, or the seat's AI."""
    return order.argument_author or order.author or turn.submitted_by or f"ai:{turn.seat}"


def _received(order: OrderInfo, seat: str, weight: float) -> float | None:
    ratings = tuple(Rating(r.by, r.value, r.count) for r in order.ratings)
    return received(Order(order.move, ratings=ratings), seat, weight)


def _players(record: MatchRecord) -> list[tuple[str, str]]:
    """(player, seat) in seat order: every holder, the AI of seats nobody held, and any other
    author found in the orders."""
    found: dict[str, str] = {}
    for seat in record.seats:
        for holder in seat.holders:
            found.setdefault(holder.player, seat.id)
        if not seat.holders:
            found.setdefault(f"ai:{seat.id}", seat.id)
    for played in record.rounds:
        for turn in played.turns:
            for order in turn.orders:
                found.setdefault(author(turn, order), turn.seat)
    for played in record.rounds:  # players who only answered (spectators have no seat)
        for turn in played.turns:
            for order in turn.orders:
                for answer in order.counter_arguments:
                    found.setdefault(answer.by, "")
        for event in played.debate:  # raters named by the debate window's history
            if event.kind == "rating" and event.player:
                found.setdefault(
                    event.player, "" if event.rater == "spectators" else event.rater or ""
                )
    return list(found.items())


def _score(record: MatchRecord, seat: str) -> str:
    if not seat:
        return ""
    if record.result is not None:
        return f"{record.result.scores.get(seat, 0.0):.3f}"
    latest = record.score_series(seat)[-1]
    return "" if latest is None else f"{latest:.3f}"


def grade_rows(record: MatchRecord, spectator_weight: float = 1.0) -> Iterator[GradeRow]:
    """A row for each player, the debate's figures apart from the policy score."""
    orders = [(t, o) for p in record.rounds for t in p.turns for o in t.orders]
    history = any(p.debate for p in record.rounds)
    for player, seat in _players(record):
        mine = [(t, o) for t, o in orders if author(t, o) == player]
        rated = [r for t, o in mine if (r := _received(o, t.seat, spectator_weight)) is not None]
        forecasts = [o.forecast for _t, o in mine if o.forecast is not None]
        named = {
            (p.round, e.move)
            for p in record.rounds
            for e in p.debate
            if e.kind == "rating" and e.player == player
        }  # the debate's history names each player; without one (offline, AI) the seat's count
        given = (
            len(named)
            if history and not player.startswith("ai:")
            else sum(1 for _t, o in orders for r in o.ratings if r.by in (player, seat or player))
        )
        answers = sum(1 for _t, o in orders for c in o.counter_arguments if c.by == player)
        yield GradeRow(
            player=player,
            seat=seat,
            arguments=sum(1 for _t, o in mine if o.argument.strip()),
            mean_rating=f"{sum(rated) / len(rated):.3f}" if rated else "",
            forecasts_made=len(forecasts),
            forecasts_hit=sum(1 for f in forecasts if f.hit),
            counter_arguments=answers,
            ratings_given=given,
            debate_points=round(sum(o.points or 0.0 for _t, o in mine), 3),
            policy_score=_score(record, seat),
        )


def to_gradebook(record: MatchRecord, spectator_weight: float = 1.0) -> str:
    """The gradebook as CSV text (a header row, then one row per player)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(GRADEBOOK_COLUMNS)
    for row in grade_rows(record, spectator_weight):
        writer.writerow([safe_cell(v) for v in astuple(row)])
    return out.getvalue()
