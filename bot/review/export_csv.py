"""The CSV export for grading: one row per player per match (and one per seat the AI played).

Columns (docs/match-record.md explains each): who held which seat (and their role in its
team), rounds played, orders submitted on time and missed, moves added and arguments written
(by their authors, whatever the team size) and their length, the seat's final score.
Text cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) are
prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import astuple, dataclass, fields

from bot.review.record import HolderInfo, MatchRecord, OrderInfo, RoundInfo, SeatInfo, SeatTurn


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
    role: str
    joined_round: str
    left_round: str
    rounds_played: int
    orders_on_time: int
    orders_missed: int
    moves_added: int
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


def _theirs(turn: SeatTurn, holder: HolderInfo | None, seat: SeatInfo, team: bool) -> bool:
    """Whether the turn's orders count as this player's (a team's count for every member)."""
    if holder is None:
        return turn.source == "ai"
    if turn.submitted_by is not None:
        return team or turn.submitted_by == holder.player
    return (team or len(seat.holders) == 1) and turn.source == "players"


def _argued(order: OrderInfo, holder: HolderInfo | None, mine: bool) -> bool:
    """Whether the player wrote this order's argument (by its author when recorded)."""
    if holder is not None and order.argument_author is not None:
        return order.argument_author == holder.player
    return mine


def _score(record: MatchRecord, seat: str) -> tuple[str, str]:
    if record.result is not None:
        winner = "yes" if seat in record.result.winners else "no"
        return f"{record.result.scores.get(seat, 0.0):.3f}", winner
    latest = record.score_series(seat)[-1]
    return ("" if latest is None else f"{latest:.3f}"), ""


def _row(record: MatchRecord, spans: list[tuple[SeatInfo, HolderInfo | None]]) -> PlayerRow:
    seat, holder = spans[-1]
    team = int(record.match.settings.get("team_size") or 1) > 1
    turns = [
        (played, turn, span_holder, span_seat)
        for span_seat, span_holder in spans
        for played in record.rounds
        if span_holder is None or _held_then(span_holder, played)
        for turn in played.turns
        if turn.seat == span_seat.id
    ]
    mine = [(turn, _theirs(turn, h, s, team)) for _, turn, h, s in turns]
    arguments = [
        o.argument.strip()
        for turn, ours in mine
        for o in turn.orders
        if o.argument.strip() and _argued(o, holder, ours)
    ]
    added = sum(
        1
        for turn, ours in mine
        for o in turn.orders
        if (o.author == holder.player if holder and o.author is not None else ours)
    )
    chars = sum(len(a) for a in arguments)
    score, winner = _score(record, seat.id)
    joined = [h.joined_round for _, h in spans if h is not None and h.joined_round is not None]
    left = [h.left_round for _, h in spans if h is not None]
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
        role=_role(spans, team),
        joined_round=str(min(joined)) if joined else "",
        left_round="" if not left or left[-1] is None else str(left[-1]),
        rounds_played=len(turns),
        orders_on_time=sum(1 for t, ours in mine if ours and t.on_time),
        orders_missed=sum(1 for _, t, _h, _s in turns if t.on_time is False),
        moves_added=added,
        arguments_written=len(arguments),
        argument_characters=chars,
        argument_words=sum(len(a.split()) for a in arguments),
        mean_argument_characters=round(chars / len(arguments), 1) if arguments else 0.0,
        final_score=score,
        winner=winner,
    )


def _role(spans: list[tuple[SeatInfo, HolderInfo | None]], team: bool) -> str:
    if not team or spans[-1][1] is None:
        return ""
    return "captain" if any(h and "captain" in h.roles for _, h in spans) else "member"


def player_rows(record: MatchRecord) -> Iterator[PlayerRow]:
    """A row for each player (whichever seats they held, whatever the team size), and one for
    each seat nobody held (the AI's)."""
    players: dict[str, list[tuple[SeatInfo, HolderInfo | None]]] = {}
    for seat in record.seats:
        for holder in seat.holders:
            players.setdefault(holder.player, []).append((seat, holder))
        if not seat.holders:
            players[f"ai:{seat.id}"] = [(seat, None)]
    for spans in players.values():
        yield _row(record, spans)


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
