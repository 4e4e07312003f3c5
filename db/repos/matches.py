"""Matches, their seats and who holds them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from db.codec import dumps, loads, maybe_time, parse_time, state_from_text, time_text
from db.models import Controller, Holder, Match, Phase, SeatInfo
from db.store import Row, Tx

_COLUMNS = (
    "id, scenario_id, scenario_version, scenario_sha256, scenario_source, guild_id, channel_id, "
    "host, seed, last_round, ai_fill, teams, deadline_seconds, settings, phase, round, revision, "
    "paused, deadline_at, remaining_seconds, created_at, started_at, ended_at, ending, "
    "end_reason, ended_by, winners"
)


@dataclass(frozen=True)
class NewMatch:
    """The settings a match is created with."""

    scenario_sha256: str
    scenario_source: int | None
    scenario_id: str
    scenario_version: str
    guild_id: str | None
    channel_id: str | None
    host: str
    seed: int
    last_round: int
    ai_fill: bool
    teams: bool
    deadline_seconds: int | None
    settings: dict[str, Any]


async def insert_match(tx: Tx, new: NewMatch, seat_ids: Sequence[str], at: datetime) -> int:
    """Store a new match in the lobby with its (empty) seats; return its id."""
    match_id = await tx.insert(
        "INSERT INTO matches (scenario_sha256, scenario_source, scenario_id, scenario_version, "
        "guild_id, channel_id, host, seed, last_round, ai_fill, teams, deadline_seconds, "
        "settings, phase, round, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,'lobby',0,?)",
        (
            new.scenario_sha256,
            new.scenario_source,
            new.scenario_id,
            new.scenario_version,
            new.guild_id,
            new.channel_id,
            new.host,
            new.seed,
            new.last_round,
            int(new.ai_fill),
            int(new.teams),
            new.deadline_seconds,
            dumps(new.settings),
            time_text(at),
        ),
    )
    await tx.many(
        "INSERT INTO seats (match_id, seat, position) VALUES (?, ?, ?)",
        [(match_id, seat, index) for index, seat in enumerate(seat_ids)],
    )
    return match_id


def _controller(phase: str, ai: bool, holders: tuple[Holder, ...]) -> Controller:
    if holders:
        return "players"
    if phase == "lobby":
        return "open"
    return "ai" if ai else "hold"


async def seats_of(
    tx: Tx, match_ids: Sequence[int], phases: dict[int, str]
) -> dict[int, tuple[SeatInfo, ...]]:
    """The seats (with holders) of several matches."""
    if not match_ids:
        return {}
    marks = ",".join("?" * len(match_ids))
    seat_rows = await tx.all(
        f"SELECT match_id, seat, position, ai FROM seats WHERE match_id IN ({marks}) "
        "ORDER BY match_id, position",
        match_ids,
    )
    holder_rows = await tx.all(
        f"SELECT match_id, seat, player, name, since FROM seat_holders "
        f"WHERE match_id IN ({marks}) ORDER BY since, player",
        match_ids,
    )
    holders: dict[tuple[int, str], list[Holder]] = {}
    for row in holder_rows:
        key = (int(row["match_id"]), str(row["seat"]))
        holders.setdefault(key, []).append(
            Holder(row["player"], row["name"], parse_time(row["since"]))
        )
    found: dict[int, list[SeatInfo]] = {m: [] for m in match_ids}
    for row in seat_rows:
        match_id = int(row["match_id"])
        held = tuple(holders.get((match_id, row["seat"]), ()))
        controller = _controller(phases[match_id], bool(row["ai"]), held)
        found[match_id].append(SeatInfo(row["seat"], int(row["position"]), controller, held))
    return {m: tuple(seats) for m, seats in found.items()}


def _match(row: Row, seats: tuple[SeatInfo, ...], state_json: str | None) -> Match:
    winners = row["winners"]
    return Match(
        id=int(row["id"]),
        scenario_id=row["scenario_id"],
        scenario_version=row["scenario_version"],
        scenario_sha256=row["scenario_sha256"],
        scenario_source=row["scenario_source"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        host=row["host"],
        seed=int(row["seed"]),
        last_round=int(row["last_round"]),
        ai_fill=bool(row["ai_fill"]),
        teams=bool(row["teams"]),
        deadline_seconds=row["deadline_seconds"],
        settings=loads(row["settings"]),
        phase=cast(Phase, row["phase"]),
        round=int(row["round"]),
        revision=int(row["revision"]),
        paused=bool(row["paused"]),
        deadline_at=maybe_time(row["deadline_at"]),
        remaining_seconds=row["remaining_seconds"],
        created_at=parse_time(row["created_at"]),
        started_at=maybe_time(row["started_at"]),
        ended_at=maybe_time(row["ended_at"]),
        ending=row["ending"],
        end_reason=row["end_reason"],
        ended_by=row["ended_by"],
        winners=None if winners is None else tuple(loads(winners)),
        seats=seats,
        state=None if state_json is None else state_from_text(state_json),
    )


async def get_match(tx: Tx, match_id: int, *, with_state: bool = True) -> Match | None:
    """One match with its seats (and its current state unless ``with_state`` is False)."""
    extra = ", state" if with_state else ""
    row = await tx.one(f"SELECT {_COLUMNS}{extra} FROM matches WHERE id = ?", (match_id,))
    if row is None:
        return None
    seats = await seats_of(tx, [match_id], {match_id: row["phase"]})
    return _match(row, seats[match_id], row["state"] if with_state else None)


async def list_matches(
    tx: Tx,
    *,
    guild_id: str | None = None,
    local_only: bool = False,
    phases: Iterable[str] | None = None,
    player: str | None = None,
    scenario_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Match]:
    """Matches, newest first, filtered in SQL (without their states); ``offset`` skips the
    first ones (for pages)."""
    where: list[str] = []
    params: list[Any] = []
    if guild_id is not None:
        where.append("guild_id = ?")
        params.append(guild_id)
    if local_only:
        where.append("guild_id IS NULL")
    wanted = list(phases or [])
    if wanted:
        where.append(f"phase IN ({','.join('?' * len(wanted))})")
        params.extend(wanted)
    if player is not None:
        where.append("id IN (SELECT match_id FROM seat_holders WHERE player = ?)")
        params.append(player)
    if scenario_id is not None:
        where.append("scenario_id = ?")
        params.append(scenario_id)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    rows = await tx.all(
        f"SELECT {_COLUMNS} FROM matches {clause} ORDER BY id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    ids = [int(r["id"]) for r in rows]
    seats = await seats_of(tx, ids, {int(r["id"]): r["phase"] for r in rows})
    return [_match(r, seats[int(r["id"])], None) for r in rows]


async def compare_and_set(
    tx: Tx,
    match_id: int,
    expect: tuple[int, str, int | None],
    changes: Mapping[str, Any],
) -> bool:
    """``UPDATE matches ... WHERE id=? AND round=? AND phase=? [AND revision=?]``.

    ``expect`` is (round, phase, revision or None). Every change bumps the revision. False when
    the match is no longer as expected (another change got there first): nothing changed.
    """
    round_, phase, revision = expect
    sets = "".join(f"{column} = ?, " for column in changes)
    sql = (
        f"UPDATE matches SET {sets}revision = revision + 1 WHERE id = ? AND round = ? AND phase = ?"
    )
    params: list[Any] = [*changes.values(), match_id, round_, phase]
    if revision is not None:
        sql += " AND revision = ?"
        params.append(revision)
    return await tx.count(sql, params) == 1


async def bump(tx: Tx, match_id: int) -> None:
    """Mark the match changed (its revision goes up), e.g. after a submission."""
    await tx.run("UPDATE matches SET revision = revision + 1 WHERE id = ?", (match_id,))


async def add_holder(
    tx: Tx, match_id: int, seat: str, player: str, name: str, at: datetime
) -> None:
    """Seat a player (the caller has checked the rules)."""
    await tx.run(
        "INSERT INTO seat_holders (match_id, player, seat, name, since) VALUES (?, ?, ?, ?, ?)",
        (match_id, player, seat, name, time_text(at)),
    )


async def remove_holder(tx: Tx, match_id: int, player: str) -> str | None:
    """Unseat a player; return the seat they held, or None."""
    rows = await tx.all(
        "DELETE FROM seat_holders WHERE match_id = ? AND player = ? RETURNING seat",
        (match_id, player),
    )
    return str(rows[0][0]) if rows else None


async def remove_seat_holders(tx: Tx, match_id: int, seat: str) -> list[str]:
    """Unseat everyone from a seat; return who was removed."""
    rows = await tx.all(
        "DELETE FROM seat_holders WHERE match_id = ? AND seat = ? RETURNING player",
        (match_id, seat),
    )
    return sorted(str(r[0]) for r in rows)


async def set_ai(tx: Tx, match_id: int, seats: Iterable[str], ai: bool) -> None:
    """Mark seats as played by the AI (or not)."""
    await tx.many(
        "UPDATE seats SET ai = ? WHERE match_id = ? AND seat = ?",
        [(int(ai), match_id, seat) for seat in seats],
    )


async def scenario_and_guild(tx: Tx, match_id: int) -> tuple[str, str | None] | None:
    """(scenario text hash, server id) of a match, or None when there is no such match."""
    row = await tx.one("SELECT scenario_sha256, guild_id FROM matches WHERE id = ?", (match_id,))
    if row is None:
        return None
    return str(row[0]), None if row[1] is None else str(row[1])


async def order_view(tx: Tx, match_id: int, player: str) -> tuple[str, int, str, str | None] | None:
    """What a submission is checked against, in one statement: the match's phase, round and
    state (JSON) and the seat the player holds (None); None when there is no such match."""
    row = await tx.one(
        "SELECT phase, round, state, (SELECT seat FROM seat_holders h "
        "WHERE h.match_id = matches.id AND h.player = ?) FROM matches WHERE id = ?",
        (player, match_id),
    )
    if row is None:
        return None
    return str(row[0]), int(row[1]), str(row[2] or ""), None if row[3] is None else str(row[3])
