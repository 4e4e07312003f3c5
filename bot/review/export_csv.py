"""The CSV export for grading: one row per player per match (and one per seat the AI played).

Columns (docs/match-record.md explains each): who held which seat, rounds played, orders
submitted on time and missed, arguments written and their length, the seat's final score.
Text cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) are
prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import astuple, dataclass, fields

from bot.review.record import HolderInfo, MatchRecord, RoundInfo, SeatInfo, SeatTurn


@dataclass(frozen=True)
class PlayerRow:
    """One player's (or the AI's) part in a match."""

    match_id: str
    scenario_id: str
    scenario_version: str
    status: str
    seat: str
    seat_name: str
    player_id: str
    player_name: str
    ai: str
    rounds_played: int
    orders_on_time: int
    orders_missed: int
    arguments_written: int
    argument_characters: int
    argument_words: int
    mean_argument_characters: float
    final_score: str
    winner: str


COLUMNS = tuple(f.name for f in fields(PlayerRow))


def _held_then(holder: HolderInfo, played: RoundInfo) -> bool:
    at = played.resolved_at
    if at is None:
        return True
    return (holder.since is None or holder.since <= at) and (
        holder.until is None or at <= holder.until
    )


def _theirs(turn: SeatTurn, holder: HolderInfo | None, seat: SeatInfo) -> bool:
    """Whether the turn's orders (and arguments) count for this player."""
    if holder is None:
        return turn.source == "ai"
    if turn.submitted_by is not None:
        return turn.submitted_by == holder.player
    return len(seat.holders) == 1 and turn.source == "players"


def _score(record: MatchRecord, seat: str) -> tuple[str, str]:
    if record.result is not None:
        winner = "yes" if seat in record.result.winners else "no"
        return f"{record.result.scores.get(seat, 0.0):.3f}", winner
    latest = record.score_series(seat)[-1]
    return ("" if latest is None else f"{latest:.3f}"), ""


def _row(record: MatchRecord, seat: SeatInfo, holder: HolderInfo | None) -> PlayerRow:
    turns = [
        (played, turn)
        for played in record.rounds
        if holder is None or _held_then(holder, played)
        for turn in played.turns
        if turn.seat == seat.id
    ]
    mine = [turn for _, turn in turns if _theirs(turn, holder, seat)]
    arguments = [o.argument.strip() for t in mine for o in t.orders if o.argument.strip()]
    chars = sum(len(a) for a in arguments)
    score, winner = _score(record, seat.id)
    return PlayerRow(
        match_id="" if record.match.id is None else str(record.match.id),
        scenario_id=record.scenario.id,
        scenario_version=record.scenario.version,
        status=record.match.status,
        seat=seat.id,
        seat_name=seat.name,
        player_id=holder.player if holder else "",
        player_name=holder.name if holder else "AI",
        ai="no" if holder else "yes",
        rounds_played=len(turns),
        orders_on_time=sum(1 for t in mine if t.on_time),
        orders_missed=sum(1 for _, t in turns if t.on_time is False),
        arguments_written=len(arguments),
        argument_characters=chars,
        argument_words=sum(len(a.split()) for a in arguments),
        mean_argument_characters=round(chars / len(arguments), 1) if arguments else 0.0,
        final_score=score,
        winner=winner,
    )


def player_rows(record: MatchRecord) -> Iterator[PlayerRow]:
    """A row for each player of each seat, and one for each seat nobody held (the AI's)."""
    for seat in record.seats:
        for holder in seat.holders:
            yield _row(record, seat, holder)
        if not seat.holders:
            yield _row(record, seat, None)


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(record: MatchRecord) -> str:
    """The grading table as CSV text (a header row, then one row per player)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in player_rows(record):
        writer.writerow([safe_cell(v) for v in astuple(row)])
    return out.getvalue()
