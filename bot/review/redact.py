"""What a viewer may see of a match record: the single gate every renderer goes through.

While a match runs (or waits in the lobby):
- every seat's secret objectives are hidden from everyone but that seat;
- a metric the viewer does not see exactly (``bot.game.view.sight``) is hidden: its values
  become None, and the engine records that would give it away (its changes, misses, scheduled
  effects, threshold levels) are left out;
- a seat's score is hidden when one of its goals is on such a metric (it would reveal it);
- another seat's covert moves that have not been exposed are left out of the orders, and their
  effects are shown as the work of "a covert move" (a moderator with no seat, the umpire, sees
  them);
- the seed and the engine's full state are left out (with them anyone could recompute every
  hidden value, since the rules are deterministic).
Once the match has finished or was ended, everything is shown to everyone.
"""

from __future__ import annotations

from bot.game.scenario import Scenario
from bot.game.view import COVERT, secret_moves, sight
from bot.review.record import (
    MatchRecord,
    OrderInfo,
    RecordEntry,
    RoundInfo,
    SeatInfo,
    SeatTurn,
)

_METRIC_KINDS = ("effect", "miss", "scheduled")
_LEVEL_KINDS = ("threshold_on", "threshold_off")


def hidden_metrics(scenario: Scenario, viewer: str | None) -> frozenset[str]:
    """Ids of the metrics the viewer (a seat id, or None for the public) does not see exactly."""
    return frozenset(m.id for m in scenario.metrics if sight(m, viewer) != "exact")


def _records(
    records: list[RecordEntry], hidden: frozenset[str], secret: frozenset[str] = frozenset()
) -> list[RecordEntry]:
    kept = []
    for rec in records:
        if rec.metric in hidden and rec.kind in _METRIC_KINDS:
            continue
        if rec.source.startswith("move:") and rec.source[5:] in secret:
            if rec.kind == "order":
                continue
            rec = rec.model_copy(update={"source": COVERT, "seat": None})
        if rec.metric in hidden and rec.kind in _LEVEL_KINDS:
            rec = rec.model_copy(update={"metric": None, "after": None})
        kept.append(rec)
    return kept


def _values(values: dict[str, float | None], hidden: frozenset[str]) -> dict[str, float | None]:
    return {k: (None if k in hidden else v) for k, v in values.items()}


def _seat(seat: SeatInfo, viewer: str | None) -> SeatInfo:
    return seat if seat.id == viewer else seat.model_copy(update={"objectives": None})


def _unchecked(order: OrderInfo, hidden: frozenset[str]) -> OrderInfo:
    """The order without its forecast's check when the forecast is on a metric the viewer does
    not see exactly: a hit would tell which way the metric went (points go with it)."""
    forecast = order.forecast
    if forecast is None or forecast.metric not in hidden or forecast.hit is None:
        return order
    update = {"forecast": forecast.model_copy(update={"hit": None}), "points": None}
    return order.model_copy(update=update)


def _turn(turn: SeatTurn, secret: frozenset[str], hidden: frozenset[str]) -> SeatTurn:
    kept = [_unchecked(o, hidden) for o in turn.orders if o.move not in secret]
    return turn if kept == turn.orders else turn.model_copy(update={"orders": kept})


def _round(
    played: RoundInfo, hidden: frozenset[str], blind: frozenset[str], secret: frozenset[str]
) -> RoundInfo:
    return played.model_copy(
        update={
            "turns": [_turn(t, secret, hidden) for t in played.turns],
            "records": _records(played.records, hidden, secret),
            "metrics": _values(played.metrics, hidden),
            "scores": {k: (None if k in blind else v) for k, v in played.scores.items()},
        }
    )


def view_for(
    record: MatchRecord, scenario: Scenario, viewer: str | None, *, umpire: bool = False
) -> MatchRecord:
    """The record as ``viewer`` (a seat id, or None for the public) may see it now; the
    ``umpire`` (a moderator with no seat) also sees every covert move.

    A finished or ended match is returned whole; a running one is cut as the module says.
    """
    if record.over:
        return record.model_copy(update={"viewer": viewer})
    hidden = hidden_metrics(scenario, viewer)
    exposed = [r.source[5:] for p in record.rounds for r in p.records if r.kind == "exposed"]
    secret = frozenset() if umpire else secret_moves(scenario, exposed, viewer)
    blind = frozenset(s.id for s in scenario.seats if any(g.metric in hidden for g in s.goals))
    opening = record.opening.model_copy(
        update={
            "records": _records(record.opening.records, hidden),
            "metrics": _values(record.opening.metrics, hidden),
            "scores": {k: (None if k in blind else v) for k, v in record.opening.scores.items()},
        }
    )
    return record.model_copy(
        update={
            "viewer": viewer,
            "redacted": True,
            "match": record.match.model_copy(update={"seed": None}),
            "metrics": [m.model_copy(update={"hidden": m.id in hidden}) for m in record.metrics],
            "seats": [_seat(s, viewer) for s in record.seats],
            "opening": opening,
            "rounds": [_round(r, hidden, blind, secret) for r in record.rounds],
            "result": None,
            "deals": [d for d in record.deals if viewer in d.parties],  # talks stay private
        }
    )
