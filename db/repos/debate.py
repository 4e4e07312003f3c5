"""The open debate's window: the intentions, ratings (with their history), counter-arguments,
umpire rulings and the seats that are done."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import cast

from bot.game.state import SPECTATORS, Rating
from db.codec import dumps, loads, orders_from_dict, orders_to_dict, parse_time, time_text
from db.models import LockedSeat, OrderSource, StoredRound
from db.shards import Shards
from db.store import Tx


@dataclass(frozen=True)
class Window:
    """A round's debate window: the orders as they locked, and when it closes."""

    match_id: int
    round: int
    trigger: str
    locked: dict[str, LockedSeat]
    opened_at: datetime
    closes_at: datetime
    closed_at: datetime | None

    @property
    def open(self) -> bool:
        """Whether the window still takes ratings."""
        return self.closed_at is None


@dataclass(frozen=True)
class Given:
    """One rating as given: ``rater`` is the seat the player rates for, or ``spectators``."""

    move: str
    player: str
    rater: str
    value: int
    at: datetime


@dataclass(frozen=True)
class Counter:
    """A player's counter-argument to a move."""

    move: str
    player: str
    text: str
    at: datetime


@dataclass(frozen=True)
class Ruling:
    """An umpire's ruling on a move, -2 .. 2."""

    move: str
    umpire: str
    value: int
    at: datetime


def _mean(values: list[int]) -> float:
    return round(sum(values) / len(values), 4)


def latest(given: list[Given]) -> dict[tuple[str, str], Given]:
    """The rating that counts per (move, player): the latest one."""
    found: dict[tuple[str, str], Given] = {}
    for item in given:
        found[(item.move, item.player)] = item
    return found


def rated(
    locked: Mapping[str, LockedSeat],
    given: list[Given],
    counters: list[Counter],
) -> dict[str, LockedSeat]:
    """The intentions with the window's ratings and counter-arguments on each move: a seat's
    rating is the mean of its members who rated (a team), the spectators' the mean of the bloc
    with its count; the move's own seat never rates it (the service refuses it too)."""
    by_move: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for one in latest(given).values():
        by_move[one.move][one.rater].append(one.value)
    answers: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for counter in counters:
        answers[counter.move].append((counter.player, counter.text))
    result = {}
    for seat, item in locked.items():
        moves = []
        for order in item.orders.moves:
            raters = by_move.get(order.move, {})
            ratings = tuple(
                Rating(rater, _mean(values), len(values) if rater == SPECTATORS else None)
                for rater, values in sorted(raters.items())
                if rater != seat
            )
            moves.append(
                replace(
                    order,
                    ratings=(*order.ratings, *ratings),
                    counter_arguments=(*order.counter_arguments, *answers.get(order.move, [])),
                )
            )
        result[seat] = replace(item, orders=replace(item.orders, moves=tuple(moves)))
    return result


async def open_window(
    tx: Tx,
    match_id: int,
    round: int,
    trigger: str,
    locked: Mapping[str, LockedSeat],
    at: datetime,
    closes_at: datetime,
) -> bool:
    """Open the round's window with its intentions; False when it was open already."""
    body = {
        seat: {
            "source": item.source,
            "submission": item.submission_id,
            "orders": orders_to_dict(item.orders),
        }
        for seat, item in locked.items()
    }
    tx.touch("timers")  # the timer worker sleeps until the window's deadline too
    return (
        await tx.count(
            "INSERT INTO debate_windows (match_id, round, trigger, locked, opened_at, closes_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (match_id, round, trigger, dumps(body), time_text(at), time_text(closes_at)),
        )
        == 1
    )


async def window(tx: Tx, match_id: int, round: int) -> Window | None:
    """The round's window, if one was opened."""
    row = await tx.one(
        "SELECT trigger, locked, opened_at, closes_at, closed_at FROM debate_windows "
        "WHERE match_id = ? AND round = ?",
        (match_id, round),
    )
    if row is None:
        return None
    opened = parse_time(row["opened_at"])
    locked = {
        seat: LockedSeat(
            seat,
            cast(OrderSource, data["source"]),
            orders_from_dict(data["orders"]),
            data["submission"],
            opened,
        )
        for seat, data in loads(row["locked"]).items()
    }
    return Window(
        match_id,
        round,
        row["trigger"],
        locked,
        opened,
        parse_time(row["closes_at"]),
        None if row["closed_at"] is None else parse_time(row["closed_at"]),
    )


async def close(tx: Tx, match_id: int, round: int, at: datetime) -> bool:
    """Mark the window closed; False when it was closed already."""
    return (
        await tx.count(
            "UPDATE debate_windows SET closed_at = ? "
            "WHERE match_id = ? AND round = ? AND closed_at IS NULL",
            (time_text(at), match_id, round),
        )
        == 1
    )


async def due(
    tx: Tx, *, before: datetime | None = None, limit: int = 10, shards: Shards | None = None
) -> list[tuple[int, int, datetime]]:
    """Open windows (match, round, closes_at), soonest first (only those due by ``before``)."""
    sql = "SELECT match_id, round, closes_at FROM debate_windows WHERE closed_at IS NULL"
    params: list[object] = []
    if shards is not None and not shards.all:
        clause, values = shards.where("guild_id")
        sql += f" AND match_id IN (SELECT id FROM matches WHERE {clause})"
        params.extend(values)
    if before is not None:
        sql += " AND closes_at <= ?"
        params.append(time_text(before))
    rows = await tx.all(sql + " ORDER BY closes_at, match_id LIMIT ?", [*params, limit])
    return [(int(r["match_id"]), int(r["round"]), parse_time(r["closes_at"])) for r in rows]


async def add_rating(
    tx: Tx, match_id: int, round: int, move: str, player: str, rater: str, value: int, at: datetime
) -> None:
    """Record a rating (a change is a new row: the history keeps every one)."""
    await tx.run(
        "INSERT INTO debate_ratings (match_id, round, move, player, rater, value, at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (match_id, round, move, player, rater, value, time_text(at)),
    )


async def ratings(tx: Tx, match_id: int, round: int) -> list[Given]:
    """Every rating given in the round's window, oldest first (the history)."""
    rows = await tx.all(
        "SELECT move, player, rater, value, at FROM debate_ratings "
        "WHERE match_id = ? AND round = ? ORDER BY id",
        (match_id, round),
    )
    return [
        Given(r["move"], r["player"], r["rater"], int(r["value"]), parse_time(r["at"]))
        for r in rows
    ]


async def add_counter(
    tx: Tx, match_id: int, round: int, move: str, player: str, text: str, at: datetime
) -> bool:
    """Store a counter-argument; False when the player answered this move already."""
    return (
        await tx.count(
            "INSERT INTO debate_counters (match_id, round, move, player, text, at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (match_id, round, move, player, text, time_text(at)),
        )
        == 1
    )


async def counters(tx: Tx, match_id: int, round: int) -> list[Counter]:
    """The round's counter-arguments, oldest first."""
    rows = await tx.all(
        "SELECT move, player, text, at FROM debate_counters "
        "WHERE match_id = ? AND round = ? ORDER BY at, player",
        (match_id, round),
    )
    return [Counter(r["move"], r["player"], r["text"], parse_time(r["at"])) for r in rows]


async def add_ruling(
    tx: Tx, match_id: int, round: int, move: str, umpire: str, value: int, at: datetime
) -> None:
    """Record an umpire's ruling (a later one on the same move replaces it)."""
    await tx.run(
        "INSERT INTO debate_rulings (match_id, round, move, umpire, value, at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (match_id, round, move, umpire, value, time_text(at)),
    )


async def rulings(tx: Tx, match_id: int, round: int) -> list[Ruling]:
    """The round's rulings, oldest first."""
    rows = await tx.all(
        "SELECT move, umpire, value, at FROM debate_rulings "
        "WHERE match_id = ? AND round = ? ORDER BY id",
        (match_id, round),
    )
    return [Ruling(r["move"], r["umpire"], int(r["value"]), parse_time(r["at"])) for r in rows]


async def mark_done(
    tx: Tx, match_id: int, round: int, seat: str, player: str, at: datetime
) -> bool:
    """A seat pressed Done; False when it had already."""
    return (
        await tx.count(
            "INSERT INTO debate_done (match_id, round, seat, player, at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (match_id, round, seat, player, time_text(at)),
        )
        == 1
    )


async def done(tx: Tx, match_id: int, round: int) -> set[str]:
    """The seats that pressed Done."""
    rows = await tx.all(
        "SELECT seat FROM debate_done WHERE match_id = ? AND round = ?", (match_id, round)
    )
    return {r["seat"] for r in rows}


async def window_rounds(tx: Tx, match_id: int) -> set[int]:
    """The rounds of a match that had a debate window (open debate)."""
    rows = await tx.all("SELECT round FROM debate_windows WHERE match_id = ?", (match_id,))
    return {int(r["round"]) for r in rows}


async def with_later_ratings(
    tx: Tx, match_id: int, stored: Sequence[StoredRound]
) -> list[StoredRound]:
    """The stored rounds with the ratings given after their reveal (sealed debate: points
    only) on their orders; a round that had a window has its ratings in its orders already."""
    windows = await window_rounds(tx, match_id)
    rows = await tx.all(
        "SELECT round, move, player, rater, value, at FROM debate_ratings WHERE match_id = ? "
        "ORDER BY id",
        (match_id,),
    )
    later: dict[int, list[Given]] = defaultdict(list)
    for r in rows:
        if int(r["round"]) not in windows:
            given = Given(r["move"], r["player"], r["rater"], int(r["value"]), parse_time(r["at"]))
            later[int(r["round"])].append(given)
    return [
        replace(s, orders=rated(s.orders, later[s.round], [])) if s.round in later else s
        for s in stored
    ]
