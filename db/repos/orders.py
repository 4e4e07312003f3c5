"""Submitted orders: every submission kept, one current (then locked) per seat and round."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import cast

from bot.game.state import Forecast, Order, SeatOrders
from db.codec import dumps, loads, maybe_time, parse_time, time_text
from db.models import Authors, Submission, SubmissionStatus
from db.store import Row, Tx


async def close_current(
    tx: Tx, match_id: int, round: int, seat: str, status: SubmissionStatus, at: datetime
) -> int | None:
    """Close the seat's current submission (``withdrawn``); return its id, or None."""
    rows = await tx.all(
        "UPDATE submissions SET status = ?, closed_at = ? "
        "WHERE match_id = ? AND round = ? AND seat = ? AND status = 'current' RETURNING id",
        (status, time_text(at), match_id, round, seat),
    )
    return int(rows[0][0]) if rows else None


async def insert_submission(
    tx: Tx,
    match_id: int,
    round: int,
    seat: str,
    player: str,
    orders: SeatOrders,
    cost: int,
    at: datetime,
    authors: Mapping[str, Authors] | None = None,
) -> int | None:
    """Store a new current submission and return its id; None (nothing stored) unless the
    match is still taking orders for ``round`` and ``player`` still holds ``seat`` (and, in a
    match played in teams, is its captain: only the captain locks the team's orders).

    One statement: triggers close the seat's previous submission as ``replaced`` and write one
    ``submission_orders`` row per move, with who added it and wrote its argument (``authors``,
    by move; the submitting player when a move is not named). (Submissions are their own
    timestamped, immutable record; the log keeps orders locked and withdrawn.)
    """
    authors = authors or {}
    moves = [
        {"move": o.move, "argument": o.argument}
        # A forecast stays in the submission's JSON only (no column: no migration); the
        # triggers copy the move and argument to ``submission_orders`` as before.
        | ({} if o.forecast is None else {"forecast": o.forecast.to_dict()})
        | (
            {}
            if o.move not in authors
            else {
                "author": authors[o.move].author,
                "argument_author": authors[o.move].argument_author,
            }
        )
        for o in orders.moves
    ]
    rows = await tx.all(
        "INSERT INTO submissions (match_id, round, seat, player, status, moves, decisions, cost, "
        "submitted_at) SELECT m.id, m.round, CAST(? AS TEXT), CAST(? AS TEXT), 'current', "
        "CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS INTEGER), CAST(? AS TEXT) FROM matches m "
        "WHERE m.id = ? AND m.round = ? AND m.phase = 'orders' AND EXISTS (SELECT 1 FROM "
        "seat_holders h WHERE h.match_id = m.id AND h.player = ? AND h.seat = ?) AND "
        "(m.team_size = 1 OR EXISTS (SELECT 1 FROM seats s WHERE s.match_id = m.id "
        "AND s.seat = ? AND s.captain = ?)) RETURNING id",
        (
            seat,
            player,
            dumps(moves),
            dumps(orders.decisions),
            cost,
            time_text(at),
            match_id,
            round,
            player,
            seat,
            seat,
            player,
        ),
    )
    return int(rows[0][0]) if rows else None


def _submission(
    row: Row, moves: Sequence[Order], authors: dict[str, Authors] | None = None
) -> Submission:
    return Submission(
        id=int(row["id"]),
        match_id=int(row["match_id"]),
        round=int(row["round"]),
        seat=row["seat"],
        player=row["player"],
        status=cast(SubmissionStatus, row["status"]),
        orders=SeatOrders(moves=tuple(moves), decisions=loads(row["decisions"])),
        cost=int(row["cost"]),
        submitted_at=parse_time(row["submitted_at"]),
        closed_at=maybe_time(row["closed_at"]),
        authors=authors or {},
    )


async def _with_orders(tx: Tx, rows: list[Row]) -> list[Submission]:
    if not rows:
        return []
    ids = [int(r["id"]) for r in rows]
    marks = ",".join("?" * len(ids))
    order_rows = await tx.all(
        f"SELECT submission_id, move, argument, author, argument_author FROM submission_orders "
        f"WHERE submission_id IN ({marks}) ORDER BY submission_id, slot",
        ids,
    )
    moves: dict[int, list[Order]] = {i: [] for i in ids}
    authors: dict[int, dict[str, Authors]] = {i: {} for i in ids}
    forecasts = {int(r["id"]): _forecasts(r["moves"]) for r in rows}
    for row in order_rows:
        sub = int(row["submission_id"])
        forecast = forecasts[sub].get(row["move"])
        moves[sub].append(Order(row["move"], row["argument"], forecast=forecast))
        if row["author"] is not None:
            authors[int(row["submission_id"])][row["move"]] = Authors(
                row["author"], row["argument_author"] or row["author"]
            )
    return [_submission(r, moves[int(r["id"])], authors[int(r["id"])]) for r in rows]


def _forecasts(text: str) -> dict[str, Forecast]:
    """The forecasts kept in a submission's moves JSON, by move (most submissions have none,
    so the JSON is parsed only when it names one)."""
    if '"forecast"' not in text:
        return {}
    return {
        str(m["move"]): Forecast.from_dict(m["forecast"]) for m in loads(text) if m.get("forecast")
    }


_SELECT = (
    "SELECT id, match_id, round, seat, player, status, moves, decisions, cost, submitted_at, "
    "closed_at FROM submissions "
)


async def live_submissions(tx: Tx, match_id: int, round: int) -> dict[str, Submission]:
    """Each seat's current (or locked) submission for the round."""
    rows = await tx.all(
        _SELECT + "WHERE match_id = ? AND round = ? AND status IN ('current', 'locked')",
        (match_id, round),
    )
    return {s.seat: s for s in await _with_orders(tx, rows)}


async def live_submission(tx: Tx, match_id: int, round: int, seat: str) -> Submission | None:
    """The seat's current (or locked) submission for the round, or None."""
    rows = await tx.all(
        _SELECT + "WHERE match_id = ? AND round = ? AND seat = ? "
        "AND status IN ('current', 'locked')",
        (match_id, round, seat),
    )
    found = await _with_orders(tx, rows)
    return found[0] if found else None


async def submission_history(tx: Tx, match_id: int, round: int | None = None) -> list[Submission]:
    """Every submission of a match (or of one round), oldest first."""
    if round is None:
        rows = await tx.all(_SELECT + "WHERE match_id = ? ORDER BY id", (match_id,))
    else:
        rows = await tx.all(
            _SELECT + "WHERE match_id = ? AND round = ? ORDER BY id", (match_id, round)
        )
    return await _with_orders(tx, rows)


async def submitted_seats(tx: Tx, match_id: int, round: int) -> set[str]:
    """The seats with a current submission for the round."""
    rows = await tx.all(
        "SELECT seat FROM submissions WHERE match_id = ? AND round = ? AND status = 'current'",
        (match_id, round),
    )
    return {str(r[0]) for r in rows}


async def live_ids(tx: Tx, match_id: int, round: int) -> set[int]:
    """The ids of the round's current submissions."""
    rows = await tx.all(
        "SELECT id FROM submissions WHERE match_id = ? AND round = ? AND status = 'current'",
        (match_id, round),
    )
    return {int(r[0]) for r in rows}


async def lock_current(tx: Tx, match_id: int, round: int, at: datetime) -> None:
    """Mark every current submission of the round as locked."""
    await tx.run(
        "UPDATE submissions SET status = 'locked', closed_at = ? "
        "WHERE match_id = ? AND round = ? AND status = 'current'",
        (time_text(at), match_id, round),
    )
