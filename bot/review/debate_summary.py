"""The debate of a match, read from its record: points per seat and per player, the best-rated
arguments, the forecasts that came true, and the counter-arguments (for the debrief and the
exports; the debate points stay apart from the policy score)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.review.gradebook import author
from bot.review.record import MatchRecord, OrderInfo

BEST = 3  # best-rated arguments shown


@dataclass(frozen=True)
class ArgumentLine:
    """One argument with where it was made and how it fared."""

    round: int
    seat_name: str
    move_name: str
    author: str
    order: OrderInfo
    forecast: str = ""  # "Humanitarian down this round"


@dataclass
class DebateSummary:
    """What the debrief and the exports show of the debate."""

    seat_points: dict[str, float] = field(default_factory=dict)  # seat name -> points
    player_points: dict[str, float] = field(default_factory=dict)  # author -> points
    best: list[ArgumentLine] = field(default_factory=list)
    came_true: list[ArgumentLine] = field(default_factory=list)
    answered: list[ArgumentLine] = field(default_factory=list)  # with counter-arguments

    @property
    def empty(self) -> bool:
        """True when nobody argued, rated or forecast anything."""
        return not (self.best or self.came_true or self.answered or any(self.seat_points.values()))


def _forecast(record: MatchRecord, order: OrderInfo) -> str:
    forecast = order.forecast
    if forecast is None:
        return ""
    try:
        name = record.metric(forecast.metric).name
    except KeyError:
        name = forecast.metric
    when = "this round" if forecast.horizon == 0 else "by the next round"
    return f"{name} {forecast.direction} {when}"


def debate_summary(record: MatchRecord) -> DebateSummary:
    """The debate of the record (already cut for its viewer)."""
    summary = DebateSummary()
    names = {s.id: s.name for s in record.seats}
    rated: list[ArgumentLine] = []
    for played in record.rounds:
        for turn in played.turns:
            seat_name = names.get(turn.seat, turn.seat)
            for order in turn.orders:
                who = author(turn, order)
                line = ArgumentLine(
                    played.round, seat_name, order.name, who, order, _forecast(record, order)
                )
                points = order.points or 0.0
                summary.seat_points[seat_name] = summary.seat_points.get(seat_name, 0.0) + points
                summary.player_points[who] = summary.player_points.get(who, 0.0) + points
                if order.rating is not None and order.argument.strip():
                    rated.append(line)
                if order.forecast is not None and order.forecast.hit:
                    summary.came_true.append(line)
                if order.counter_arguments:
                    summary.answered.append(line)
    rated.sort(key=lambda a: (-(a.order.rating or 0.0), a.round))
    summary.best = [a for a in rated if (a.order.rating or 0.0) > 0][:BEST]
    return summary


def order_debate_note(record: MatchRecord, order: OrderInfo) -> str:
    """``forecast: Humanitarian down this round (came true) · rated +0.50 · 2 counter-arguments``,
    or empty when the order was not debated."""
    parts = []
    if order.forecast is not None:
        check = {True: " (came true)", False: " (missed)", None: ""}[order.forecast.hit]
        parts.append(f"forecast: {_forecast(record, order)}{check}")
    if order.rating is not None:
        acted = "" if order.applied is not False else ", points only"
        umpire = f" by umpire {order.umpire}" if order.umpire else ""
        parts.append(f"rated {order.rating:+.2f}{umpire}{acted}")
    if order.counter_arguments:
        parts.append(f"{len(order.counter_arguments)} counter-argument(s)")
    return " · ".join(parts)


def debate_notes(record: MatchRecord, round_number: int) -> dict[tuple[str, str], str]:
    """(seat, move) -> the debate note of each order of a round (see ``order_debate_note``)."""
    notes: dict[tuple[str, str], str] = {}
    for played in record.rounds:
        if played.round != round_number:
            continue
        for turn in played.turns:
            for order in turn.orders:
                note = order_debate_note(record, order)
                if note:
                    notes[(turn.seat, order.move)] = note
    return notes
